"""DHCP: pools that hand out no fixed address and hold every PC that asks, and where relays send."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence

from automation.models.derive.links import RouterLink
from automation.models.derive.management import HostAddress
from automation.models.design import DhcpPool, VlanDesign
from automation.models.problems import Problems
from automation.models.schema import SiteFile, Topology

Addr = ipaddress.IPv4Address


def check_dhcp(
    site: SiteFile,
    topology: Topology,
    vlans: Mapping[int, VlanDesign],
    fixed: Mapping[str, HostAddress],
    pc_vlans: Mapping[str, int],
    problems: Problems,
) -> None:
    """Each DHCP pool hands out no fixed address and has an address for every PC that asks."""
    reserved = site.dhcp.reserved_first
    fixed_in: dict[int, list[tuple[str, Addr]]] = {}
    for name, host in fixed.items():
        fixed_in.setdefault(host.vlan, []).append((name, host.address))
    static_pcs = {pc.name for pc in topology.pcs if pc.address is not None}
    asking: dict[int, int] = {}
    for name, vid in pc_vlans.items():
        if name not in static_pcs:
            asking[vid] = asking.get(vid, 0) + 1
    index = {v.id: i for i, v in reversed(list(enumerate(site.vlans)))}
    for vid, vlan in vlans.items():
        if not vlan.dhcp_server:
            continue
        # Integers, not addresses: .reserved_first past the end of a small subnet is no address.
        first = int(vlan.subnet.network_address) + reserved + 1
        last = int(vlan.subnet.broadcast_address) - 1
        taken_by = [(f"VLAN {vid} gateway", vlan.gateway)] if vlan.gateway else []
        taken_by += fixed_in.get(vid, [])
        taken = 0
        for name, address in taken_by:
            if address is not None and int(address) >= first:
                taken += 1
                problems.add(
                    "site.yaml",
                    "dhcp.reserved_first",
                    f"VLAN {vid}'s DHCP pool would hand out {address} ({name})",
                    f"keep static addresses within .1-.{reserved} or raise dhcp.reserved_first",
                )
        where = f"vlans[{index[vid]}].subnet"
        wanted = asking.get(vid, 0)
        if first > last:
            problems.add(
                "site.yaml",
                where,
                f"VLAN {vid}'s DHCP pool has no address to hand out: {vlan.subnet} has "
                f"{vlan.subnet.num_addresses - 2} host addresses and dhcp.reserved_first keeps "
                f"the first {reserved} out of the pool",
                f"use a /{prefix_for(wanted or 1, reserved)} or larger subnet, or lower dhcp.reserved_first",
            )
        elif last - first + 1 - taken < wanted:
            free = last - first + 1 - taken
            problems.add(
                "site.yaml",
                where,
                f"VLAN {vid}'s DHCP pool has {free} free address(es) "
                f"({Addr(first)}-{Addr(last)}{f' less {taken} fixed' if taken else ''}) "
                f"for {wanted} PCs that take their address by DHCP",
                f"use a /{prefix_for(wanted + taken, reserved)} or larger subnet, "
                "or lower dhcp.reserved_first",
            )


def prefix_for(hosts: int, reserved: int) -> int:
    """The longest prefix whose subnet holds the reserved addresses, `hosts` more, network and broadcast.

    >>> prefix_for(6, 9)  # 17 addresses need a /27 (32), a /28 holds 16
    27
    """
    return 32 - (hosts + reserved + 2 - 1).bit_length()


def pools(
    router: str, site: SiteFile, vlans: Sequence[VlanDesign], dns_server: Addr | None
) -> tuple[DhcpPool, ...]:
    """The pools a router serves: its VLANs' subnets less the first `reserved_first` addresses."""
    return tuple(
        DhcpPool(
            name=vlan.name,
            network=vlan.subnet,
            default_router=vlan.gateway,
            dns_server=dns_server,
            domain_name=site.domain,
            lease_days=site.dhcp.lease_days,
            excluded=(
                vlan.subnet.network_address + 1,
                vlan.subnet.network_address + site.dhcp.reserved_first,
            ),
        )
        for vlan in vlans
        if vlan.dhcp_server == router and vlan.gateway is not None
    )


def relay_target(server: str, relay: str, links: Sequence[RouterLink], loopback: Addr) -> Addr:
    """Where a relay sends DHCP requests: the server's address on their shared link, else its loopback."""
    for link in links:
        here, there = link.end(relay), link.end(server)
        if here is not None and there is not None:
            return there.address
    return loopback
