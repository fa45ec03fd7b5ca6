"""IOS interface types: the long name IOS prints, the short form of `brief` outputs, abbreviations.

IOS accepts any unambiguous prefix of a type (`g0/1`, `gi 0/1`, `lo0`, `vlan 10`) and prints one
canonical long form; `show ip interface brief`, CDP and the MAC table print the short form.
netutils knows many vendors' names but not IOS's prefix rule nor its `Vlan`/`Vl` spelling.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict

Kind = Literal["router", "switch"]


class InterfaceType(BaseModel):
    """One interface type as IOS names it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str  # GigabitEthernet
    short: str  # Gi
    kinds: frozenset[Kind]  # the devices that have it
    slotted: bool  # slot/port numbers (physical) rather than one unit number
    rank: int  # position of the type in `show running-config`
    units: tuple[int, int] = (0, 0)  # the unit numbers IOS takes (types that are not slotted)


_MAX_UNIT = 2147483647
SUBINTERFACES = (1, 4294967295)  # the numbers after the dot of a routed subinterface

GIGABIT = InterfaceType(
    name="GigabitEthernet", short="Gi", kinds=frozenset({"router", "switch"}), slotted=True, rank=30
)
LOOPBACK = InterfaceType(
    name="Loopback",
    short="Lo",
    kinds=frozenset({"router", "switch"}),
    slotted=False,
    rank=10,
    units=(0, _MAX_UNIT),
)
VLAN = InterfaceType(
    name="Vlan", short="Vl", kinds=frozenset({"switch"}), slotted=False, rank=50, units=(1, 4094)
)
TUNNEL = InterfaceType(
    name="Tunnel", short="Tu", kinds=frozenset({"router"}), slotted=False, rank=15, units=(0, _MAX_UNIT)
)
PORT_CHANNEL = InterfaceType(
    name="Port-channel", short="Po", kinds=frozenset({"switch"}), slotted=False, rank=20, units=(1, 48)
)

TYPES: tuple[InterfaceType, ...] = (GIGABIT, LOOPBACK, VLAN, TUNNEL, PORT_CHANNEL)

_WRITTEN = re.compile(r"([A-Za-z][A-Za-z-]*)\s*(\d+(?:/\d+)*(?:\.\d+)?)")


def short_name(name: str) -> str:
    """The short form of a long interface name; other names (Linux eth0) are left as they are.

    >>> short_name("GigabitEthernet0/1.10"), short_name("Loopback0"), short_name("eth0")
    ('Gi0/1.10', 'Lo0', 'eth0')
    """
    for itype in TYPES:
        if name.startswith(itype.name):
            return itype.short + name.removeprefix(itype.name)
    return name


def interface_type(word: str, kind: Kind | None = None) -> InterfaceType | None:
    """The type a word abbreviates (IOS: any prefix that only one type of the device starts with).

    >>> interface_type("g").name, interface_type("vlan", "router"), interface_type("t", "switch")
    ('GigabitEthernet', None, None)
    """
    low = word.lower()
    found = [t for t in TYPES if t.name.lower().startswith(low) and (kind is None or kind in t.kinds)]
    return found[0] if len(found) == 1 else None


def long_name(text: str, kind: Kind | None = None) -> str | None:
    """The long name of an interface as written to IOS, or None when IOS would not know it.

    >>> long_name("g0/1"), long_name("Gi 0/1.10"), long_name("lo0"), long_name("vlan 10"), long_name("po1")
    ('GigabitEthernet0/1', 'GigabitEthernet0/1.10', 'Loopback0', 'Vlan10', 'Port-channel1')
    >>> long_name("vlan 10", "router") is None
    True
    """
    match = _WRITTEN.fullmatch(text.strip())
    if match is None:
        return None
    itype = interface_type(match[1], kind)
    return f"{itype.name}{match[2]}" if itype is not None else None
