"""The validation pass: every check of the site in the order an engineer reasons, problems collected.

Nodes and cables first, then VLANs and who sits in them, addresses, the switched tree; then where
each VLAN is routed, router links, overlaps and DHCP; then the services. What the checks find is
kept as typed values (`Plan`) from which the devices are designed without another check.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from automation.models.derive.addresses import check_overlaps
from automation.models.derive.dhcp import check_dhcp
from automation.models.derive.links import (
    Cabling,
    RouterLink,
    check_access_ports,
    check_cables,
    check_gateway_ports,
    check_loops,
    check_router_links,
    trunk_vlans,
)
from automation.models.derive.management import HostAddress, address_ranges, check_addresses
from automation.models.derive.nodes import Nodes, check_nodes
from automation.models.derive.services import ServiceInput, Services, check_services
from automation.models.derive.vlans import check_departments, check_pc_vlans, check_vlans, vlan_members
from automation.models.design import CableEnd, VlanDesign
from automation.models.problems import Problems
from automation.models.schema import SiteFiles


@dataclass(frozen=True)
class Plan:
    """A site that passed every check, as the values the checks found."""

    files: SiteFiles
    nodes: Nodes
    cabling: Cabling
    vlans: Mapping[int, VlanDesign]
    fixed: Mapping[str, HostAddress]  # servers, switch management SVIs, static PCs
    pc_vlans: Mapping[str, int]
    access: Mapping[str, CableEnd]  # the switch port of every PC and server
    trunks: Mapping[CableEnd, tuple[int, ...]]  # allowed VLANs of every switch-facing cable end
    gateways: Mapping[int, str]  # VLAN -> the router port its gateway subinterface is on
    links: tuple[RouterLink, ...]
    services: Services


def validate(files: SiteFiles, problems: Problems) -> Plan | None:
    """Check the site; None when anything is wrong (then `problems` says everything found)."""
    nodes = check_nodes(files, problems)
    cabling = check_cables(files.topology, nodes, problems)
    vlans = check_vlans(files.site, nodes, problems)
    departments = check_departments(files.site, files.topology, vlans, problems)
    fixed = check_addresses(files, nodes, vlans, problems)
    pc_vlans = check_pc_vlans(files.topology, vlans, departments, problems)
    check_loops(files.topology, nodes, cabling, problems)
    services = ServiceInput(files.site, files.hosts, nodes, fixed)
    if problems:
        # Services do not depend on the switching design: check them too, so every problem shows at once.
        check_services(services, problems)
        return None
    access = check_access_ports(nodes, cabling, problems)
    host_vlans = {n: a.vlan for n, a in fixed.items() if nodes.role(n) != "pc"} | pc_vlans
    members = vlan_members(nodes, vlans, host_vlans, access)
    trunks = trunk_vlans(nodes, cabling, members)
    gateways = check_gateway_ports(files.site, nodes, cabling, vlans, members, problems)
    links = check_router_links(files.site, nodes, cabling, problems)
    check_overlaps(address_ranges(files, nodes, vlans), problems)
    check_dhcp(files.site, files.topology, vlans, fixed, pc_vlans, problems)
    if problems:
        return None
    checked = check_services(services, problems)
    if problems:
        return None
    return Plan(files, nodes, cabling, vlans, fixed, pc_vlans, access, trunks, gateways, links, checked)
