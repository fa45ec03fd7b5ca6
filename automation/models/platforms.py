"""What each kind of node is and which ports it has.

Interface sets follow the images a user would run in GNS3 or CML: IOSv routers have
GigabitEthernet0/0-0/3, IOSvL2 switches GigabitEthernet0/0-3/3; Linux hosts and PCs have eth0.
"""

from __future__ import annotations

from typing import Literal

Role = Literal["router", "switch", "server"]
PLATFORMS: frozenset[str] = frozenset({"cisco_ios", "linux"})
ROLE_PLATFORM: dict[str, str] = {"router": "cisco_ios", "switch": "cisco_ios", "server": "linux"}


def _gig(slots: range, ports: range) -> tuple[str, ...]:
    return tuple(f"GigabitEthernet{s}/{p}" for s in slots for p in ports)


ROUTER_PORTS: tuple[str, ...] = _gig(range(1), range(4))
SWITCH_PORTS: tuple[str, ...] = _gig(range(4), range(4))
HOST_PORTS: tuple[str, ...] = ("eth0",)


def ports_for(role: str) -> tuple[str, ...]:
    """Physical ports of a node of this role ("router", "switch", "server" or "pc").

    >>> ports_for("router")[-1]
    'GigabitEthernet0/3'
    >>> len(ports_for("switch"))
    16
    """
    if role == "router":
        return ROUTER_PORTS
    if role == "switch":
        return SWITCH_PORTS
    return HOST_PORTS


def short_name(interface: str) -> str:
    """IOS short form of an interface name, as `show ip interface brief` peers print it.

    >>> short_name("GigabitEthernet0/1.10")
    'Gi0/1.10'
    """
    return interface.replace("GigabitEthernet", "Gi").replace("Loopback", "Lo")
