"""What a running config asks of each cable end: which VLANs ride the cable, where they land.

Pure functions of the configs (no kernel), so they are unit-tested on their own. A cable carries
an untagged channel (the port itself) and one channel per 802.1Q tag; a tag's link exists when
either end speaks it, and each end decides whether the channel goes anywhere (a bridge, a routed
subinterface) or is dropped, as a real port drops frames of a VLAN it does not carry.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from automation.emulator.config import Interface, RunningConfig, SwitchportMode
from automation.lab.names import bridge_name, bridge_vlan, ios_port, port_ifname, split_ifname, tag_ifname
from automation.lab.topology import CableEnd


@dataclass(frozen=True)
class Channel:
    """One end of one channel: its admin state and, on a switch, the VLAN bridge it joins."""

    up: bool
    bridge: str | None = None


@dataclass(frozen=True)
class EndWiring:
    """Everything a cable end wants: the port itself (`untagged`) and its tagged channels."""

    untagged: Channel
    tags: dict[int, Channel] = field(default_factory=dict)
    trunk: bool = False


def _port(cfg: RunningConfig, name: str) -> Interface | None:
    return cfg.interfaces.get(name)


def switch_mode(cfg: RunningConfig, port: str, peer_mode: SwitchportMode | None, peer_dtp: bool) -> bool:
    """True when the switch port trunks: configured so, or negotiated by DTP with its peer."""
    iface = _port(cfg, port)
    if iface is None or iface.switchport is None:
        return False
    sp = iface.switchport
    if sp.mode == "trunk":
        return True
    if sp.mode == "access" or peer_mode is None or not peer_dtp or sp.nonegotiate:
        return False
    if sp.mode == "dynamic desirable":
        return peer_mode in ("trunk", "dynamic desirable", "dynamic auto")
    return peer_mode in ("trunk", "dynamic desirable")


def dtp_mode(cfg: RunningConfig | None, end: CableEnd) -> tuple[SwitchportMode | None, bool]:
    """The DTP stance a switch port shows its peer: (mode, sends DTP frames)."""
    if cfg is None or end.kind != "switch":
        return None, False
    iface = _port(cfg, end.port)
    if iface is None or iface.switchport is None:
        return None, False
    sp = iface.switchport
    return sp.mode, not sp.nonegotiate and sp.mode != "access"


def end_wiring(
    cfg: RunningConfig | None, end: CableEnd, peer_cfg: RunningConfig | None, peer: CableEnd
) -> EndWiring:
    """The wiring one end of a cable asks for, given its own and its peer's running config."""
    if end.kind not in ("router", "switch"):
        return EndWiring(Channel(up=True))
    if cfg is None:
        # Not booted yet: a dark port.
        return EndWiring(Channel(up=False))
    iface = _port(cfg, end.port)
    if iface is None:
        return EndWiring(Channel(up=False))
    up = not iface.shutdown
    if iface.switchport is None:
        return _routed_wiring(cfg, end, up)
    sp = iface.switchport
    active = set(cfg.vlan_ids())
    peer_mode, peer_dtp = dtp_mode(peer_cfg, peer)
    if switch_mode(cfg, end.port, peer_mode, peer_dtp):
        carried = set(sp.trunk_allowed) & active
        native = sp.trunk_native if sp.trunk_native in carried else None
        untagged = Channel(up, bridge_name(native) if native is not None else None)
        tags = {v: Channel(up, bridge_name(v)) for v in sorted(carried - {sp.trunk_native})}
        return EndWiring(untagged, tags, trunk=True)
    vlan = sp.access_vlan if sp.access_vlan in active else None
    return EndWiring(Channel(up, bridge_name(vlan) if vlan is not None else None))


def _routed_wiring(cfg: RunningConfig, end: CableEnd, up: bool) -> EndWiring:
    tags: dict[int, Channel] = {}
    for sub in subinterfaces(cfg, end.port):
        if sub.dot1q_vlan is not None and not sub.dot1q_native:
            tags[sub.dot1q_vlan] = Channel(up and not sub.shutdown)
    return EndWiring(Channel(up), tags)


def subinterfaces(cfg: RunningConfig, port: str) -> list[Interface]:
    return [i for i in cfg.sorted_interfaces() if i.parent == port]


def cable_tags(a: EndWiring, b: EndWiring) -> frozenset[int]:
    """The tagged channels a cable needs: those either end speaks."""
    return frozenset(a.tags) | frozenset(b.tags)


def tag_channel(wiring: EndWiring, tag: int) -> Channel:
    """An end's side of a tag it does not speak follows the port's state and goes nowhere."""
    return wiring.tags.get(tag, Channel(wiring.untagged.up))


def routed_ifname(cfg: RunningConfig, iface: Interface, cabled: set[str]) -> str | None:
    """The kernel interface that holds a routed IOS interface's addresses, or None (not cabled).

    `cabled` are the IOS ports that have a cable in the lab.
    """
    name = iface.name
    if name.startswith("Loopback"):
        return "lo"
    if name.startswith("Vlan"):
        vlan = int(name[4:])
        return bridge_name(vlan) if vlan in cfg.vlan_ids() else None
    parent = iface.parent
    if parent is None:
        return port_ifname(name) if name in cabled else None
    if parent not in cabled or iface.dot1q_vlan is None:
        return None
    if iface.dot1q_native:
        return port_ifname(parent)
    return tag_ifname(port_ifname(parent), iface.dot1q_vlan)


def ios_interface(cfg: RunningConfig, ifname: str) -> str | None:
    """The IOS interface a kernel interface of this device stands for (inverse of the above)."""
    vlan = bridge_vlan(ifname)
    if vlan is not None:
        return f"Vlan{vlan}"
    base, tag = split_ifname(ifname)
    port = ios_port(base)
    if port not in cfg.interfaces:
        return None
    if tag is None:
        return port
    iface = cfg.interfaces[port]
    if iface.switchport is not None:
        return port
    for sub in subinterfaces(cfg, port):
        if sub.dot1q_vlan == tag and not sub.dot1q_native:
            return sub.name
    return port
