"""Derive every device's design from the site files, checking the design as it goes.

Order matters and mirrors how a network engineer reasons: VLANs and subnets, then where each
VLAN lives (access ports, gateways, management), then trunks, routing, DHCP, and services.
"""

from __future__ import annotations

import ipaddress
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from automation.models import design as d
from automation.models.files import choices
from automation.models.platforms import ports_for, short_name

if TYPE_CHECKING:
    from automation.models.load import _Builder
    from automation.models.schema import DnsZone

Net = ipaddress.IPv4Network
Addr = ipaddress.IPv4Address


def derive(b: _Builder) -> d.Site | None:
    site = b.f.site
    vlans = _vlans(b)
    departments = _departments(b, vlans)
    statics = _statics(b, vlans)  # node -> (vlan id, address) for servers, switches, static PCs
    pcs_vlan = _pc_vlans(b, vlans, departments)
    _check_loops(b)
    if b.problems:
        # Services do not depend on the switching design: check them too, so every problem shows at once.
        dns = _dns(b, statics)
        _mail(b, statics, dns)
        _web(b, statics, dns)
        return None
    members = _vlan_members(b, vlans, statics, pcs_vlan)
    trunks = _trunks(b, members)
    gateways = _gateway_ports(b, vlans, members)
    links = _links(b)
    _check_overlaps(b, vlans)
    _check_dhcp(b, vlans, statics, pcs_vlan)
    if b.problems:
        return None
    dns = _dns(b, statics)
    mail = _mail(b, statics, dns)
    web = _web(b, statics, dns)
    dns_address = dns.address if dns else None
    routers = tuple(
        _router(b, name, vlans, gateways, links, dns_address)
        for name in sorted(n for n, r in b.roles.items() if r == "router")
    )
    switches = tuple(
        _switch(b, name, vlans, trunks, statics, pcs_vlan)
        for name in sorted(n for n, r in b.roles.items() if r == "switch")
    )
    servers = tuple(
        d.ServerDesign(
            name=name,
            address=ipaddress.IPv4Interface(f"{statics[name][1]}/{vlans[statics[name][0]].subnet.prefixlen}"),
            gateway=vlans[statics[name][0]].gateway,
            vlan=statics[name][0],
            services=tuple(b.f.hosts[name].data.services),
            switch_port=_access_port(b, name),
        )
        for name in sorted(n for n, r in b.roles.items() if r == "server")
    )
    users = {u.pc: u.name for u in site.mail.users if u.pc} if site.mail else {}
    pcs = tuple(
        d.PcDesign(
            name=pc.name,
            department=pc.department,
            vlan=pcs_vlan[pc.name],
            address=ipaddress.IPv4Interface(f"{pc.address}/{vlans[pcs_vlan[pc.name]].subnet.prefixlen}")
            if pc.address
            else None,
            gateway=vlans[pcs_vlan[pc.name]].gateway,
            mail_user=f"{users[pc.name]}@{site.mail.domain}" if site.mail and pc.name in users else None,
            switch_port=_access_port(b, pc.name),
        )
        for pc in b.f.topology.pcs
    )
    if b.problems:
        return None
    nodes = tuple(
        d.NodeInfo(name=n, kind=b.roles[n], platform=b.platforms[n])
        for n in [*b.f.hosts, *(pc.name for pc in b.f.topology.pcs)]
    )
    cables = tuple(
        d.CableDesign(
            a=d.CableEnd(node=c.a.split(" ")[0], interface=c.a.split(" ")[1]),
            b=d.CableEnd(node=c.b.split(" ")[0], interface=c.b.split(" ")[1]),
        )
        for c in b.f.topology.cables
    )
    return d.Site(
        name=site.name,
        description=site.description,
        directory=b.f.directory,
        domain=site.domain,
        nodes=nodes,
        cables=cables,
        vlans=tuple(vlans[v] for v in sorted(vlans)),
        routers=routers,
        switches=switches,
        servers=servers,
        pcs=pcs,
        dns=dns,
        mail=mail,
        web=web,
    )


# --- VLANs and who sits in them ---------------------------------------------------------------


def _vlans(b: _Builder) -> dict[int, d.VlanDesign]:
    site = b.f.site
    out: dict[int, d.VlanDesign] = {}
    names: dict[str, int] = {}
    dept_of = {dep.vlan: dep.name for dep in site.departments}
    for i, v in enumerate(site.vlans):
        where = f"vlans[{i}]"
        if v.id in out:
            b.problem(
                "site.yaml", f"{where}.id", f"VLAN {v.id} is defined twice", "give each VLAN its own id"
            )
            continue
        if v.name in names:
            b.problem(
                "site.yaml",
                f"{where}.name",
                f"VLAN name {v.name!r} is used by VLAN {names[v.name]} too",
                "give each VLAN its own name",
            )
        names[v.name] = v.id
        _check_ios_vlan_name(b, f"{where}.name", v.id, v.name)
        if site.native_vlan and site.native_vlan.id == v.id:
            b.problem(
                "site.yaml",
                f"{where}.id",
                f"VLAN {v.id} is also the trunks' native VLAN",
                "keep native_vlan an unused VLAN",
            )
        for key, node in (("router", v.router), ("dhcp", v.dhcp)):
            if node is not None and b.roles.get(node) != "router":
                b.unknown(
                    "site.yaml",
                    f"{where}.{key}",
                    node,
                    f"{node!r} is not a router of this site",
                    f"name one of {b.names('router')}",
                )
        if v.dhcp and not v.router:
            b.problem(
                "site.yaml",
                f"{where}.dhcp",
                f"VLAN {v.id} has DHCP but no router to relay or serve it",
                "set router: for this VLAN",
            )
        if v.subnet.prefixlen > 29:
            b.problem(
                "site.yaml", f"{where}.subnet", f"{v.subnet} is too small for a LAN", "use a /29 or larger"
            )
            continue
        if not _check_unicast(b, "site.yaml", f"{where}.subnet", v.subnet):
            continue
        gateway = v.subnet.network_address + 1 if v.router else None
        out[v.id] = d.VlanDesign(
            id=v.id,
            name=v.name,
            subnet=v.subnet,
            gateway=gateway,
            router=v.router,
            dhcp_server=v.dhcp,
            department=dept_of.get(v.id),
        )
    if site.native_vlan:
        native = site.native_vlan
        _check_ios_vlan_name(b, "native_vlan.name", native.id, native.name)
        if native.id == 1:
            b.problem(
                "site.yaml",
                "native_vlan.id",
                "VLAN 1 is already every trunk's native VLAN on IOS",
                "name an unused VLAN such as 999 to park untagged frames, or remove native_vlan",
            )
    return out


# IOS names these VLANs itself and refuses to rename them or to give their names to others.
_IOS_VLAN_NAMES = {
    1: "default",
    1002: "fddi-default",
    1003: "token-ring-default",
    1004: "fddinet-default",
    1005: "trnet-default",
}


def _check_ios_vlan_name(b: _Builder, where: str, vid: int, name: str) -> None:
    if vid == 1 and name != "default":
        b.problem(
            "site.yaml",
            where,
            f"IOS does not rename VLAN 1 (its name is 'default', not {name!r})",
            "write name: default for VLAN 1, or use another VLAN for this",
        )
    elif vid != 1 and name.lower() in _IOS_VLAN_NAMES.values():
        b.problem(
            "site.yaml",
            where,
            f"{name!r} is the name IOS gives one of its own VLANs",
            f"choose another name for VLAN {vid}",
        )


# Address space IOS refuses on an interface ("Not a valid host address"), and why.
_NOT_UNICAST: tuple[tuple[Net, str], ...] = (
    (Net("0.0.0.0/8"), "'this network' (0.0.0.0/8)"),
    (Net("127.0.0.0/8"), "loopback (127.0.0.0/8)"),
    (Net("224.0.0.0/4"), "multicast (224.0.0.0/4)"),
    (Net("240.0.0.0/4"), "reserved (240.0.0.0/4)"),
)


def _check_unicast(b: _Builder, file: str, where: str, net: Net) -> bool:
    """Whether a subnet or router address is unicast space IOS accepts; else a problem."""
    for space, what in _NOT_UNICAST:
        if net.overlaps(space):
            b.problem(
                file,
                where,
                f"{net} lies in {what} address space, which IOS refuses on an interface",
                "use private unicast space: 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16",
            )
            return False
    return True


def _departments(b: _Builder, vlans: dict[int, d.VlanDesign]) -> dict[str, int]:
    out: dict[str, int] = {}
    has_pcs = {pc.department for pc in b.f.topology.pcs}
    # A PC with a misspelt department is reported as such; its department then lacking PCs is the
    # same mistake seen from the other side.
    misspelt = bool(has_pcs - {dep.name for dep in b.f.site.departments} - {None})
    for i, dep in enumerate(b.f.site.departments):
        where = f"departments[{i}]"
        if dep.name in out:
            b.problem(
                "site.yaml", f"{where}.name", f"department {dep.name!r} is listed twice", "list it once"
            )
            continue
        if dep.vlan not in vlans:
            b.problem(
                "site.yaml",
                f"{where}.vlan",
                f"department {dep.name!r} has no VLAN ({dep.vlan} is not defined)",
                "add the VLAN under vlans: or use a defined id",
            )
        if dep.vlan == 1:
            b.problem(
                "site.yaml",
                f"{where}.vlan",
                f"department {dep.name!r} is on VLAN 1, where every unconfigured port and IOS's own "
                "control traffic sit",
                "give the department its own VLAN (e.g. 10)",
            )
        if dep.vlan in out.values():
            b.problem(
                "site.yaml",
                f"{where}.vlan",
                f"VLAN {dep.vlan} already belongs to another department",
                "give each department its own VLAN",
            )
        if dep.name not in has_pcs and not misspelt:
            b.problem(
                "topology.yaml",
                "pcs",
                f"department {dep.name!r} has no PCs",
                f"add PCs with department: {dep.name}",
            )
        out[dep.name] = dep.vlan
    return out


def _pc_vlans(b: _Builder, vlans: dict[int, d.VlanDesign], departments: dict[str, int]) -> dict[str, int]:
    out: dict[str, int] = {}
    for i, pc in enumerate(b.f.topology.pcs):
        where = f"pcs[{i}]"
        if (pc.department is None) == (pc.vlan is None):
            b.problem(
                "topology.yaml",
                where,
                f"PC {pc.name} needs exactly one of department: or vlan:",
                "set its department (or, on a site without departments, its vlan)",
            )
            continue
        if pc.department is not None:
            if pc.department not in departments:
                b.unknown(
                    "topology.yaml",
                    f"{where}.department",
                    f"department {pc.department}",
                    f"unknown department {pc.department!r}",
                    f"use one of {choices(sorted(departments))}",
                )
                continue
            vid = departments[pc.department]
        else:
            assert pc.vlan is not None
            vid = pc.vlan
        if vid not in vlans:
            if pc.department is None:  # else reported once, at the department
                b.problem(
                    "topology.yaml", f"{where}.vlan", f"VLAN {vid} is not defined", "define it in site.yaml"
                )
            continue
        vlan = vlans[vid]
        if pc.address is None and vlan.dhcp_server is None:
            b.problem(
                "topology.yaml",
                f"{where}.address",
                f"PC {pc.name} has no address and VLAN {vid} has no DHCP server",
                "give it a static address or set dhcp: on the VLAN",
            )
        if pc.address is not None:
            _check_host_in(b, "topology.yaml", f"{where}.address", pc.address, vlan)
        out[pc.name] = vid
    return out


def _check_host_in(b: _Builder, file: str, where: str, address: Addr, vlan: d.VlanDesign) -> None:
    if address not in vlan.subnet:
        b.problem(
            file,
            where,
            f"{address} is outside VLAN {vlan.id}'s subnet {vlan.subnet}",
            f"use an address inside {vlan.subnet}",
        )
    elif address in (vlan.subnet.network_address, vlan.subnet.broadcast_address):
        b.problem(
            file,
            where,
            f"{address} is the network or broadcast address of {vlan.subnet}",
            "use a host address",
        )
    elif address == vlan.gateway:
        b.problem(file, where, f"{address} is VLAN {vlan.id}'s gateway", "use another host address")


def _vlan_index(vlans: dict[int, d.VlanDesign]) -> Callable[[Addr], d.VlanDesign | None]:
    """The VLAN whose subnet holds an address, found per prefix length, not by scanning every VLAN."""
    by_prefix: dict[int, dict[Net, d.VlanDesign]] = {}
    for vlan in vlans.values():
        by_prefix.setdefault(vlan.subnet.prefixlen, {}).setdefault(vlan.subnet, vlan)
    prefixes = sorted(by_prefix, reverse=True)

    def find(address: Addr) -> d.VlanDesign | None:
        for prefix in prefixes:
            vlan = by_prefix[prefix].get(Net((address, prefix), strict=False))
            if vlan is not None:
                return vlan
        return None

    return find


def _statics(b: _Builder, vlans: dict[int, d.VlanDesign]) -> dict[str, tuple[int, Addr]]:
    """Servers, switch management SVIs and static PCs, with the VLAN their address falls in."""
    out: dict[str, tuple[int, Addr]] = {}
    used: dict[Addr, str] = {}
    vlan_of = _vlan_index(vlans)
    pcs = {pc.name: (i, pc) for i, pc in enumerate(b.f.topology.pcs)}
    for name, role in b.roles.items():
        if role == "router":
            continue
        if role == "pc":
            i, pc = pcs[name]
            if pc.address is None:
                continue
            address, file, where = pc.address, "topology.yaml", f"pcs[{i}].address"
        else:
            address, file, where = b.address(name), "hosts.yaml", f"{name}.hostname"
        vlan = vlan_of(address)
        if vlan is None:
            b.problem(
                file,
                where,
                f"{address} is outside every VLAN subnet",
                "use an address inside the VLAN this node sits in",
            )
            continue
        _check_host_in(b, file, where, address, vlan)
        if address in used:
            b.problem(
                file, where, f"{address} is also {used[address]}'s address", "give each node its own address"
            )
        used[address] = name
        out[name] = (vlan.id, address)
    for name, role in b.roles.items():
        if role == "router":
            address = b.address(name)
            owner = vlan_of(address)
            if not _check_unicast(b, "hosts.yaml", f"{name}.hostname", Net(address)):
                continue
            if owner is not None:
                b.problem(
                    "hosts.yaml",
                    f"{name}.hostname",
                    f"router management address {address} lies inside VLAN {owner.id}'s subnet",
                    "use a loopback address outside every subnet (e.g. 10.255.0.x)",
                )
    return out


def _access_port(b: _Builder, node: str) -> tuple[str, str]:
    links = b.links_of(node)
    if len(links) != 1 or b.roles.get(links[0][1]) != "switch":
        b.problem(
            "topology.yaml",
            "cables",
            f"{node} must be cabled once, to a switch port",
            f"connect {node} eth0 to a free switch port",
        )
        return ("", "")
    return (links[0][1], links[0][2])


def _vlan_members(
    b: _Builder,
    vlans: dict[int, d.VlanDesign],
    statics: dict[str, tuple[int, Addr]],
    pcs_vlan: dict[str, int],
) -> dict[int, set[str]]:
    """The switches and routers each VLAN must reach: access ports, SVIs, gateways."""
    members: dict[int, set[str]] = {v: set() for v in vlans}
    for name, role in b.roles.items():
        if role in {"pc", "server"}:
            vid = pcs_vlan.get(name) if role == "pc" else statics.get(name, (None, None))[0]
            switch, _ = _access_port(b, name)
            if vid is not None and switch:
                members[vid].add(switch)
        elif role == "switch" and name in statics:
            members[statics[name][0]].add(name)
    for vid, vlan in vlans.items():
        if vlan.router:
            members[vid].add(vlan.router)
    return members


def _l2_neighbours(b: _Builder) -> dict[str, list[tuple[str, str, str]]]:
    graph: dict[str, list[tuple[str, str, str]]] = {}
    for (node, iface), (peer, piface) in b.peer.items():
        if _is_l2(b, node, peer):  # a routed point-to-point link is part of no VLAN
            graph.setdefault(node, []).append((iface, peer, piface))
    return graph


def _side(graph: dict[str, list[tuple[str, str, str]]], start: str, cut: tuple[str, str]) -> set[str]:
    """Nodes reachable from `start` without crossing the cable between `cut` nodes, via switches only."""
    seen = {start}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for _, peer, _ in graph.get(node, []):
            if {node, peer} == set(cut) or peer in seen:
                continue
            seen.add(peer)
            queue.append(peer)
    return seen


def _is_l2(b: _Builder, a: str, z: str) -> bool:
    """A cable that carries VLANs: between switches, or a switch and a router (not router to router)."""
    roles = {b.roles.get(a), b.roles.get(z)}
    return roles <= {"switch", "router"} and roles != {"router"}


def _check_loops(b: _Builder) -> None:
    """Every cable that closes a loop among switches (and routers' trunks), with the loop it closes.

    The lab runs no spanning tree, so one loop floods every broadcast forever.
    """
    tree: dict[str, dict[str, int]] = {}  # node -> peer -> index of the cable already joining them
    root: dict[str, str] = {}

    def find(node: str) -> str:
        while root.setdefault(node, node) != node:
            root[node] = root[root[node]]
            node = root[node]
        return node

    for i, cable in enumerate(b.f.topology.cables):
        (a, a_if), (z, z_if) = (tuple(end.split(" ")) for end in (cable.a, cable.b))
        if b.peer.get((a, a_if)) != (z, z_if) or not _is_l2(b, a, z):
            continue  # not a valid cable (reported already) or not a switched one
        if find(a) != find(z):
            root[find(a)] = find(z)
            tree.setdefault(a, {})[z] = i
            tree.setdefault(z, {})[a] = i
            continue
        if z in tree.get(a, {}):
            what = f"a second cable between {a} and {z} (the first is cables[{tree[a][z]}]) makes a loop"
        else:
            what = f"this cable closes the loop {' - '.join(_tree_path(tree, z, a))} - {z}"
        b.problem(
            "topology.yaml",
            f"cables[{i}]",
            what,
            "remove this cable or another of the loop (the lab runs no spanning tree)",
        )


def _tree_path(tree: dict[str, dict[str, int]], start: str, goal: str) -> list[str]:
    """The nodes from start to goal in a forest (breadth first, so no recursion)."""
    came: dict[str, str] = {start: start}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if node == goal:
            break
        for peer in tree.get(node, {}):
            if peer not in came:
                came[peer] = node
                queue.append(peer)
    path = [goal]
    while path[-1] != start:
        path.append(came[path[-1]])
    return path[::-1]


def _trunks(b: _Builder, members: dict[int, set[str]]) -> dict[tuple[str, str], tuple[int, ...]]:
    """Allowed VLANs of every switch-facing cable: a VLAN crosses where it has members on both sides."""
    graph = _l2_neighbours(b)  # a forest: _check_loops rejected every loop before
    allowed: dict[tuple[str, str], tuple[int, ...]] = {}
    for node, links in graph.items():
        if b.roles[node] != "switch" and not any(b.roles[p] == "switch" for _, p, _ in links):
            continue
        for iface, peer, _ in links:
            here = _side(graph, node, (node, peer))
            there = _side(graph, peer, (node, peer))
            vids = tuple(sorted(v for v, m in members.items() if m & here and m & there))
            allowed[(node, iface)] = vids
    return allowed


def _gateway_ports(
    b: _Builder, vlans: dict[int, d.VlanDesign], members: dict[int, set[str]]
) -> dict[int, str]:
    """The router port whose subinterface is each VLAN's gateway."""
    graph = _l2_neighbours(b)
    out: dict[int, str] = {}
    for vid, vlan in vlans.items():
        if not vlan.router:
            continue
        others = members[vid] - {vlan.router}
        for iface, peer, _ in graph.get(vlan.router, []):
            if others and others <= _side(graph, peer, (vlan.router, peer)):
                out[vid] = iface
                break
        else:
            where = next(i for i, v in enumerate(b.f.site.vlans) if v.id == vid)
            b.problem(
                "site.yaml",
                f"vlans[{where}].router",
                f"VLAN {vid}'s hosts cannot reach {vlan.router} through one switch port",
                f"cable {vlan.router} to the switches of VLAN {vid}, or move the gateway",
            )
    return out


def _links(b: _Builder) -> list[tuple[Net, dict[str, tuple[str, Addr]]]]:
    """Router-to-router subnets: the cable's interface and address at each end."""
    out = []
    for i, link in enumerate(b.f.site.links):
        where = f"links[{i}]"
        a, z = link.between
        if not _check_unicast(b, "site.yaml", f"{where}.subnet", link.subnet):
            continue
        not_routers = [n for n in (a, z) if b.roles.get(n) != "router"]
        if not_routers:
            for n in not_routers:
                b.unknown(
                    "site.yaml",
                    f"{where}.between",
                    n,
                    f"{n!r} is not a router of this site",
                    f"name two routers of {b.names('router')}",
                )
            continue
        if a == z:
            b.problem("site.yaml", f"{where}.between", f"a link from {a} to itself", "name two routers")
            continue
        cable = [(i_, pi) for i_, p, pi in b.links_of(a) if p == z]
        if not cable:
            b.problem("site.yaml", where, f"no cable between {a} and {z}", "cable them in topology.yaml")
            continue
        # The two router addresses, computed: listing a /0's hosts would take 4 billion steps.
        net = link.subnet
        first = net.network_address + (0 if net.prefixlen >= 31 else 1)
        if net.num_addresses < 2 or (net.prefixlen < 31 and net.num_addresses < 4):
            b.problem(
                "site.yaml",
                f"{where}.subnet",
                f"{link.subnet} has no room for two routers",
                "use a /30 or /31",
            )
            continue
        hosts = [first, first + 1]
        out.append((link.subnet, {a: (cable[0][0], hosts[0]), z: (cable[0][1], hosts[1])}))
    return out


@dataclass(frozen=True)
class _Range:
    label: str
    net: Net
    file: str
    where: str
    fix: str


def _check_overlaps(b: _Builder, vlans: dict[int, d.VlanDesign]) -> None:
    """Subnets, links and router loopbacks that share addresses, each blamed where it is written.

    One sweep over the ranges sorted by start (not every pair: a site may hold thousands).
    """
    subnet_fix = "give every subnet its own address range"
    ranges = [
        _Range(f"VLAN {v.id}", v.subnet, "site.yaml", f"vlans[{i}].subnet", subnet_fix)
        for i, v in enumerate(b.f.site.vlans)
        if v.id in vlans and vlans[v.id].subnet == v.subnet
    ]
    ranges += [
        _Range(f"link {'-'.join(link.between)}", link.subnet, "site.yaml", f"links[{i}].subnet", subnet_fix)
        for i, link in enumerate(b.f.site.links)
    ]
    ranges += [
        _Range(
            f"{n} loopback",
            Net(b.address(n)),
            "hosts.yaml",
            f"{n}.hostname",
            "give each router its own loopback address (it is also the router's OSPF router-id)",
        )
        for n, r in b.roles.items()
        if r == "router"
    ]
    order = {id(r): i for i, r in enumerate(ranges)}
    widest: _Range | None = None
    for r in sorted(ranges, key=lambda r: (r.net.network_address, -r.net.num_addresses, order[id(r)])):
        if widest is not None and r.net.network_address <= widest.net.broadcast_address:
            first, later = sorted((widest, r), key=lambda x: order[id(x)])
            # A loopback inside a VLAN is reported by _statics with its own advice.
            if not (first.label.startswith("VLAN") and later.file == "hosts.yaml"):
                b.problem(
                    later.file,
                    later.where,
                    f"{first.label} {first.net} overlaps {later.label} {later.net}",
                    later.fix,
                )
        if widest is None or r.net.broadcast_address > widest.net.broadcast_address:
            widest = r


def _check_dhcp(
    b: _Builder,
    vlans: dict[int, d.VlanDesign],
    statics: dict[str, tuple[int, Addr]],
    pcs_vlan: dict[str, int],
) -> None:
    """Each DHCP pool hands out no fixed address and has an address for every PC that asks."""
    reserved = b.f.site.dhcp.reserved_first
    fixed_in: dict[int, list[tuple[str, Addr]]] = {}
    for name, (vid, address) in statics.items():
        fixed_in.setdefault(vid, []).append((name, address))
    static_pcs = {pc.name for pc in b.f.topology.pcs if pc.address is not None}
    asking: dict[int, int] = {}
    for name, vid in pcs_vlan.items():
        if name not in static_pcs:
            asking[vid] = asking.get(vid, 0) + 1
    index = {v.id: i for i, v in reversed(list(enumerate(b.f.site.vlans)))}
    for vid, vlan in vlans.items():
        if not vlan.dhcp_server:
            continue
        # Integers, not addresses: .reserved_first past the end of a small subnet is no address.
        first = int(vlan.subnet.network_address) + reserved + 1
        last = int(vlan.subnet.broadcast_address) - 1
        fixed = [(f"VLAN {vid} gateway", vlan.gateway)] if vlan.gateway else []
        fixed += fixed_in.get(vid, [])
        taken = 0
        for name, address in fixed:
            if address is not None and int(address) >= first:
                taken += 1
                b.problem(
                    "site.yaml",
                    "dhcp.reserved_first",
                    f"VLAN {vid}'s DHCP pool would hand out {address} ({name})",
                    f"keep static addresses within .1-.{reserved} or raise dhcp.reserved_first",
                )
        where = f"vlans[{index[vid]}].subnet"
        wanted = asking.get(vid, 0)
        if first > last:
            b.problem(
                "site.yaml",
                where,
                f"VLAN {vid}'s DHCP pool has no address to hand out: {vlan.subnet} has "
                f"{vlan.subnet.num_addresses - 2} host addresses and dhcp.reserved_first keeps "
                f"the first {reserved} out of the pool",
                f"use a /{_prefix_for(wanted or 1, reserved)} or larger subnet, or lower dhcp.reserved_first",
            )
        elif last - first + 1 - taken < wanted:
            free = last - first + 1 - taken
            b.problem(
                "site.yaml",
                where,
                f"VLAN {vid}'s DHCP pool has {free} free address(es) "
                f"({Addr(first)}-{Addr(last)}{f' less {taken} fixed' if taken else ''}) "
                f"for {wanted} PCs that take their address by DHCP",
                f"use a /{_prefix_for(wanted + taken, reserved)} or larger subnet, "
                "or lower dhcp.reserved_first",
            )


def _prefix_for(hosts: int, reserved: int) -> int:
    """The longest prefix whose subnet holds the reserved addresses, `hosts` more, network and broadcast.

    >>> _prefix_for(6, 9)  # 17 addresses need a /27 (32), a /28 holds 16
    27
    """
    return 32 - (hosts + reserved + 2 - 1).bit_length()


# --- devices ----------------------------------------------------------------------------------


def _router(
    b: _Builder,
    name: str,
    vlans: dict[int, d.VlanDesign],
    gateways: dict[int, str],
    links: list[tuple[Net, dict[str, tuple[str, Addr]]]],
    dns_address: Addr | None,
) -> d.RouterDesign:
    site = b.f.site
    loopback = ipaddress.IPv4Interface(f"{b.address(name)}/32")
    addresses: dict[str, ipaddress.IPv4Interface] = {}
    for net, ends in links:
        if name in ends:
            iface, address = ends[name]
            addresses[iface] = ipaddress.IPv4Interface(f"{address}/{net.prefixlen}")
    interfaces: list[d.RouterInterface] = [d.RouterInterface(name="Loopback0", address=loopback)]
    subinterfaces: dict[str, list[d.RouterInterface]] = {}
    passive: list[str] = []
    networks: list[d.OspfNetwork] = []
    area = site.ospf.area if site.ospf else 0
    for vid in sorted(vlans):
        vlan = vlans[vid]
        if vlan.router != name or vid not in gateways:
            continue
        helpers: tuple[Addr, ...] = ()
        if vlan.dhcp_server and vlan.dhcp_server != name:
            helpers = (_dhcp_server_address(b, vlan.dhcp_server, name, links),)
        sub = f"{gateways[vid]}.{vid}"
        assert vlan.gateway is not None
        subinterfaces.setdefault(gateways[vid], []).append(
            d.RouterInterface(
                name=sub,
                description=vlan.department or vlan.name,
                address=ipaddress.IPv4Interface(f"{vlan.gateway}/{vlan.subnet.prefixlen}"),
                dot1q=vid,
                helpers=helpers,
            )
        )
        passive.append(sub)
        networks.append(d.OspfNetwork(network=vlan.subnet, area=area))
    peers = {i: (p, pi) for i, p, pi in b.links_of(name)}
    for port in ports_for("router"):
        if port in peers:
            peer, piface = peers[port]
            interfaces.append(
                d.RouterInterface(
                    name=port, description=f"to {peer} {short_name(piface)}", address=addresses.get(port)
                )
            )
            interfaces.extend(subinterfaces.get(port, []))
        else:
            interfaces.append(d.RouterInterface(name=port, shutdown=True))
    for net, ends in links:
        if name in ends:
            networks.append(d.OspfNetwork(network=net, area=area))
    networks.append(d.OspfNetwork(network=Net(f"{loopback.ip}/32"), area=area))
    ospf = None
    if site.ospf:
        ospf = d.OspfDesign(
            process=site.ospf.process,
            router_id=loopback.ip,
            networks=tuple(sorted(networks, key=lambda n: n.network)),
            passive=tuple(["Loopback0", *passive]),
        )
    pools = tuple(
        d.DhcpPool(
            name=vlan.name,
            network=vlan.subnet,
            default_router=vlan.gateway,
            dns_server=dns_address,
            domain_name=site.domain,
            lease_days=site.dhcp.lease_days,
            excluded=(
                vlan.subnet.network_address + 1,
                vlan.subnet.network_address + site.dhcp.reserved_first,
            ),
            vlan=vlan.id,
        )
        for vlan in (vlans[v] for v in sorted(vlans))
        if vlan.dhcp_server == name and vlan.gateway is not None
    )
    return d.RouterDesign(
        name=name, domain=site.domain, loopback=loopback, interfaces=tuple(interfaces), pools=pools, ospf=ospf
    )


def _dhcp_server_address(
    b: _Builder, server: str, relay: str, links: list[tuple[Net, dict[str, tuple[str, Addr]]]]
) -> Addr:
    """Where a relay sends DHCP requests: the server's address on their shared link, else its loopback."""
    for _, ends in links:
        if server in ends and relay in ends:
            return ends[server][1]
    return b.address(server)


def _switch(
    b: _Builder,
    name: str,
    vlans: dict[int, d.VlanDesign],
    trunks: dict[tuple[str, str], tuple[int, ...]],
    statics: dict[str, tuple[int, Addr]],
    pcs_vlan: dict[str, int],
) -> d.SwitchDesign:
    site = b.f.site
    native = site.native_vlan.id if site.native_vlan else None
    peers = {i: (p, pi) for i, p, pi in b.links_of(name)}
    ports: list[d.SwitchPort] = []
    used: set[int] = set()
    for port in ports_for("switch"):
        if port not in peers:
            ports.append(d.SwitchPort(name=port, mode="unused"))
            continue
        peer, piface = peers[port]
        if b.roles[peer] in {"switch", "router"}:
            allowed = trunks.get((name, port), ())
            used.update(allowed)
            ports.append(
                d.SwitchPort(
                    name=port,
                    mode="trunk",
                    description=f"to {peer} {short_name(piface)}",
                    allowed=allowed,
                    native=native,
                )
            )
        else:
            vid = pcs_vlan[peer] if b.roles[peer] == "pc" else statics[peer][0]
            used.add(vid)
            ports.append(d.SwitchPort(name=port, mode="access", description=peer, vlan=vid))
    mgmt_vlan, mgmt_ip = statics[name]
    used.add(mgmt_vlan)
    mgmt = vlans[mgmt_vlan]
    return d.SwitchDesign(
        name=name,
        domain=site.domain,
        vlans=tuple(vlans[v] for v in sorted(used) if v in vlans),
        native_vlan=(site.native_vlan.id, site.native_vlan.name) if site.native_vlan else None,
        ports=tuple(ports),
        mgmt_vlan=mgmt_vlan,
        mgmt_address=ipaddress.IPv4Interface(f"{mgmt_ip}/{mgmt.subnet.prefixlen}"),
        default_gateway=mgmt.gateway,
    )


# --- services ---------------------------------------------------------------------------------


def _server_with(b: _Builder, name: str, service: str, where: str) -> bool:
    if b.roles.get(name) != "server":
        b.unknown(
            "site.yaml",
            where,
            name,
            f"{name!r} is not a server of this site",
            f"name one of {b.names('server')}",
        )
        return False
    if service not in b.f.hosts[name].data.services:
        b.problem(
            "hosts.yaml",
            f"{name}.data.services",
            f"{name} does not list the {service} service",
            f"add {service} to its services",
        )
        return False
    return True


def _dns(b: _Builder, statics: dict[str, tuple[int, Addr]]) -> d.DnsDesign | None:
    dns = b.f.site.dns
    if dns is None:
        return None
    if not _server_with(b, dns.server, "dns", "dns.server") or dns.server not in statics:
        return None
    address = statics[dns.server][1]
    zones: list[d.ZoneDesign] = []
    a_names: set[str] = set()
    for zone in dns.zones:
        for r in zone.records:
            if r.type == "A":
                a_names.add(zone.name if r.name == "@" else f"{r.name}.{zone.name}")
        a_names.add(f"ns1.{zone.name}")
    seen_zones: set[str] = set()
    for zi, zone in enumerate(dns.zones):
        if zone.name in seen_zones:
            b.problem(
                "site.yaml", f"dns.zones[{zi}].name", f"zone {zone.name} is listed twice", "list it once"
            )
            continue
        seen_zones.add(zone.name)
        _check_zone_names(b, zi, zone)
        records = [d.DnsRecordDesign(name="ns1", type="A", value=str(address))]
        for ri, r in enumerate(zone.records):
            where = f"dns.zones[{zi}].records[{ri}]"
            if r.type == "A":
                value = _a_target(b, r.target, statics, where)
                if value is None:
                    continue
                records.append(d.DnsRecordDesign(name=r.name, type="A", value=value))
            else:
                fqdn = r.target if r.target.endswith(".") else f"{r.target}.{zone.name}."
                if r.target == "@":
                    fqdn = f"{zone.name}."
                if fqdn.rstrip(".") not in a_names:
                    b.problem(
                        "site.yaml",
                        f"{where}.target",
                        f"{r.type} target {fqdn} points at nothing",
                        "add an A record for it or point it at a name that has one",
                    )
                    continue
                if r.type == "MX" and r.priority is None:
                    b.problem(
                        "site.yaml", f"{where}.priority", "an MX record needs a priority", "add priority: 10"
                    )
                    continue
                records.append(d.DnsRecordDesign(name=r.name, type=r.type, value=fqdn, priority=r.priority))
        zones.append(d.ZoneDesign(name=zone.name, primary_ns=f"ns1.{zone.name}.", records=tuple(records)))
    return d.DnsDesign(server=dns.server, address=address, zones=tuple(zones))


def _check_zone_names(b: _Builder, zi: int, zone: DnsZone) -> None:
    """What BIND refuses to load (or loads wrongly) about the names in one zone.

    A CNAME must be the only record at its name (RFC 1034 3.6.2), so never at the apex, which
    holds the zone's SOA and NS; ns1 is the zone's name server, made from dns.server.
    """
    types: dict[str, list[str]] = {"ns1": ["A"]}
    seen: set[tuple[str, str, str]] = set()
    for ri, r in enumerate(zone.records):
        where = f"dns.zones[{zi}].records[{ri}]"
        fqdn = zone.name if r.name == "@" else f"{r.name}.{zone.name}"
        if (r.name, r.type, r.target) in seen:
            b.problem("site.yaml", where, f"{r.type} record {fqdn} is listed twice", "list it once")
            continue
        seen.add((r.name, r.type, r.target))
        others = types.setdefault(r.name, [])
        if len(fqdn) > 253:
            b.problem("site.yaml", f"{where}.name", f"{fqdn} is longer than 253 characters", "shorten it")
        elif r.name == "ns1" and r.type in {"A", "CNAME"}:
            b.problem(
                "site.yaml",
                f"{where}.name",
                f"ns1.{zone.name} is the zone's name server, whose address comes from dns.server",
                "remove this record or give it another name",
            )
        elif r.type == "CNAME" and r.name == "@":
            b.problem(
                "site.yaml",
                f"{where}.name",
                f"a CNAME at the apex of {zone.name}, where the zone's SOA and NS records live",
                "give '@' an A record instead, or put the CNAME on a name such as www",
            )
        elif r.type == "CNAME" and others:
            b.problem(
                "site.yaml",
                f"{where}.type",
                f"{fqdn} has a CNAME and {'another CNAME' if 'CNAME' in others else 'other records'} "
                "(a CNAME must be the only record at its name)",
                "keep either the CNAME or the other records of this name",
            )
        elif r.type != "CNAME" and "CNAME" in others:
            b.problem(
                "site.yaml",
                f"{where}.name",
                f"{fqdn} already has a CNAME, which must be the only record at its name",
                "keep either the CNAME or the other records of this name",
            )
        others.append(r.type)


def _a_target(b: _Builder, target: str, statics: dict[str, tuple[int, Addr]], where: str) -> str | None:
    try:
        return str(ipaddress.IPv4Address(target))
    except ValueError:
        pass
    if target in statics:
        return str(statics[target][1])
    if b.roles.get(target) == "router":
        return str(b.address(target))
    if target not in b.bad:
        b.problem(
            "site.yaml",
            f"{where}.target",
            f"A record target {target!r} points at nothing",
            "name a server or node of this site, or write an IPv4 address",
        )
    return None


def _lookup_a(dns: d.DnsDesign | None, fqdn: str) -> str | None:
    if dns is None:
        return None
    for zone in dns.zones:
        for r in zone.records:
            name = zone.name if r.name == "@" else f"{r.name}.{zone.name}"
            if r.type == "A" and name == fqdn:
                return r.value
    return None


def _written(b: _Builder, fqdn: str, rtype: str) -> bool:
    """Whether site.yaml has a record of this type and name (whether or not it passed its checks)."""
    dns = b.f.site.dns
    return dns is not None and any(
        r.type == rtype and (zone.name if r.name == "@" else f"{r.name}.{zone.name}") == fqdn
        for zone in dns.zones
        for r in zone.records
    )


def _mail(b: _Builder, statics: dict[str, tuple[int, Addr]], dns: d.DnsDesign | None) -> d.MailDesign | None:
    mail = b.f.site.mail
    if mail is None:
        return None
    ok = _server_with(b, mail.server, "mail", "mail.server") and mail.server in statics
    names: set[str] = set()
    seated: dict[str, str] = {}  # PC -> its mail user
    for i, user in enumerate(mail.users):
        if user.name in names:
            b.problem(
                "site.yaml",
                f"mail.users[{i}].name",
                f"duplicate mail user {user.name!r}",
                "list each mailbox once",
            )
        names.add(user.name)
        if user.pc is None:
            continue
        if b.roles.get(user.pc) != "pc":
            b.unknown(
                "site.yaml",
                f"mail.users[{i}].pc",
                user.pc,
                f"unknown PC {user.pc!r}",
                "name a PC from topology.yaml",
            )
        elif user.pc in seated:
            # A PC shows one mail user (its mail_user); a second would be dropped without a word.
            b.problem(
                "site.yaml",
                f"mail.users[{i}].pc",
                f"PC {user.pc} already has mail user {seated[user.pc]!r}",
                "give each PC at most one mail user (users without a PC need no pc:)",
            )
        else:
            seated[user.pc] = user.name
    zone = next((z for z in dns.zones if z.name == mail.domain), None) if dns else None
    mx = next((r for r in zone.records if r.type == "MX" and r.name == "@"), None) if zone else None
    if mx is None and _written(b, mail.domain, "MX"):
        return None  # the MX is written but was rejected, and that was reported
    if mx is None:
        b.problem(
            "site.yaml",
            "mail.domain",
            f"mail domain {mail.domain} has no MX record",
            f"add a zone {mail.domain} under dns.zones with an MX record at '@'",
        )
        return None
    hostname = mx.value.rstrip(".")
    found = _lookup_a(dns, hostname)
    if ok and found != str(statics[mail.server][1]) and (found or not _written(b, hostname, "A")):
        b.problem(
            "site.yaml",
            "dns.zones",
            f"MX host {hostname} does not resolve to {mail.server}",
            f"point {hostname}'s A record at {mail.server}",
        )
    if not ok:
        return None
    return d.MailDesign(
        domain=mail.domain,
        server=mail.server,
        address=statics[mail.server][1],
        hostname=hostname,
        users=tuple(u.name for u in mail.users),
    )


def _web(b: _Builder, statics: dict[str, tuple[int, Addr]], dns: d.DnsDesign | None) -> d.WebDesign | None:
    web = b.f.site.web
    if web is None:
        return None
    if not _server_with(b, web.server, "web", "web.server") or web.server not in statics:
        return None
    found = _lookup_a(dns, web.hostname)
    if found is None and _written(b, web.hostname, "A"):
        return None  # its A record is written but was rejected, and that was reported
    if found != str(statics[web.server][1]):
        b.problem(
            "site.yaml",
            "web.hostname",
            f"{web.hostname} does not resolve to {web.server}",
            f"add an A record for {web.hostname} pointing at {web.server}",
        )
        return None
    return d.WebDesign(
        server=web.server, address=statics[web.server][1], hostname=web.hostname, title=web.title
    )
