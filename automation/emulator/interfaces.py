"""Interface names as the emulator keys them: a typed line's name checked against the device.

IOS accepts `g0/1`, `Gi0/1`, `gi 0/1`, `GigabitEthernet0/1`, `lo0`, `vlan 10` and prints one canonical
form; everything in the emulator keys interfaces by that canonical name. The types, their short
forms, unit ranges and each model's ports are the platform's (`automation.platforms.cisco_ios`).

>>> parse_interface("g0/1.10", "router").name
'GigabitEthernet0/1.10'
>>> parse_interface("g0/1.10", "switch") is None, parse_interface("vlan 4095", "switch") is None
(True, True)
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from automation.platforms.cisco_ios import MODELS, SUBINTERFACES, InterfaceType, Kind, interface_type

_NAME_RE = re.compile(r"^([A-Za-z][A-Za-z-]*)\s*(\d+(?:/\d+)*(?:\.\d+)?)$")
_NUMBER_RE = re.compile(r"^\d+(?:/\d+)*(?:\.\d+)?$")


@dataclass(frozen=True)
class InterfaceName:
    """A parsed, validated interface name."""

    type: InterfaceType
    number: str  # "0/1", "0/1.10", "0", "10"

    @property
    def name(self) -> str:
        return f"{self.type.name}{self.number}"

    @property
    def short(self) -> str:
        return f"{self.type.short}{self.number}"

    @property
    def parent(self) -> str | None:
        """The physical interface of a subinterface, else None."""
        if "." in self.number:
            return f"{self.type.name}{self.number.split('.')[0]}"
        return None

    @property
    def subinterface(self) -> int | None:
        return int(self.number.split(".")[1]) if "." in self.number else None


def is_interface_type_word(word: str, kind: Kind) -> bool:
    """True when `word` alone abbreviates an interface type (`gi`, `vlan`), with no number."""
    return not any(c.isdigit() for c in word) and interface_type(word, kind) is not None


def looks_like_number(word: str) -> bool:
    return bool(_NUMBER_RE.match(word))


def parse_interface(text: str, kind: Kind) -> InterfaceName | None:
    """Parse `text` as an interface of a device of `kind`; None when IOS would reject it."""
    m = _NAME_RE.match(text.strip())
    if not m:
        return None
    itype = interface_type(m.group(1), kind)
    if itype is None:
        return None
    number = m.group(2)
    base, _, sub = number.partition(".")
    parts = base.split("/")
    if itype.slotted:
        if len(parts) != 2:
            return None
        canonical_base = f"{int(parts[0])}/{int(parts[1])}"
        model = MODELS[kind]
        if f"{itype.name}{canonical_base}" not in model.ports:
            return None
        if sub:
            if not model.subinterfaces or not SUBINTERFACES[0] <= int(sub) <= SUBINTERFACES[1]:
                return None
            return InterfaceName(itype, f"{canonical_base}.{int(sub)}")
        return InterfaceName(itype, canonical_base)
    if len(parts) != 1 or sub:
        return None
    unit = int(parts[0])
    low, high = itype.units
    if not low <= unit <= high:
        return None
    return InterfaceName(itype, str(unit))


@functools.lru_cache(maxsize=4096)
def interface_name(name: str) -> InterfaceName:
    """Parse an already canonical name (from the model); raises ValueError if it is not one."""
    for kind in ("switch", "router"):
        parsed = parse_interface(name, kind)
        if parsed is not None and parsed.name == name:
            return parsed
    raise ValueError(f"not a canonical interface name: {name}")


def sort_key(name: str) -> tuple[int, tuple[int, ...]]:
    """Order of interfaces in running-config and show outputs: by type rank, then numerically."""
    parsed = interface_name(name)
    numbers = tuple(int(n) for n in re.split(r"[/.]", parsed.number))
    return (parsed.type.rank, numbers)
