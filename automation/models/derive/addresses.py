"""Address checks shared by every feature: space IOS accepts, host addresses, overlapping ranges."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from automation.models.design import VlanDesign
from automation.models.problems import Problems
from automation.platforms.cisco_ios import NOT_HOST_SPACE

Net = ipaddress.IPv4Network
Addr = ipaddress.IPv4Address


def check_unicast(problems: Problems, file: str, where: str, net: Net) -> bool:
    """Whether a subnet or router address is unicast space IOS accepts; else a problem."""
    for space, what in NOT_HOST_SPACE:
        if net.overlaps(space):
            problems.add(
                file,
                where,
                f"{net} lies in {what} address space, which IOS refuses on an interface",
                "use private unicast space: 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16",
            )
            return False
    return True


def check_host_in(problems: Problems, file: str, where: str, address: Addr, vlan: VlanDesign) -> None:
    """A fixed address is a host of its VLAN's subnet, other than the gateway."""
    if address not in vlan.subnet:
        problems.add(
            file,
            where,
            f"{address} is outside VLAN {vlan.id}'s subnet {vlan.subnet}",
            f"use an address inside {vlan.subnet}",
        )
    elif address in (vlan.subnet.network_address, vlan.subnet.broadcast_address):
        problems.add(
            file,
            where,
            f"{address} is the network or broadcast address of {vlan.subnet}",
            "use a host address",
        )
    elif address == vlan.gateway:
        problems.add(file, where, f"{address} is VLAN {vlan.id}'s gateway", "use another host address")


def vlan_index(vlans: Mapping[int, VlanDesign]) -> Callable[[Addr], VlanDesign | None]:
    """The VLAN whose subnet holds an address, found per prefix length, not by scanning every VLAN."""
    by_prefix: dict[int, dict[Net, VlanDesign]] = {}
    for vlan in vlans.values():
        by_prefix.setdefault(vlan.subnet.prefixlen, {}).setdefault(vlan.subnet, vlan)
    prefixes = sorted(by_prefix, reverse=True)

    def find(address: Addr) -> VlanDesign | None:
        for prefix in prefixes:
            vlan = by_prefix[prefix].get(Net((address, prefix), strict=False))
            if vlan is not None:
                return vlan
        return None

    return find


@dataclass(frozen=True)
class Range:
    """An address range as written: what it is, and where to blame an overlap."""

    label: str
    net: Net
    file: str
    where: str
    fix: str


def check_overlaps(ranges: Iterable[Range], problems: Problems) -> None:
    """Ranges that share addresses, each blamed where the later one is written.

    One sweep over the ranges sorted by start (not every pair: a site may hold thousands).
    """
    written = list(ranges)
    order = {id(r): i for i, r in enumerate(written)}
    widest: Range | None = None
    for r in sorted(written, key=lambda r: (r.net.network_address, -r.net.num_addresses, order[id(r)])):
        if widest is not None and r.net.network_address <= widest.net.broadcast_address:
            first, later = sorted((widest, r), key=lambda x: order[id(x)])
            # A loopback inside a VLAN is reported with its own advice (management addresses).
            if not (first.label.startswith("VLAN") and later.file == "hosts.yaml"):
                problems.add(
                    later.file,
                    later.where,
                    f"{first.label} {first.net} overlaps {later.label} {later.net}",
                    later.fix,
                )
        if widest is None or r.net.broadcast_address > widest.net.broadcast_address:
            widest = r
