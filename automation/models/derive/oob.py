"""The out-of-band management view of a site's devices: the design a lab target with a
management network (gns3, cml) configures.

The derived design shuts every port no cable of topology.yaml uses. On a target that reaches the
devices over a management port, that port is instead kept as day-0 set it: its description, its
address, and up. A router's port becomes an addressed `RouterInterface` (so verify expects it up
with its address); a switch's becomes a `RoutedPort` (`no switchport`, then the address).
Which port, which address and which description are the target's business (models/targets.py).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import Protocol

from automation.models.design import RouterDesign, RouterInterface, Site, SwitchDesign, SwitchPort

ROUTED = "routed"  # a switch port taken out of switching, with an address of its own


class RoutedPort(SwitchPort):
    """A switch port with `no switchport` and an address (IOSvL2's routed port)."""

    address: ipaddress.IPv4Interface


class OobInterface(Protocol):
    """A device's management port as a target defines it."""

    @property
    def name(self) -> str: ...  # the node
    @property
    def interface(self) -> str: ...
    @property
    def address(self) -> ipaddress.IPv4Interface: ...
    @property
    def description(self) -> str: ...


def with_oob_management(site: Site, management: Iterable[OobInterface]) -> Site:
    """`site` with each listed device's management port kept up and addressed."""
    by_node = {m.name: m for m in management}
    routers = tuple(_router(r, by_node[r.name]) if r.name in by_node else r for r in site.routers)
    switches = tuple(_switch(s, by_node[s.name]) if s.name in by_node else s for s in site.switches)
    return site.model_copy(update={"routers": routers, "switches": switches})


def _router(router: RouterDesign, m: OobInterface) -> RouterDesign:
    port = RouterInterface(name=m.interface, description=m.description, address=m.address)
    interfaces = tuple(port if i.name == m.interface else i for i in router.interfaces)
    if port not in interfaces:
        raise ValueError(f"{router.name}: {m.interface} is not a port of the router's design")
    return router.model_copy(update={"interfaces": interfaces})


def _switch(switch: SwitchDesign, m: OobInterface) -> SwitchDesign:
    port = RoutedPort(name=m.interface, mode=ROUTED, description=m.description, address=m.address)
    ports = tuple(port if p.name == m.interface else p for p in switch.ports)
    if port not in ports:
        raise ValueError(f"{switch.name}: {m.interface} is not a port of the switch's design")
    return switch.model_copy(update={"ports": ports})
