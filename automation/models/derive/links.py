"""Cables and what they carry: which port meets which, the switched tree, trunks, router links.

The lab runs no spanning tree, so the switched cables must form a tree; a VLAN crosses a trunk
where it has members on both sides of it.
"""

from __future__ import annotations

import ipaddress
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass

from automation.models.derive.addresses import check_unicast
from automation.models.derive.nodes import Nodes
from automation.models.design import CableEnd, VlanDesign
from automation.models.problems import Problems
from automation.models.schema import SiteFile, Topology
from automation.platforms import ports_for


@dataclass(frozen=True, slots=True)
class Attachment:
    """One cable seen from one of its nodes: the local port and the far end."""

    interface: str
    peer: CableEnd


@dataclass(frozen=True)
class Cabling:
    """The valid cables: each end's far end, and every node's cables by local port."""

    peers: Mapping[CableEnd, CableEnd]  # both directions, in the order the cables are written
    by_node: Mapping[str, tuple[Attachment, ...]]

    def at(self, node: str) -> tuple[Attachment, ...]:
        return self.by_node.get(node, ())


def check_cables(topology: Topology, nodes: Nodes, problems: Problems) -> Cabling:
    peers: dict[CableEnd, CableEnd] = {}
    for i, cable in enumerate(topology.cables):
        ends: list[CableEnd] = []
        for side, end in (("a", cable.a), ("b", cable.b)):
            where = f"cables[{i}].{side}"
            role = nodes.role(end.node)
            if role is None:
                problems.unknown(
                    "topology.yaml",
                    where,
                    end.node,
                    f"cable to unknown node {end.node!r}",
                    "use a host from hosts.yaml or a PC from pcs",
                )
                continue
            ports = ports_for(role)
            if end.interface not in ports:
                problems.add(
                    "topology.yaml",
                    where,
                    f"{end.node} ({role}) has no interface {end.interface!r}",
                    f"use one of {ports[0]} .. {ports[-1]} (full names)",
                )
                continue
            if end in peers:
                other = peers[end]
                problems.add(
                    "topology.yaml",
                    where,
                    f"{end.node} {end.interface} is cabled twice (also to {other.node} {other.interface})",
                    "use a free port",
                )
                continue
            ends.append(end)
        if len(ends) == 2:
            a, b = ends
            if a.node == b.node:
                problems.add(
                    "topology.yaml",
                    f"cables[{i}]",
                    "a cable from a node to itself",
                    "connect two different nodes",
                )
                continue
            peers[a] = b
            peers[b] = a
    by_node: dict[str, list[Attachment]] = {}
    for end, peer in peers.items():
        by_node.setdefault(end.node, []).append(Attachment(end.interface, peer))
    return Cabling(
        peers,
        {
            node: tuple(sorted(wires, key=lambda w: (w.interface, w.peer.node, w.peer.interface)))
            for node, wires in by_node.items()
        },
    )


def check_access_ports(nodes: Nodes, cabling: Cabling, problems: Problems) -> Mapping[str, CableEnd]:
    """The switch port of every PC and server, each cabled once to a switch."""
    out: dict[str, CableEnd] = {}
    for name, role in nodes.roles.items():
        if role not in {"pc", "server"}:
            continue
        wires = cabling.at(name)
        if len(wires) != 1 or nodes.role(wires[0].peer.node) != "switch":
            problems.add(
                "topology.yaml",
                "cables",
                f"{name} must be cabled once, to a switch port",
                f"connect {name} eth0 to a free switch port",
            )
            continue
        out[name] = wires[0].peer
    return out


# --- the switched tree ------------------------------------------------------------------------


def _is_l2(nodes: Nodes, a: str, z: str) -> bool:
    """A cable that carries VLANs: between switches, or a switch and a router (not router to router)."""
    roles = {nodes.role(a), nodes.role(z)}
    return roles <= {"switch", "router"} and roles != {"router"}


def check_loops(topology: Topology, nodes: Nodes, cabling: Cabling, problems: Problems) -> None:
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

    for i, cable in enumerate(topology.cables):
        a, z = cable.a.node, cable.b.node
        if cabling.peers.get(cable.a) != cable.b or not _is_l2(nodes, a, z):
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
        problems.add(
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


def _switched(nodes: Nodes, cabling: Cabling) -> dict[str, list[Attachment]]:
    """The cables that carry VLANs, by node (a routed point-to-point link is part of no VLAN)."""
    graph: dict[str, list[Attachment]] = {}
    for end, peer in cabling.peers.items():
        if _is_l2(nodes, end.node, peer.node):
            graph.setdefault(end.node, []).append(Attachment(end.interface, peer))
    return graph


def _side(graph: dict[str, list[Attachment]], start: str, cut: tuple[str, str]) -> set[str]:
    """Nodes reachable from `start` without crossing the cable between `cut` nodes, via switches only."""
    seen = {start}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for wire in graph.get(node, []):
            peer = wire.peer.node
            if {node, peer} == set(cut) or peer in seen:
                continue
            seen.add(peer)
            queue.append(peer)
    return seen


def trunk_vlans(
    nodes: Nodes, cabling: Cabling, members: Mapping[int, set[str]]
) -> Mapping[CableEnd, tuple[int, ...]]:
    """Allowed VLANs of every switch-facing cable end: a VLAN crosses where it has members on both sides.

    The switched cables form a forest: check_loops rejected every loop before.
    """
    graph = _switched(nodes, cabling)
    allowed: dict[CableEnd, tuple[int, ...]] = {}
    for node, wires in graph.items():
        if nodes.role(node) != "switch" and not any(nodes.role(w.peer.node) == "switch" for w in wires):
            continue
        for wire in wires:
            peer = wire.peer.node
            here = _side(graph, node, (node, peer))
            there = _side(graph, peer, (node, peer))
            vids = tuple(sorted(v for v, m in members.items() if m & here and m & there))
            allowed[CableEnd(node=node, interface=wire.interface)] = vids
    return allowed


def check_gateway_ports(
    site: SiteFile,
    nodes: Nodes,
    cabling: Cabling,
    vlans: Mapping[int, VlanDesign],
    members: Mapping[int, set[str]],
    problems: Problems,
) -> Mapping[int, str]:
    """The router port whose subinterface is each routed VLAN's gateway."""
    graph = _switched(nodes, cabling)
    out: dict[int, str] = {}
    for vid, vlan in vlans.items():
        if not vlan.router:
            continue
        others = members[vid] - {vlan.router}
        for wire in graph.get(vlan.router, []):
            if others and others <= _side(graph, wire.peer.node, (vlan.router, wire.peer.node)):
                out[vid] = wire.interface
                break
        else:
            where = next(i for i, v in enumerate(site.vlans) if v.id == vid)
            problems.add(
                "site.yaml",
                f"vlans[{where}].router",
                f"VLAN {vid}'s hosts cannot reach {vlan.router} through one switch port",
                f"cable {vlan.router} to the switches of VLAN {vid}, or move the gateway",
            )
    return out


# --- routed links -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LinkEnd:
    node: str
    interface: str
    address: ipaddress.IPv4Address


@dataclass(frozen=True, slots=True)
class RouterLink:
    """A router-to-router subnet on a cable: the interface and address at each end."""

    subnet: ipaddress.IPv4Network
    ends: tuple[LinkEnd, LinkEnd]

    def end(self, node: str) -> LinkEnd | None:
        return next((e for e in self.ends if e.node == node), None)


def check_router_links(
    site: SiteFile, nodes: Nodes, cabling: Cabling, problems: Problems
) -> tuple[RouterLink, ...]:
    out: list[RouterLink] = []
    for i, link in enumerate(site.links):
        where = f"links[{i}]"
        a, z = link.between
        if not check_unicast(problems, "site.yaml", f"{where}.subnet", link.subnet):
            continue
        not_routers = [n for n in (a, z) if nodes.role(n) != "router"]
        if not_routers:
            for n in not_routers:
                problems.unknown(
                    "site.yaml",
                    f"{where}.between",
                    n,
                    f"{n!r} is not a router of this site",
                    f"name two routers of {nodes.choices('router')}",
                )
            continue
        if a == z:
            problems.add("site.yaml", f"{where}.between", f"a link from {a} to itself", "name two routers")
            continue
        cable = [w for w in cabling.at(a) if w.peer.node == z]
        if not cable:
            problems.add("site.yaml", where, f"no cable between {a} and {z}", "cable them in topology.yaml")
            continue
        # The two router addresses, computed: listing a /0's hosts would take 4 billion steps.
        net = link.subnet
        first = net.network_address + (0 if net.prefixlen >= 31 else 1)
        if net.num_addresses < 2 or (net.prefixlen < 31 and net.num_addresses < 4):
            problems.add(
                "site.yaml",
                f"{where}.subnet",
                f"{link.subnet} has no room for two routers",
                "use a /30 or /31",
            )
            continue
        wire = cable[0]
        out.append(
            RouterLink(net, (LinkEnd(a, wire.interface, first), LinkEnd(z, wire.peer.interface, first + 1)))
        )
    return tuple(out)
