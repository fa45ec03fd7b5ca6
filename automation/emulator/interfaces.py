"""Interface names: parsing IOS abbreviations, canonical and short forms, per-kind port sets.

IOS accepts `g0/1`, `Gi0/1`, `gi 0/1`, `GigabitEthernet0/1`, `lo0`, `vlan 10` and prints one canonical
form; everything in the emulator keys interfaces by that canonical name.

>>> parse_interface("g0/1.10", "router").name
'GigabitEthernet0/1.10'
>>> short_name("GigabitEthernet0/1")
'Gi0/1'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Kind = Literal["router", "switch"]

_NAME_RE = re.compile(r"^([A-Za-z][A-Za-z-]*)\s*(\d+(?:/\d+)*(?:\.\d+)?)$")
_NUMBER_RE = re.compile(r"^\d+(?:/\d+)*(?:\.\d+)?$")


@dataclass(frozen=True)
class InterfaceType:
    """One interface type as IOS names it, with the short form used in `brief` style outputs."""

    name: str
    short: str
    kinds: frozenset[str]
    slotted: bool  # numbered slot/port (physical) rather than a single unit number
    rank: int  # position of the type in `show running-config`


GIGABIT = InterfaceType("GigabitEthernet", "Gi", frozenset({"router", "switch"}), True, 30)
LOOPBACK = InterfaceType("Loopback", "Lo", frozenset({"router", "switch"}), False, 10)
VLAN = InterfaceType("Vlan", "Vl", frozenset({"switch"}), False, 50)
TUNNEL = InterfaceType("Tunnel", "Tu", frozenset({"router"}), False, 15)
PORT_CHANNEL = InterfaceType("Port-channel", "Po", frozenset({"switch"}), False, 20)

TYPES: tuple[InterfaceType, ...] = (GIGABIT, LOOPBACK, VLAN, TUNNEL, PORT_CHANNEL)


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


def physical_ports(kind: Kind) -> list[str]:
    """The fixed ports of an IOSv router (Gi0/0-0/3) or an IOSvL2 switch (Gi0/0-3/3)."""
    slots = 1 if kind == "router" else 4
    return [f"GigabitEthernet{slot}/{port}" for slot in range(slots) for port in range(4)]


def _type_for(word: str, kind: Kind) -> InterfaceType | None:
    low = word.lower()
    matches = [t for t in TYPES if kind in t.kinds and t.name.lower().startswith(low)]
    return matches[0] if len(matches) == 1 else None


def is_interface_type_word(word: str, kind: Kind) -> bool:
    """True when `word` alone abbreviates an interface type (`gi`, `vlan`), with no number."""
    return not any(c.isdigit() for c in word) and _type_for(word, kind) is not None


def looks_like_number(word: str) -> bool:
    return bool(_NUMBER_RE.match(word))


def parse_interface(text: str, kind: Kind) -> InterfaceName | None:
    """Parse `text` as an interface of a device of `kind`; None when IOS would reject it."""
    m = _NAME_RE.match(text.strip())
    if not m:
        return None
    itype = _type_for(m.group(1), kind)
    if itype is None:
        return None
    number = m.group(2)
    base, _, sub = number.partition(".")
    parts = base.split("/")
    if itype.slotted:
        if len(parts) != 2:
            return None
        canonical_base = f"{int(parts[0])}/{int(parts[1])}"
        if f"{itype.name}{canonical_base}" not in physical_ports(kind):
            return None
        if sub:
            # Routed subinterfaces exist on the IOSv router only.
            if kind != "router" or not 1 <= int(sub) <= 4294967295:
                return None
            return InterfaceName(itype, f"{canonical_base}.{int(sub)}")
        return InterfaceName(itype, canonical_base)
    if len(parts) != 1 or sub:
        return None
    unit = int(parts[0])
    if itype is VLAN and not 1 <= unit <= 4094:
        return None
    if itype is LOOPBACK and unit > 2147483647:
        return None
    if itype is TUNNEL and unit > 2147483647:
        return None
    if itype is PORT_CHANNEL and not 1 <= unit <= 48:
        return None
    return InterfaceName(itype, str(unit))


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


def short_name(name: str) -> str:
    return interface_name(name).short
