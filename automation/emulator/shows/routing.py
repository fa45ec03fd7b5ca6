"""`show ip route` (15.x with `L` routes), its filters and `Routing entry for`, `show ip ospf neighbor`.

The table printer takes the routes a data plane installed (the best administrative distance per
prefix; equal-cost paths as several `Route`s of one prefix) and prints IOS's layout: one entry per
prefix, further paths on continuation lines aligned under the first path's `[`, classful parents
(`is subnetted` / `is variably subnetted`) counting prefixes, not paths.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from ipaddress import IPv4Address, IPv4Network

from automation.emulator.dataplane import OspfNeighbor, Route

LEGEND = """\
Codes: L - local, C - connected, S - static, R - RIP, M - mobile, B - BGP
       D - EIGRP, EX - EIGRP external, O - OSPF, IA - OSPF inter area{trailing}
       N1 - OSPF NSSA external type 1, N2 - OSPF NSSA external type 2
       E1 - OSPF external type 1, E2 - OSPF external type 2
       i - IS-IS, su - IS-IS summary, L1 - IS-IS level-1, L2 - IS-IS level-2
       ia - IS-IS inter area, * - candidate default, U - per-user static route
       o - ODR, P - periodic downloaded static route, H - NHRP, l - LISP
       a - application route
       + - replicated route, % - next hop override, p - overrides from PfR
""".format(trailing=" ")  # IOS really ends that legend line with a space

DEFAULT = IPv4Network("0.0.0.0/0")


def age(delta: timedelta | None) -> str:
    if delta is None:
        return "00:00:00"
    seconds = int(delta.total_seconds())
    if seconds < 86400:
        return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
    days, rest = divmod(seconds, 86400)
    if days < 7:
        return f"{days}d{rest // 3600:02d}h"
    return f"{days // 7}w{days % 7}d"


def classful(net: IPv4Network) -> IPv4Network:
    """The classful network holding `net` (its own prefix when `net` is a supernet).

    >>> classful(IPv4Network("10.1.2.0/24")), classful(IPv4Network("192.168.0.0/16"))
    (IPv4Network('10.0.0.0/8'), IPv4Network('192.168.0.0/16'))
    """
    return IPv4Network(f"{net.network_address}/{min(_natural(net), net.prefixlen)}", strict=False)


def _natural(net: IPv4Network) -> int:
    """The class A/B/C mask length of `net`'s first address."""
    first = int(net.network_address) >> 24
    return 8 if first < 128 else 16 if first < 192 else 24


def by_prefix(routes: list[Route]) -> dict[IPv4Network, list[Route]]:
    """The paths of each prefix, in the order the data plane listed them."""
    out: dict[IPv4Network, list[Route]] = {}
    for r in routes:
        out.setdefault(r.prefix, []).append(r)
    return out


def _path(route: Route) -> str:
    """What follows the prefix on a route line (and alone on a continuation line)."""
    if route.next_hop is None:
        return f"is directly connected, {route.interface}"
    via = f"[{route.distance}/{route.metric}] via {route.next_hop}"
    if route.protocol.startswith("O"):
        via += f", {age(route.age)}"
    if route.interface:
        via += f", {route.interface}"
    return via


def _code(route: Route) -> str:
    return route.protocol + ("*" if route.prefix.prefixlen == 0 else "")


def _entry(paths: list[Route], width: int, prefix: str) -> list[str]:
    """One prefix: its first path after the code and prefix, the others aligned beneath it."""
    first = f"{_code(paths[0]):<{width}}{prefix} "
    return [first + _path(paths[0]), *(" " * len(first) + _path(p) for p in paths[1:])]


def gateway_line(table: dict[IPv4Network, list[Route]]) -> str:
    paths = table.get(DEFAULT)
    if not paths:
        return "Gateway of last resort is not set"
    # A default through an interface (Null0 included) has no next hop: IOS names 0.0.0.0.
    return f"Gateway of last resort is {paths[0].next_hop or '0.0.0.0'} to network 0.0.0.0"


def show_ip_route(routes: list[Route], shown: Callable[[Route], bool] | None = None) -> str:
    """The table; `shown` keeps only some paths (`show ip route static`...). The gateway line and
    the parents' subnet counts stay those of the whole table, as IOS prints them."""
    table = by_prefix(routes)
    out = [LEGEND.rstrip("\n"), "", gateway_line(table), ""]
    majors: dict[IPv4Network, list[IPv4Network]] = {}
    for prefix in table:
        majors.setdefault(classful(prefix), []).append(prefix)
    for major in sorted(majors, key=lambda n: (int(n.network_address), n.prefixlen)):
        members = sorted(majors[major], key=lambda n: (int(n.network_address), n.prefixlen))
        visible = {p: [r for r in table[p] if shown is None or shown(r)] for p in members}
        if not any(visible.values()):
            continue
        if members == [major]:
            out.extend(_entry(visible[major], 6, major.with_prefixlen))
            continue
        masks = {p.prefixlen for p in members}
        if len(masks) == 1:
            # IOS says "1 subnets" too.
            out.append(f"      {major.network_address}/{masks.pop()} is subnetted, {len(members)} subnets")
            for p in members:
                if visible[p]:
                    out.extend(_entry(visible[p], 9, str(p.network_address)))
        else:
            out.append(f"      {major} is variably subnetted, {len(members)} subnets, {len(masks)} masks")
            for p in members:
                if visible[p]:
                    out.extend(_entry(visible[p], 9, p.with_prefixlen))
    return "\n".join(out) + "\n"


def lookup(routes: list[Route], dest: IPv4Address) -> IPv4Network | None:
    """The longest prefix holding `dest`; the default route only for 0.0.0.0 itself (IOS answers
    `% Network not in table` for an address only the default covers)."""
    hits = [p for p in by_prefix(routes) if dest in p and (p.prefixlen > 0 or int(dest) == 0)]
    return max(hits, key=lambda p: p.prefixlen, default=None)


def not_in_table(routes: list[Route], prefix: IPv4Network) -> str:
    """IOS's answer for a prefix with no entry: `Subnet` when its classful network has subnets."""
    major = classful(prefix)
    if any(classful(p) == major and p != major for p in by_prefix(routes)):
        return "% Subnet not in table\n"
    return "% Network not in table\n"


def routing_entry(
    routes: list[Route], prefix: IPv4Network, ospf_pid: int | None, origins: dict[IPv4Address, IPv4Address]
) -> str:
    """`show ip route A.B.C.D [MASK]`: the entry of one prefix, its paths as descriptor blocks.

    `origins` maps an OSPF next hop to the router ID to print after `from` (the neighbour there).
    """
    paths = by_prefix(routes)[prefix]
    best = paths[0]
    supernet = ", supernet" if prefix.prefixlen < _natural(prefix) else ""
    out = [f"Routing entry for {prefix.with_prefixlen}{supernet}"]
    if best.protocol in ("C", "L"):
        how = "(connected, via interface)" if best.protocol == "C" else "(connected)"
        out.append(f'  Known via "connected", distance 0, metric 0 {how}')
    elif best.protocol.startswith("O"):
        kind = {"O": "intra area", "O IA": "inter area", "O E2": "extern 2, forward metric 1"}
        out.append(
            f'  Known via "ospf {ospf_pid or 1}", distance {best.distance}, metric {best.metric}, '
            f"type {kind.get(best.protocol, 'intra area')}"
        )
        out.append(f"  Last update from {best.next_hop} on {best.interface}, {age(best.age)} ago")
    else:
        extra = ", candidate default path" if prefix.prefixlen == 0 else ""
        if best.next_hop is None:
            extra += " (connected)"
        out.append(f'  Known via "static", distance {best.distance}, metric {best.metric}{extra}')
    out.append("  Routing Descriptor Blocks:")
    for i, p in enumerate(paths):
        mark = "*" if i == 0 else " "
        if p.next_hop is None:
            out.append(f"  {mark} directly connected, via {p.interface}")
        elif p.protocol.startswith("O"):
            origin = origins.get(p.next_hop, p.next_hop)
            out.append(f"  {mark} {p.next_hop}, from {origin}, {age(p.age)} ago, via {p.interface}")
        else:
            out.append(f"  {mark} {p.next_hop}" + (f", via {p.interface}" if p.interface else ""))
        out.append(f"      Route metric is {p.metric}, traffic share count is 1")
    return "\n".join(out) + "\n"


def show_ip_ospf_neighbor(neighbors: list[OspfNeighbor]) -> str:
    if not neighbors:
        return ""
    out = ["", "Neighbor ID     Pri   State           Dead Time   Address         Interface"]
    for n in neighbors:
        dead = age(n.dead_time)
        out.append(
            f"{n.router_id!s:<16}{n.priority:>3}   {n.state:<16}{dead:<12}{n.address!s:<16}{n.interface}"
        )
    return "\n".join(out) + "\n"
