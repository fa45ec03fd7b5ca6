"""Routing lines stored and printed without a routing process behind them: `router eigrp|bgp`
blocks, more `router ospf` lines, discard routes (`ip route ... Null0`), IPv6 routing, NAT."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network, IPv6Network

from automation.emulator.config import RoutingBlock, StaticRoute
from automation.emulator.frames import Reject, Shell
from automation.emulator.parser import Args, Command

ROUTER_ONLY = frozenset({"router"})


def store_line(lines: list[str], a: Args, single: bool) -> None:
    """Add or remove the canonical form of the matched line in `lines`.

    `single`: a one-value setting (`bgp router-id X`): a new value replaces the old one, and the
    `no` form removes it whatever value it names.
    """
    text = a.canonical()
    head = a.head()
    if a.negated:
        lines[:] = [
            x for x in lines if not (x == text or (single and (x == head or x.startswith(head + " "))))
        ]
        return
    if single:
        for i, x in enumerate(lines):
            if x == head or x.startswith(head + " "):
                lines[i] = text
                return
    if text not in lines:
        lines.append(text)


async def router_block(s: Shell, a: Args) -> None:
    cfg = s.device.config
    header = a.canonical()
    if a.negated:
        cfg.routing_blocks.pop(header, None)
        return
    if a.has("bgp") and any(k.startswith("router bgp ") and k != header for k in cfg.routing_blocks):
        existing = next(k for k in cfg.routing_blocks if k.startswith("router bgp "))
        s.out(f"BGP is already running; AS is {existing.split()[-1]}\n")
        return
    cfg.routing_blocks.setdefault(header, RoutingBlock(header))
    s.enter("config-router-lines", header)


def _block(s: Shell) -> RoutingBlock:
    return s.device.config.routing_blocks[s.frame.target]


async def block_single(s: Shell, a: Args) -> None:
    store_line(_block(s).lines, a, single=True)


async def block_multi(s: Shell, a: Args) -> None:
    store_line(_block(s).lines, a, single=False)


async def ospf_single(s: Shell, a: Args) -> None:
    proc = s.device.config.ospf[s.frame.target]
    store_line(proc.extra, a, single=True)


async def ospf_multi(s: Shell, a: Args) -> None:
    proc = s.device.config.ospf[s.frame.target]
    store_line(proc.extra, a, single=False)


async def null_route(s: Shell, a: Args) -> None:
    cfg = s.device.config
    prefix: IPv4Address = a["prefix"]
    mask: IPv4Address = a["mask"]
    bits = int(mask)
    length = bin(bits).count("1")
    if bits != ((0xFFFFFFFF << (32 - length)) & 0xFFFFFFFF):
        raise Reject("invalid", 2)
    network = IPv4Network(f"{prefix}/{length}", strict=False)
    if network.network_address != prefix:
        s.out("%Inconsistent address and mask\n")
        return
    route = StaticRoute(
        network, None, "Null0", a.get("distance"), a.get("name"), a.get("tag"), a.has("permanent")
    )
    cfg.null_routes = [r for r in cfg.null_routes if r.prefix != network]
    if not a.negated:
        cfg.null_routes.append(route)
        cfg.null_routes.sort(key=lambda r: (int(r.prefix.network_address), r.prefix.prefixlen))


async def ipv6_unicast(s: Shell, a: Args) -> None:
    s.device.config.ipv6_unicast_routing = not a.negated


async def ipv6_route(s: Shell, a: Args) -> None:
    from automation.emulator.interfaces import parse_interface

    cfg = s.device.config
    try:
        prefix = IPv6Network(a["prefix"], strict=True)
    except ValueError:
        raise Reject("invalid", 2) from None
    words = [str(prefix).upper()]
    for word in str(a["rest"]).split():
        iface = parse_interface(word, s.device.kind)
        words.append(word.upper() if ":" in word else iface.name if iface else word)
    text = " ".join(words)
    cfg.ipv6_routes = [r for r in cfg.ipv6_routes if r.split()[:2] != words[:2]]
    if not a.negated:
        cfg.ipv6_routes.append(text)
        cfg.ipv6_routes.sort()


async def nat_line(s: Shell, a: Args) -> None:
    store_line(s.device.config.nat_lines, a, single=False)


ROUTER_FAMILY = [
    Command(
        "router {eigrp <asn:int:1-65535>|bgp <asn:int:1-4294967295>}", router_block, kinds=ROUTER_ONLY, no=""
    ),
]

CONFIG = [
    *ROUTER_FAMILY,
    Command(
        "ip route <prefix:ip> <mask:mask> Null0 [<distance:int:1-255>] [tag <tag:int:1-4294967295>]"
        " [name <name:word>] [permanent]",
        null_route,
        no="ip route <prefix:ip> <mask:mask> Null0 [<rest:line>]",
    ),
    Command("ipv6 unicast-routing", ipv6_unicast, no=""),
    Command("ipv6 route <prefix:word> <rest:line>", ipv6_route, no=""),
    Command(
        "ip nat inside source list {<acl:int:1-2699>|<acl:word>} interface <if:iface> [overload]",
        nat_line,
        kinds=ROUTER_ONLY,
        no="",
    ),
    Command("ip nat inside source static <local:ip> <global:ip>", nat_line, kinds=ROUTER_ONLY, no=""),
    Command(
        "ip nat pool <name:word> <start:ip> <end:ip> netmask <mask:ip>", nat_line, kinds=ROUTER_ONLY, no=""
    ),
]

# Lines of `router eigrp` / `router bgp` (stored as typed in canonical form, in order).
BLOCK = [
    Command("network <addr:ip> [{<wild:ip>|mask <mask:ip>}]", block_multi, no=""),
    Command("eigrp router-id <rid:ip>", block_single, no="eigrp router-id [<rid:ip>]"),
    Command("bgp router-id <rid:ip>", block_single, no="bgp router-id [<rid:ip>]"),
    Command("bgp log-neighbor-changes", block_single, no=""),
    Command("auto-summary", block_single, no=""),
    Command("passive-interface {default|<if:iface>}", block_multi, no=""),
    Command(
        "neighbor <nbr:ip> remote-as <asn:int:1-4294967295>",
        block_multi,
        no="neighbor <nbr:ip> [<rest:line>]",
    ),
    Command("neighbor <nbr:ip> description <text:line>", block_multi, no=None),
    Command("neighbor <nbr:ip> update-source <if:iface>", block_multi, no=None),
    Command("neighbor <nbr:ip> next-hop-self", block_multi, no=None),
    Command("neighbor <nbr:ip> {shutdown|activate|send-community}", block_multi, no=None),
    Command(
        "redistribute {connected|static|ospf <pid:int:1-65535>|eigrp <asn:int:1-65535>} [<rest:line>]",
        block_multi,
        no="",
    ),
    Command("maximum-paths <n:int:1-32>", block_single, no="maximum-paths [<n:int:1-32>]"),
    Command(
        "default-information originate [always]",
        block_single,
        no="default-information originate [<rest:line>]",
    ),
    Command("timers <rest:line>", block_single, no="timers [<rest:line>]"),
]

# More `router ospf` lines (next to router-id / network / passive-interface in common.py).
OSPF = [
    Command(
        "default-information originate [always] [metric <m:int:0-16777214>]",
        ospf_single,
        no="default-information originate [<rest:line>]",
    ),
    Command(
        "auto-cost reference-bandwidth <bw:int:1-4294967>",
        ospf_single,
        no="auto-cost reference-bandwidth [<bw:int:1-4294967>]",
    ),
    Command("log-adjacency-changes [detail]", ospf_single, no="log-adjacency-changes [detail]"),
    Command("maximum-paths <n:int:1-32>", ospf_single, no="maximum-paths [<n:int:1-32>]"),
    Command(
        "redistribute {connected|static|eigrp <asn:int:1-65535>|bgp <asn:int:1-4294967295>} [subnets]",
        ospf_multi,
        no="",
    ),
    Command("area <area:word> {stub [no-summary]|nssa|authentication [message-digest]}", ospf_multi, no=""),
    Command(
        "timers throttle spf <a:int:1-600000> <b:int:1-600000> <c:int:1-600000>",
        ospf_single,
        no="timers throttle spf [<rest:line>]",
    ),
    Command("distance <d:int:1-255>", ospf_single, no="distance [<d:int:1-255>]"),
]
