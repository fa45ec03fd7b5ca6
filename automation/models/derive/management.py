"""Fixed addresses: servers, switch management SVIs and static PCs in their VLANs, router loopbacks.

Routers are managed on Loopback0 (hosts.yaml's hostname), which is also their OSPF router-id, so it
lies outside every VLAN; every other fixed address lies inside the VLAN its node sits in.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from automation.models.derive.addresses import Range, check_host_in, check_unicast, vlan_index
from automation.models.derive.nodes import Nodes
from automation.models.design import VlanDesign
from automation.models.problems import Problems
from automation.models.schema import SiteFiles

Addr = ipaddress.IPv4Address


@dataclass(frozen=True, slots=True)
class HostAddress:
    """A node's fixed address and the VLAN it falls in."""

    vlan: int
    address: Addr


def check_addresses(
    files: SiteFiles, nodes: Nodes, vlans: Mapping[int, VlanDesign], problems: Problems
) -> dict[str, HostAddress]:
    """The fixed address of every server, switch and static PC; router loopbacks checked."""
    out: dict[str, HostAddress] = {}
    used: dict[Addr, str] = {}
    vlan_of = vlan_index(vlans)
    pcs = {pc.name: (i, pc) for i, pc in enumerate(files.topology.pcs)}
    for name, role in nodes.roles.items():
        if role == "router":
            continue
        if role == "pc":
            i, pc = pcs[name]
            if pc.address is None:
                continue
            address, file, where = pc.address, "topology.yaml", f"pcs[{i}].address"
        else:
            address, file, where = files.hosts[name].hostname, "hosts.yaml", f"{name}.hostname"
        vlan = vlan_of(address)
        if vlan is None:
            problems.add(
                file,
                where,
                f"{address} is outside every VLAN subnet",
                "use an address inside the VLAN this node sits in",
            )
            continue
        check_host_in(problems, file, where, address, vlan)
        if address in used:
            problems.add(
                file, where, f"{address} is also {used[address]}'s address", "give each node its own address"
            )
        used[address] = name
        out[name] = HostAddress(vlan.id, address)
    for name in nodes.named("router"):
        address = files.hosts[name].hostname
        owner = vlan_of(address)
        if not check_unicast(problems, "hosts.yaml", f"{name}.hostname", ipaddress.IPv4Network(address)):
            continue
        if owner is not None:
            problems.add(
                "hosts.yaml",
                f"{name}.hostname",
                f"router management address {address} lies inside VLAN {owner.id}'s subnet",
                "use a loopback address outside every subnet (e.g. 10.255.0.x)",
            )
    return out


def address_ranges(files: SiteFiles, nodes: Nodes, vlans: Mapping[int, VlanDesign]) -> Iterator[Range]:
    """Every address range the site writes: valid VLAN subnets, router links, router loopbacks."""
    subnet_fix = "give every subnet its own address range"
    for i, v in enumerate(files.site.vlans):
        if v.id in vlans and vlans[v.id].subnet == v.subnet:
            yield Range(f"VLAN {v.id}", v.subnet, "site.yaml", f"vlans[{i}].subnet", subnet_fix)
    for i, link in enumerate(files.site.links):
        yield Range(
            f"link {'-'.join(link.between)}", link.subnet, "site.yaml", f"links[{i}].subnet", subnet_fix
        )
    for name in nodes.named("router"):
        yield Range(
            f"{name} loopback",
            ipaddress.IPv4Network(files.hosts[name].hostname),
            "hosts.yaml",
            f"{name}.hostname",
            "give each router its own loopback address (it is also the router's OSPF router-id)",
        )
