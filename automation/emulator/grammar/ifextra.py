"""Interface lines stored and printed without data-plane effect: MTU, bandwidth, OSPF area and
network type, IPv6 addresses, NAT inside/outside, ACLs, CDP/LLDP, tunnels."""

from __future__ import annotations

from ipaddress import IPv6Interface

from automation.emulator.config import Interface
from automation.emulator.frames import Reject, Shell
from automation.emulator.interfaces import InterfaceName
from automation.emulator.parser import Args, Command

ROUTER_ONLY = frozenset({"router"})


def _iface(s: Shell) -> Interface:
    return s.device.config.interfaces[s.frame.target]


async def bandwidth(s: Shell, a: Args) -> None:
    _iface(s).bandwidth = None if a.negated else a["kbps"]


async def mtu(s: Shell, a: Args) -> None:
    iface = _iface(s)
    if not a.negated and not iface.is_physical and not iface.name.startswith("Tunnel"):
        raise Reject("invalid", 0)
    iface.mtu = None if a.negated or a["n"] == 1500 else a["n"]


async def ip_mtu(s: Shell, a: Args) -> None:
    _iface(s).ip_mtu = None if a.negated else a["n"]


async def tcp_mss(s: Shell, a: Args) -> None:
    _iface(s).tcp_mss = None if a.negated else a["n"]


async def ospf_area(s: Shell, a: Args) -> None:
    iface = _iface(s)
    if a.negated:
        iface.ospf_area = None
        return
    iface.ospf_area = (a["pid"], _area(a["area"]))


def _area(text: str | int) -> str:
    """IOS keeps the form typed: a number stays a number, dotted stays dotted."""
    return str(text)


async def ospf_network(s: Shell, a: Args) -> None:
    _iface(s).ospf_network = None if a.negated else " ".join(a.keywords[3:])


async def ospf_priority(s: Shell, a: Args) -> None:
    _iface(s).ospf_priority = None if a.negated or a["n"] == 1 else a["n"]


async def access_group(s: Shell, a: Args) -> None:
    iface = _iface(s)
    direction = "in" if a.has("in") else "out"
    if a.negated:
        iface.access_groups.pop(direction, None)
    else:
        iface.access_groups[direction] = str(a["acl"])


async def nat(s: Shell, a: Args) -> None:
    iface = _iface(s)
    side = "inside" if a.has("inside") else "outside"
    if a.negated:
        if iface.nat == side:
            iface.nat = None
    else:
        iface.nat = side


async def ipv6_address(s: Shell, a: Args) -> None:
    iface = _iface(s)
    if a.negated and "addr" not in a:
        iface.ipv6_addresses = []
        return
    text: str = a["addr"]
    try:
        value = IPv6Interface(text) if "/" in text else IPv6Interface(f"{text}/128")
    except ValueError:
        raise Reject("invalid", 2) from None
    canonical = f"{str(value.ip).upper()}/{value.network.prefixlen}" if "/" in text else str(value.ip).upper()
    if a.has("link-local"):
        canonical = f"{str(value.ip).upper()} link-local"
    elif a.has("eui-64"):
        canonical += " eui-64"
    if a.negated:
        iface.ipv6_addresses = [x for x in iface.ipv6_addresses if x != canonical]
    elif canonical not in iface.ipv6_addresses:
        iface.ipv6_addresses.append(canonical)


async def ipv6_enable(s: Shell, a: Args) -> None:
    _iface(s).ipv6_enable = not a.negated


async def ipv6_ospf(s: Shell, a: Args) -> None:
    _iface(s).ipv6_ospf = None if a.negated else (a["pid"], _area(a["area"]))


async def cdp_enable(s: Shell, a: Args) -> None:
    _iface(s).cdp_enable = not a.negated or a.defaulted


async def lldp(s: Shell, a: Args) -> None:
    iface = _iface(s)
    if a.has("transmit"):
        iface.lldp_transmit = not a.negated or a.defaulted
    else:
        iface.lldp_receive = not a.negated or a.defaulted


def _tunnel(s: Shell) -> Interface:
    iface = _iface(s)
    if not iface.name.startswith("Tunnel"):
        raise Reject("invalid", 0)
    return iface


async def tunnel_source(s: Shell, a: Args) -> None:
    iface = _tunnel(s)
    if a.negated:
        iface.tunnel_source = None
    elif "if" in a:
        name: InterfaceName = a["if"]
        iface.tunnel_source = name.name
    else:
        iface.tunnel_source = str(a["ip"])


async def tunnel_destination(s: Shell, a: Args) -> None:
    _tunnel(s).tunnel_destination = None if a.negated else a["ip"]


async def tunnel_mode(s: Shell, a: Args) -> None:
    mode = None if a.negated else " ".join(a.keywords[2:])
    _tunnel(s).tunnel_mode = None if mode == "gre ip" else mode


INTERFACE = [
    Command("bandwidth <kbps:int:1-10000000>", bandwidth, no="bandwidth [<kbps:int:1-10000000>]"),
    Command("mtu <n:int:64-9216>", mtu, no="mtu [<n:int:64-9216>]"),
    Command("ip mtu <n:int:68-9216>", ip_mtu, no="ip mtu [<n:int:68-9216>]"),
    Command("ip tcp adjust-mss <n:int:500-1460>", tcp_mss, no="ip tcp adjust-mss [<n:int:500-1460>]"),
    Command(
        "ip ospf <pid:int:1-65535> area {<area:int:0-4294967295>|<area:ip>}",
        ospf_area,
        no="ip ospf <pid:int:1-65535> area [<rest:line>]",
    ),
    Command(
        "ip ospf network {point-to-point|broadcast|non-broadcast|point-to-multipoint [non-broadcast]}",
        ospf_network,
        no="ip ospf network [<rest:line>]",
    ),
    Command("ip ospf priority <n:int:0-255>", ospf_priority, no="ip ospf priority [<n:int:0-255>]"),
    Command("ip access-group {<acl:int:1-2699>|<acl:word>} {in|out}", access_group, no=""),
    Command("ip nat {inside|outside}", nat, kinds=ROUTER_ONLY, no=""),
    Command(
        "ipv6 address <addr:word> [{link-local|eui-64}]",
        ipv6_address,
        no="ipv6 address [<addr:word> [{link-local|eui-64}]]",
    ),
    Command("ipv6 enable", ipv6_enable, no=""),
    Command(
        "ipv6 ospf <pid:int:1-65535> area {<area:int:0-4294967295>|<area:ip>}",
        ipv6_ospf,
        no="ipv6 ospf <pid:int:1-65535> area [<rest:line>]",
    ),
    Command("cdp enable", cdp_enable, no=""),
    Command("lldp {transmit|receive}", lldp, no=""),
    Command(
        "tunnel source {<if:iface>|<ip:ip>}",
        tunnel_source,
        kinds=ROUTER_ONLY,
        no="tunnel source [<rest:line>]",
    ),
    Command(
        "tunnel destination <ip:ip>", tunnel_destination, kinds=ROUTER_ONLY, no="tunnel destination [<ip:ip>]"
    ),
    Command(
        "tunnel mode {gre ip|gre multipoint|ipip|ipsec ipv4}",
        tunnel_mode,
        kinds=ROUTER_ONLY,
        no="tunnel mode [<rest:line>]",
    ),
]
