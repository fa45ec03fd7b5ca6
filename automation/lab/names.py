"""Names the lab gives to kernel objects: namespaces, interfaces, bridges.

Kernel interface names are at most 15 characters and cannot contain `/`, so IOS ports are
written with their short form and a dash. A VLAN carried on a cable is an interface named like a
subinterface of the port (`Gi0-1.10`) whatever the IOS subinterface number is, so that both ends
of a cable agree on it without knowing each other's configuration.

>>> netns_name("mastertech", "BE-PC1")
'mt-mastertech-be-pc1'
>>> port_ifname("GigabitEthernet0/1")
'Gi0-1'
>>> tag_ifname("Gi0-1", 10)
'Gi0-1.10'
>>> split_ifname("Gi0-1.10")
('Gi0-1', 10)
>>> ios_port("Gi3-3")
'GigabitEthernet3/3'
"""

from __future__ import annotations

import re

from automation.errors import LabError

NETNS_PREFIX = "mt-"
IFNAME_MAX = 15
HOST_IFNAME = "eth0"

_TYPES = {"GigabitEthernet": "Gi", "FastEthernet": "Fa", "Ethernet": "Et"}
_SHORT = {short: long for long, short in _TYPES.items()}
_PORT_RE = re.compile(r"^([A-Za-z]+)(\d+(?:/\d+)*)$")
_SAFE_RE = re.compile(r"[^a-z0-9-]+")


def netns_name(site: str, node: str) -> str:
    """Namespace of a node: unique per site and node, always under the lab's `mt-` prefix."""
    return f"{NETNS_PREFIX}{_safe(site)}-{_safe(node)}"


def frr_pathspace(netns: str) -> str:
    """FRR's `-N` pathspace: the namespace name, so sockets land in /var/run/frr/<netns>/."""
    return netns


def _safe(text: str) -> str:
    out = _SAFE_RE.sub("-", text.lower()).strip("-")
    if not out:
        raise LabError(f"cannot build a namespace name from {text!r}; rename the node or site")
    return out


def port_ifname(ios_name: str) -> str:
    """Kernel name of a physical port: `GigabitEthernet0/1` -> `Gi0-1`; hosts keep `eth0`."""
    m = _PORT_RE.match(ios_name)
    if not m:
        return _checked(ios_name)
    kind, number = m.groups()
    short = _TYPES.get(kind, kind[:2])
    return _checked(f"{short}{number.replace('/', '-')}")


def ios_port(ifname: str) -> str:
    """Inverse of `port_ifname` for switch and router ports."""
    m = re.match(r"^([A-Za-z]+)(\d+(?:-\d+)*)$", ifname)
    if not m or m.group(1) not in _SHORT:
        return ifname
    return f"{_SHORT[m.group(1)]}{m.group(2).replace('-', '/')}"


def tag_ifname(base: str, vlan: int) -> str:
    """The interface that carries VLAN `vlan` on the cable whose port is `base`."""
    return _checked(f"{base}.{vlan}")


def split_ifname(ifname: str) -> tuple[str, int | None]:
    """`Gi0-1.10` -> (`Gi0-1`, 10); `Gi0-1` -> (`Gi0-1`, None)."""
    base, dot, tag = ifname.partition(".")
    if dot and tag.isdigit():
        return base, int(tag)
    return ifname, None


def bridge_name(vlan: int) -> str:
    """A switch's bridge for one VLAN; it also carries the `interface Vlan<N>` address."""
    return f"br{vlan}"


def bridge_vlan(ifname: str) -> int | None:
    m = re.match(r"^br(\d+)$", ifname)
    return int(m.group(1)) if m else None


def _checked(name: str) -> str:
    if len(name) > IFNAME_MAX:
        raise LabError(f"interface name {name!r} is longer than {IFNAME_MAX} characters")
    return name


def dotted_mac(mac: str) -> str:
    """`fa:16:3e:00:00:01` -> `fa16.3e00.0001` (IOS form).

    >>> dotted_mac("fa:16:3e:00:00:01")
    'fa16.3e00.0001'
    """
    hexes = mac.replace(":", "").replace(".", "").lower()
    return ".".join(hexes[i : i + 4] for i in range(0, 12, 4))


def colon_mac(mac: str) -> str:
    """`fa16.3e00.0001` -> `fa:16:3e:00:00:01` (kernel form).

    >>> colon_mac("fa16.3e00.0001")
    'fa:16:3e:00:00:01'
    """
    hexes = mac.replace(":", "").replace(".", "").lower()
    return ":".join(hexes[i : i + 2] for i in range(0, 12, 2))
