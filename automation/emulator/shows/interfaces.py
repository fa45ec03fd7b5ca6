"""`show interfaces [X] [switchport|trunk|status|description]`, `show ip interface [brief]`."""

from __future__ import annotations

from automation.emulator.config import ALL_VLANS, Interface, RunningConfig
from automation.emulator.dataplane import InterfaceState, interface_mac
from automation.emulator.interfaces import interface_name
from automation.platforms.cisco_ios import short_name
from automation.platforms.cisco_ios.vlans import vlan_list

_SHOW_RANK = {
    "router": {"GigabitEthernet": 0, "Loopback": 1, "Vlan": 2, "Tunnel": 3, "Port-channel": 4},
    "switch": {"Vlan": 0, "GigabitEthernet": 1, "Port-channel": 2, "Loopback": 3, "Tunnel": 4},
}


def show_order(cfg: RunningConfig) -> list[Interface]:
    """ifIndex-like order of show outputs (IOSvL2 lists SVIs first)."""
    ranks = _SHOW_RANK[cfg.kind]

    def key(iface: Interface) -> tuple[int, list[int]]:
        parsed = interface_name(iface.name)
        return (ranks[parsed.type.name], [int(x) for x in parsed.number.replace(".", "/").split("/")])

    return sorted(cfg.interfaces.values(), key=key)


def status(cfg: RunningConfig, iface: Interface, state: InterfaceState | None) -> tuple[str, str]:
    """(line status, protocol status) as `show interfaces` words them."""
    parent = cfg.interfaces.get(iface.parent) if iface.parent else None
    if iface.shutdown:
        return "administratively down", "down"
    if parent is not None and parent.shutdown:
        return "down", "down"
    if state is None or not state.link_up:
        return "down", "down"
    return "up", "up" if state.protocol_up else "down"


def _mac(cfg: RunningConfig, iface: Interface, states: dict[str, InterfaceState]) -> str:
    # A subinterface shares its parent's MAC address.
    name = iface.parent or iface.name
    state = states.get(name)
    return state.mac if state else interface_mac(cfg.hostname, name)


def ip_interface_brief(cfg: RunningConfig, states: dict[str, InterfaceState]) -> str:
    out = ["Interface                  IP-Address      OK? Method Status                Protocol"]
    for iface in show_order(cfg):
        line_status, proto = status(cfg, iface, states.get(iface.name))
        ip = str(iface.address.ip) if iface.address else "unassigned"
        method = "manual" if iface.address else "unset"
        out.append(f"{iface.name:<27}{ip:<16}YES {method:<7}{line_status:<22}{proto}")
    return "\n".join(out) + "\n"


def _conn_suffix(iface: Interface, line_status: str) -> str:
    if iface.switchport is None and not (iface.is_physical and iface.name.startswith("Gig")):
        return ""
    return {"up": " (connected)", "down": " (notconnect)"}.get(line_status, " (disabled)")


def interfaces(cfg: RunningConfig, states: dict[str, InterfaceState], only: str | None = None) -> str:
    out: list[str] = []
    switch = cfg.kind == "switch"
    for iface in show_order(cfg):
        if only is not None and iface.name != only:
            continue
        state = states.get(iface.name)
        line_status, proto = status(cfg, iface, state)
        kind = interface_name(iface.name).type.name
        suffix = _conn_suffix(iface, line_status) if switch and iface.is_physical else ""
        out.append(f"{iface.name} is {line_status}, line protocol is {proto}{suffix}")
        mac = _mac(cfg, iface, states)
        if kind in ("Loopback", "Tunnel"):
            out.append(f"  Hardware is {kind}")
        elif kind == "Port-channel":
            out.append(f"  Hardware is EtherChannel, address is {mac} (bia {mac})")
        elif kind == "Vlan":
            out.append(f"  Hardware is Ethernet SVI, address is {mac} (bia {mac})")
        else:
            out.append(f"  Hardware is iGbE, address is {mac} (bia {mac})")
        if iface.description:
            out.append(f"  Description: {iface.description}")
        if iface.address is not None and iface.switchport is None:
            out.append(f"  Internet address is {iface.address.with_prefixlen}")
        if kind == "Loopback":
            out.append(
                f"  MTU {iface.mtu or 1514} bytes, BW {iface.bandwidth or 8000000} Kbit/sec, DLY 5000 usec,"
            )
        elif kind == "Tunnel":
            out.append(
                f"  MTU {iface.mtu or 17916} bytes, BW {iface.bandwidth or 100} Kbit/sec, DLY 50000 usec,"
            )
        else:
            out.append(
                f"  MTU {iface.mtu or 1500} bytes, BW {iface.bandwidth or 1000000} Kbit/sec, DLY 10 usec,"
            )
        out.append("     reliability 255/255, txload 1/255, rxload 1/255")
        if iface.dot1q_vlan is not None:
            out.append(f"  Encapsulation 802.1Q Virtual LAN, Vlan ID  {iface.dot1q_vlan}.")
            out.append("  ARP type: ARPA, ARP Timeout 04:00:00")
            out.append("  Keepalive set (10 sec)")
            out.append('  Last clearing of "show interface" counters never')
            continue
        out.append(f"  Encapsulation {'LOOPBACK' if kind == 'Loopback' else 'ARPA'}, loopback not set")
        out.append("  Keepalive set (10 sec)")
        if iface.is_physical:
            duplex = "Full-duplex" if line_status == "up" else "Auto-duplex"
            speed = "1000Mb/s" if line_status == "up" else "Auto-speed"
            out.append(f"  {duplex}, {speed}, link type is auto, media type is RJ45")
            out.append("  output flow-control is unsupported, input flow-control is unsupported")
        out.append("  ARP type: ARPA, ARP Timeout 04:00:00")
        out.append("  Last input never, output never, output hang never")
        out.append('  Last clearing of "show interface" counters never')
        out.append("  Input queue: 0/75/0/0 (size/max/drops/flushes); Total output drops: 0")
        out.append("  Queueing strategy: fifo")
        out.append("  Output queue: 0/40 (size/max)")
        out.append("  5 minute input rate 0 bits/sec, 0 packets/sec")
        out.append("  5 minute output rate 0 bits/sec, 0 packets/sec")
        out.append("     0 packets input, 0 bytes, 0 no buffer")
        out.append("     Received 0 broadcasts (0 IP multicasts)")
        out.append("     0 runts, 0 giants, 0 throttles")
        out.append("     0 input errors, 0 CRC, 0 frame, 0 overrun, 0 ignored")
        out.append("     0 watchdog, 0 multicast, 0 pause input")
        out.append("     0 packets output, 0 bytes, 0 underruns")
        out.append("     0 output errors, 0 collisions, 0 interface resets")
        out.append("     0 unknown protocol drops")
        out.append("     0 babbles, 0 late collision, 0 deferred")
        out.append("     0 lost carrier, 0 no carrier, 0 pause output")
        out.append("     0 output buffer failures, 0 output buffers swapped out")
    return "\n".join(out) + "\n" if out else ""


_IP_INTERFACE_TAIL = """\
  Broadcast address is 255.255.255.255
  Address determined by non-volatile memory
  MTU is 1500 bytes
{helpers}
  Directed broadcast forwarding is disabled
  Outgoing access list is not set
  Inbound  access list is not set
  Proxy ARP is enabled
  Local Proxy ARP is disabled
  Security level is default
  Split horizon is enabled
  ICMP redirects are always sent
  ICMP unreachables are always sent
  ICMP mask replies are never sent
  IP fast switching is enabled
  IP fast switching on the same interface is disabled
  IP Flow switching is disabled
  IP CEF switching is enabled
  IP CEF switching turbo vector
  IP multicast fast switching is enabled
  IP multicast distributed fast switching is disabled
  IP route-cache flags are Fast, CEF
  Router Discovery is disabled
  IP output packet accounting is disabled
  IP access violation accounting is disabled
  TCP/IP header compression is disabled
  RTP/IP header compression is disabled
  Probe proxy name replies are disabled
  Policy routing is disabled
  Network address translation is disabled
  BGP Policy Mapping is disabled
  Input features: MCI Check
  IPv4 WCCP Redirect outbound is disabled
  IPv4 WCCP Redirect inbound is disabled
  IPv4 WCCP Redirect exclude is disabled"""


def ip_interface(cfg: RunningConfig, states: dict[str, InterfaceState], only: str | None = None) -> str:
    out: list[str] = []
    for iface in show_order(cfg):
        if only is not None and iface.name != only:
            continue
        if iface.switchport is not None:
            continue  # IOS lists only layer-3 interfaces here
        line_status, proto = status(cfg, iface, states.get(iface.name))
        out.append(f"{iface.name} is {line_status}, line protocol is {proto}")
        if iface.address is None:
            out.append("  Internet protocol processing disabled")
            continue
        out.append(f"  Internet address is {iface.address.with_prefixlen}")
        if not iface.helper_addresses:
            helpers = "  Helper address is not set"
        elif len(iface.helper_addresses) == 1:
            helpers = f"  Helper address is {iface.helper_addresses[0]}"
        else:
            pad = " " * len("  Helper addresses are ")
            helpers = f"  Helper addresses are {iface.helper_addresses[0]}" + "".join(
                f"\n{pad}{h}" for h in iface.helper_addresses[1:]
            )
        tail = _IP_INTERFACE_TAIL.format(helpers=helpers).split("\n")
        out.append(tail[0])
        for sec in iface.secondary:
            out.append(f"  Secondary address {sec.with_prefixlen}")
        out.extend(tail[1:])
    return "\n".join(out) + "\n" if out else ""


def _vlan_label(cfg: RunningConfig, vid: int) -> str:
    if vid == 1:
        return "1 (default)"
    vlan = cfg.vlans.get(vid)
    return f"{vid} ({vlan.display_name})" if vlan else f"{vid} (Inactive)"


def switchport(cfg: RunningConfig, only: str | None = None) -> str:
    out: list[str] = []
    for iface in show_order(cfg):
        if not iface.is_physical or (only is not None and iface.name != only):
            continue
        sp = iface.switchport
        out.append(f"Name: {short_name(iface.name)}")
        if sp is None:
            out += ["Switchport: Disabled", ""]
            continue
        admin = {"access": "static access", "trunk": "trunk"}.get(sp.mode, sp.mode)
        oper = "trunk" if sp.is_trunk else "static access"
        if iface.shutdown:
            oper = "down"
        encap = "dot1q" if sp.trunk_encapsulation_dot1q else "negotiate"
        out += [
            "Switchport: Enabled",
            f"Administrative Mode: {admin}",
            f"Operational Mode: {oper}",
            f"Administrative Trunking Encapsulation: {encap}",
        ]
        if oper == "trunk":
            out.append("Operational Trunking Encapsulation: dot1q")
        elif oper == "static access":
            out.append("Operational Trunking Encapsulation: native")
        allowed = "ALL" if sp.trunk_allowed == ALL_VLANS else vlan_list(sp.trunk_allowed, empty="NONE")
        out += [
            f"Negotiation of Trunking: {'Off' if sp.nonegotiate or sp.mode == 'access' else 'On'}",
            f"Access Mode VLAN: {_vlan_label(cfg, sp.access_vlan)}",
            f"Trunking Native Mode VLAN: {_vlan_label(cfg, sp.trunk_native)}",
            "Administrative Native VLAN tagging: enabled",
            "Voice VLAN: none",
            "Administrative private-vlan host-association: none",
            "Administrative private-vlan mapping: none",
            "Administrative private-vlan trunk native VLAN: none",
            "Administrative private-vlan trunk Native VLAN tagging: enabled",
            "Administrative private-vlan trunk encapsulation: dot1q",
            "Administrative private-vlan trunk normal VLANs: none",
            "Administrative private-vlan trunk associations: none",
            "Administrative private-vlan trunk mappings: none",
            "Operational private-vlan: none",
            f"Trunking VLANs Enabled: {allowed}",
            "Pruning VLANs Enabled: 2-1001",
            "Capture Mode Disabled",
            "Capture VLANs Allowed: ALL",
            "",
            "Protected: false",
            "Appliance trust: none",
            "",
        ]
    return "\n".join(out) + "\n" if out else ""


def trunk(cfg: RunningConfig, states: dict[str, InterfaceState]) -> str:
    trunks = [
        i
        for i in show_order(cfg)
        if i.switchport is not None
        and i.switchport.is_trunk
        and status(cfg, i, states.get(i.name))[0] == "up"
    ]
    if not trunks:
        return ""
    existing = set(cfg.vlan_ids())
    rows = [
        "",
        "Port        Mode             Encapsulation  Status        Native vlan",
    ]
    for i in trunks:
        assert i.switchport is not None
        encap = "802.1q"
        rows.append(
            f"{short_name(i.name):<12}{'on':<17}{encap:<15}{'trunking':<14}{i.switchport.trunk_native}"
        )
    sections = [
        ("Vlans allowed on trunk", False),
        ("Vlans allowed and active in management domain", True),
        ("Vlans in spanning tree forwarding state and not pruned", True),
    ]
    for title, active_only in sections:
        rows += ["", f"Port        {title}"]
        for i in trunks:
            assert i.switchport is not None
            vlans = i.switchport.trunk_allowed & existing if active_only else i.switchport.trunk_allowed
            rows.append(f"{short_name(i.name):<12}{vlan_list(vlans, empty='none')}")
    return "\n".join(rows) + "\n"


def interfaces_status(cfg: RunningConfig, states: dict[str, InterfaceState]) -> str:
    out = ["", "Port      Name               Status       Vlan       Duplex  Speed Type "]
    for iface in show_order(cfg):
        if not iface.is_physical:
            continue
        line_status, _ = status(cfg, iface, states.get(iface.name))
        word = {"up": "connected", "down": "notconnect"}.get(line_status, "disabled")
        sp = iface.switchport
        vlan = "routed" if sp is None else "trunk" if sp.is_trunk else str(sp.access_vlan)
        duplex, speed = ("a-full", "a-1000") if word == "connected" else ("auto", "auto")
        name = (iface.description or "")[:18]
        out.append(f"{short_name(iface.name):<10}{name:<19}{word:<13}{vlan:<11}{duplex:>6} {speed:>6} RJ45")
    return "\n".join(out) + "\n"


def interfaces_description(cfg: RunningConfig, states: dict[str, InterfaceState]) -> str:
    out = ["Interface                      Status         Protocol Description"]
    for iface in show_order(cfg):
        line_status, proto = status(cfg, iface, states.get(iface.name))
        word = "admin down" if line_status.startswith("admin") else line_status
        out.append(f"{short_name(iface.name):<31}{word:<15}{proto:<9}{iface.description or ''}".rstrip())
    return "\n".join(out) + "\n"
