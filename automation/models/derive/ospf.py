"""OSPF: every router advertises its gateways' subnets, its router links and its loopback."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from automation.models.derive.links import RouterLink
from automation.models.design import OspfDesign, OspfNetwork, RouterInterface
from automation.models.schema import Ospf


def ospf_design(
    router: str,
    ospf: Ospf | None,
    loopback: ipaddress.IPv4Interface,
    gateways: Sequence[RouterInterface],
    links: Sequence[RouterLink],
) -> OspfDesign | None:
    """The router's OSPF process; `gateways` are its VLAN subinterfaces, passive like the loopback
    (the router-id): no OSPF neighbour is ever on them.
    """
    if ospf is None:
        return None
    networks = [OspfNetwork(network=g.address.network, area=ospf.area) for g in gateways if g.address]
    networks += [OspfNetwork(network=link.subnet, area=ospf.area) for link in links if link.end(router)]
    networks.append(OspfNetwork(network=ipaddress.IPv4Network(f"{loopback.ip}/32"), area=ospf.area))
    return OspfDesign(
        process=ospf.process,
        router_id=loopback.ip,
        networks=tuple(sorted(networks, key=lambda n: n.network)),
        passive=("Loopback0", *(g.name for g in gateways)),
    )
