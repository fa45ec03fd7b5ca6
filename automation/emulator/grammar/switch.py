"""Configuration commands of the IOSvL2 switch only (`switchport`, `vlan`, spanning tree)."""

from __future__ import annotations

from automation.emulator.config import ALL_VLANS, Interface, Switchport, Vlan
from automation.emulator.frames import Reject, Shell
from automation.emulator.grammar.common import negotiation
from automation.emulator.parser import Args, Command
from automation.platforms.cisco_ios import DEFAULT_VLAN, OWN_VLAN_NAMES

SWITCH_ONLY = frozenset({"switch"})


def _layer2(iface: Interface) -> bool:
    """Ports that take `switchport` lines: physical ports and EtherChannels."""
    return iface.is_physical or iface.name.startswith("Port-channel")


def _port(s: Shell) -> tuple[Interface, Switchport]:
    iface = s.device.config.interfaces[s.frame.target]
    if not _layer2(iface):
        raise Reject("invalid", 0)
    if iface.switchport is None:
        # IOS answers switchport subcommands on a routed port with this (and Ansible's `% Invalid`).
        raise Reject("invalid", 1)
    return iface, iface.switchport


async def switchport(s: Shell, a: Args) -> None:
    iface = s.device.config.interfaces[s.frame.target]
    if not _layer2(iface):
        raise Reject("invalid", 0)
    if a.negated:
        if iface.switchport is not None:
            iface.switchport = None
            iface.portfast = False
    elif iface.switchport is None:
        iface.switchport = Switchport()
        iface.address, iface.secondary, iface.helper_addresses = None, [], []


async def mode(s: Shell, a: Args) -> None:
    _, sp = _port(s)
    if a.negated:
        sp.mode = "dynamic auto"
        return
    new = " ".join(a.keywords[2:])
    if new == "trunk" and not sp.trunk_encapsulation_dot1q:
        s.out(
            'Command rejected: An interface whose trunk encapsulation is "Auto" can not be '
            'configured to "trunk" mode.\n'
        )
        return
    sp.mode = new  # type: ignore[assignment]


async def access_vlan(s: Shell, a: Args) -> None:
    _, sp = _port(s)
    vid = 1 if a.negated else a["vlan"]
    sp.access_vlan = vid
    cfg = s.device.config
    if vid != 1 and vid not in cfg.vlans:
        s.out(f"% Access VLAN does not exist. Creating vlan {vid}\n")
        cfg.vlans[vid] = Vlan(vid)


async def trunk_allowed(s: Shell, a: Args) -> None:
    _, sp = _port(s)
    if a.negated or a.has("all"):
        sp.trunk_allowed = ALL_VLANS
    elif a.has("none"):
        sp.trunk_allowed = frozenset()
    elif a.has("add"):
        sp.trunk_allowed = sp.trunk_allowed | a["list"]
    elif a.has("remove"):
        sp.trunk_allowed = sp.trunk_allowed - a["list"]
    elif a.has("except"):
        sp.trunk_allowed = ALL_VLANS - a["list"]
    else:
        sp.trunk_allowed = a["list"]


async def trunk_native(s: Shell, a: Args) -> None:
    _, sp = _port(s)
    sp.trunk_native = 1 if a.negated else a["vlan"]


async def trunk_encapsulation(s: Shell, a: Args) -> None:
    _, sp = _port(s)
    dot1q = not a.negated and a.has("dot1q")
    if not dot1q and sp.mode == "trunk":
        s.out(
            'Command rejected: An interface whose trunk encapsulation is "Auto" can not be '
            'configured to "trunk" mode.\n'
        )
        return
    sp.trunk_encapsulation_dot1q = dot1q


async def nonegotiate(s: Shell, a: Args) -> None:
    _, sp = _port(s)
    sp.nonegotiate = not a.negated


async def portfast(s: Shell, a: Args) -> None:
    iface = s.device.config.interfaces[s.frame.target]
    if not iface.is_physical:
        raise Reject("invalid", 0)
    iface.portfast = not a.negated


async def vlan(s: Shell, a: Args) -> None:
    cfg = s.device.config
    vid = a["vlan"]
    if vid in OWN_VLAN_NAMES:
        if a.negated:
            s.out(f"%Default VLAN {vid} may not be deleted.\n")
            return
        if vid != DEFAULT_VLAN:
            s.out(f"%Default VLAN {vid} may not have its name changed.\n")
            return
    if a.negated:
        cfg.vlans.pop(vid, None)
        return
    if vid != DEFAULT_VLAN:
        cfg.vlans.setdefault(vid, Vlan(vid))
    s.enter("config-vlan", vid)


async def vlan_name(s: Shell, a: Args) -> None:
    cfg = s.device.config
    vid = s.frame.target
    if vid == 1:
        s.out("%Default VLAN 1 may not have its name changed.\n")
        return
    cfg.vlans[vid].name = None if a.negated else a["name"]


async def stp_mode(s: Shell, a: Args) -> None:
    s.device.config.spanning_tree_mode = "pvst" if a.negated else a.keywords[-1]


async def noop(s: Shell, a: Args) -> None:
    """Fixed IOSvL2 lines accepted back unchanged."""


GLOBAL = [
    Command("vlan <vlan:int:1-4094>", vlan, kinds=SWITCH_ONLY, no=""),
    Command(
        "spanning-tree mode {pvst|rapid-pvst}",
        stp_mode,
        kinds=SWITCH_ONLY,
        no="spanning-tree mode [<rest:line>]",
    ),
    Command("spanning-tree extend system-id", noop, kinds=SWITCH_ONLY, no=""),
    Command("vlan internal allocation policy ascending", noop, kinds=SWITCH_ONLY, no=""),
]

INTERFACE = [
    Command("switchport", switchport, kinds=SWITCH_ONLY, no=""),
    Command(
        "switchport mode {access|trunk|dynamic auto|dynamic desirable}",
        mode,
        kinds=SWITCH_ONLY,
        no="switchport mode [<rest:line>]",
    ),
    Command(
        "switchport access vlan <vlan:int:1-4094>",
        access_vlan,
        kinds=SWITCH_ONLY,
        no="switchport access vlan [<vlan:int:1-4094>]",
    ),
    Command(
        "switchport trunk allowed vlan {<list:vlans>|add <list:vlans>|remove <list:vlans>"
        "|except <list:vlans>|all|none}",
        trunk_allowed,
        kinds=SWITCH_ONLY,
        no="switchport trunk allowed vlan [<rest:line>]",
    ),
    Command(
        "switchport trunk native vlan <vlan:int:1-4094>",
        trunk_native,
        kinds=SWITCH_ONLY,
        no="switchport trunk native vlan [<vlan:int:1-4094>]",
    ),
    Command(
        "switchport trunk encapsulation {dot1q|negotiate}",
        trunk_encapsulation,
        kinds=SWITCH_ONLY,
        no="switchport trunk encapsulation [dot1q|negotiate]",
    ),
    Command("switchport nonegotiate", nonegotiate, kinds=SWITCH_ONLY, no=""),
    Command("spanning-tree portfast [edge]", portfast, kinds=SWITCH_ONLY, no="spanning-tree portfast [edge]"),
    Command("negotiation auto", negotiation, kinds=SWITCH_ONLY, no=""),
]

VLAN = [
    Command("name <name:word>", vlan_name, kinds=SWITCH_ONLY, no="name [<name:word>]"),
]
