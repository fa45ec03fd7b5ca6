"""The derived design of a site: what each router, switch, server and PC must be.

Nothing here is written by hand in the inventory: interface addresses, trunk allowed lists, DHCP
exclusions, relays, OSPF networks and DNS addresses all follow from the site files. Templates and
the lab read these models only.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path

from pydantic import BaseModel, ConfigDict

IPv4Address = ipaddress.IPv4Address
IPv4Interface = ipaddress.IPv4Interface
IPv4Network = ipaddress.IPv4Network


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class VlanDesign(Frozen):
    id: int
    name: str
    subnet: IPv4Network
    gateway: IPv4Address | None
    router: str | None
    dhcp_server: str | None
    department: str | None


class RouterInterface(Frozen):
    """One IOS interface of a router: physical, subinterface or loopback."""

    name: str
    description: str | None = None
    address: IPv4Interface | None = None
    dot1q: int | None = None
    helpers: tuple[IPv4Address, ...] = ()
    shutdown: bool = False

    @property
    def physical(self) -> bool:
        return self.name.startswith("GigabitEthernet") and "." not in self.name


class DhcpPool(Frozen):
    name: str
    network: IPv4Network
    default_router: IPv4Address
    dns_server: IPv4Address | None
    domain_name: str
    lease_days: int
    excluded: tuple[IPv4Address, IPv4Address]


class OspfNetwork(Frozen):
    network: IPv4Network
    area: int

    @property
    def wildcard(self) -> IPv4Address:
        return self.network.hostmask


class OspfDesign(Frozen):
    process: int
    router_id: IPv4Address
    networks: tuple[OspfNetwork, ...]
    passive: tuple[str, ...]


class RouterDesign(Frozen):
    name: str
    domain: str
    loopback: IPv4Interface
    interfaces: tuple[RouterInterface, ...]
    pools: tuple[DhcpPool, ...]
    ospf: OspfDesign | None


class SwitchPort(Frozen):
    name: str
    mode: str  # "access", "trunk" or "unused"
    description: str | None = None
    vlan: int | None = None
    allowed: tuple[int, ...] = ()
    native: int | None = None


class SwitchDesign(Frozen):
    name: str
    domain: str
    vlans: tuple[VlanDesign, ...]
    native_vlan: tuple[int, str] | None
    ports: tuple[SwitchPort, ...]
    mgmt_vlan: int
    mgmt_address: IPv4Interface
    default_gateway: IPv4Address | None


class ServerDesign(Frozen):
    name: str
    address: IPv4Interface
    gateway: IPv4Address | None
    vlan: int
    services: tuple[str, ...]
    switch_port: tuple[str, str]


class PcDesign(Frozen):
    name: str
    department: str | None
    vlan: int
    address: IPv4Interface | None  # None: the PC takes its address by DHCP
    gateway: IPv4Address | None
    mail_user: str | None
    switch_port: tuple[str, str]


class DnsRecordDesign(Frozen):
    name: str  # relative to the zone, "@" for the apex
    type: str
    value: str  # an address for A, a fully qualified name (with the dot) for MX and CNAME
    priority: int | None = None


class ZoneDesign(Frozen):
    name: str
    primary_ns: str
    records: tuple[DnsRecordDesign, ...]


class DnsDesign(Frozen):
    server: str
    address: IPv4Address
    zones: tuple[ZoneDesign, ...]


class MailDesign(Frozen):
    domain: str
    server: str
    address: IPv4Address
    hostname: str
    users: tuple[str, ...]


class WebDesign(Frozen):
    server: str
    address: IPv4Address
    hostname: str
    title: str


class CableEnd(Frozen):
    """One end of a cable, read once from topology.yaml's 'NODE INTERFACE'."""

    node: str
    interface: str


class CableDesign(Frozen):
    a: CableEnd
    b: CableEnd


class NodeInfo(Frozen):
    """A node of the topology as a lab target sees it."""

    name: str
    kind: str  # router, switch, server or pc
    platform: str


class Site(Frozen):
    """A loaded, validated site with every derived view the toolkit needs."""

    name: str
    description: str
    directory: Path
    domain: str
    nodes: tuple[NodeInfo, ...]
    cables: tuple[CableDesign, ...]
    vlans: tuple[VlanDesign, ...]
    routers: tuple[RouterDesign, ...]
    switches: tuple[SwitchDesign, ...]
    servers: tuple[ServerDesign, ...]
    pcs: tuple[PcDesign, ...]
    dns: DnsDesign | None
    mail: MailDesign | None
    web: WebDesign | None

    def node(self, name: str) -> NodeInfo:
        for node in self.nodes:
            if node.name == name:
                return node
        raise KeyError(name)

    def devices(self) -> tuple[str, ...]:
        """Routers and switches, the nodes that speak IOS."""
        return tuple(n.name for n in self.nodes if n.kind in {"router", "switch"})
