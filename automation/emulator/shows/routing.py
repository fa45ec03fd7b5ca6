"""`show ip route` (15.x with `L` routes) and `show ip ospf neighbor`."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from ipaddress import IPv4Network

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


def _classful(net: IPv4Network) -> IPv4Network:
    first = int(net.network_address) >> 24
    length = 8 if first < 128 else 16 if first < 192 else 24
    return IPv4Network(f"{net.network_address}/{min(length, net.prefixlen)}", strict=False)


def _entry(route: Route, subnetted_same_mask: bool) -> str:
    code = route.protocol + ("*" if route.prefix.prefixlen == 0 else "")
    prefix = str(route.prefix.network_address) if subnetted_same_mask else route.prefix.with_prefixlen
    if route.next_hop is None and route.protocol in ("C", "L"):
        return f"{code:<9}{prefix} is directly connected, {route.interface}"
    if route.next_hop is None:
        return f"{code:<9}{prefix} is directly connected, {route.interface}"
    via = f"[{route.distance}/{route.metric}] via {route.next_hop}"
    if route.protocol.startswith("O"):
        via += f", {age(route.age)}"
        if route.interface:
            via += f", {route.interface}"
    elif route.interface:
        via += f", {route.interface}"
    return f"{code:<9}{prefix} {via}"


def show_ip_route(routes: list[Route], only: IPv4Network | None = None) -> str:
    default = next((r for r in routes if r.prefix.prefixlen == 0), None)
    if default is not None and default.next_hop is not None:
        gateway = f"Gateway of last resort is {default.next_hop} to network 0.0.0.0"
    else:
        gateway = "Gateway of last resort is not set"
    out = [LEGEND.rstrip("\n"), "", gateway, ""]
    groups: dict[IPv4Network, list[Route]] = defaultdict(list)
    for r in routes:
        groups[_classful(r.prefix)].append(r)
    for major in sorted(groups, key=lambda n: (int(n.network_address), n.prefixlen)):
        members = sorted(groups[major], key=lambda r: (int(r.prefix.network_address), r.prefix.prefixlen))
        if len(members) == 1 and members[0].prefix == major:
            r = members[0]
            code = r.protocol + ("*" if r.prefix.prefixlen == 0 else "")
            out.append(f"{code:<6}" + _entry(r, False)[9:])
            continue
        masks = {r.prefix.prefixlen for r in members}
        count = len(members)
        if len(masks) == 1:
            out.append(
                f"      {major.network_address}/{masks.pop()} is subnetted, "
                f"{count} subnets"  # IOS says "1 subnets"
            )
            out.extend(_entry(r, True) for r in members)
        else:
            out.append(f"      {major} is variably subnetted, {count} subnets, {len(masks)} masks")
            out.extend(_entry(r, False) for r in members)
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
