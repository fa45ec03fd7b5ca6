"""The lab's physical plan of a site: namespaces, cable ends and management endpoints.

Only the site's nodes and cables (and hosts' fixed addressing) are read here; what the devices do
with their ports comes from their running configs at run time, never from the design.
"""

from __future__ import annotations

import hashlib
import zlib

from pydantic import BaseModel, ConfigDict

from automation.errors import LabError
from automation.lab.names import HOST_IFNAME, netns_name, port_ifname
from automation.models.design import PcDesign, ServerDesign, Site
from automation.status import Endpoint

DEVICE_KINDS = ("router", "switch")
MGMT_PORT = 22


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class CableEnd(_Frozen):
    node: str
    kind: str  # router, switch, pc or server
    netns: str
    port: str  # as the site names it: GigabitEthernet0/1 or eth0
    ifname: str  # kernel name of the port in `netns`
    mac: str  # colon form; a host's NIC or an IOS port's burned-in address

    @property
    def is_device(self) -> bool:
        return self.kind in DEVICE_KINDS


class Cable(_Frozen):
    a: CableEnd
    b: CableEnd

    @property
    def id(self) -> str:
        return f"{self.a.node}:{self.a.port}--{self.b.node}:{self.b.port}"

    def end(self, node: str) -> CableEnd:
        return self.a if self.a.node == node else self.b

    def peer(self, node: str) -> CableEnd:
        return self.b if self.a.node == node else self.a


class LabNode(_Frozen):
    name: str
    kind: str
    netns: str
    platform: str
    mgmt: Endpoint | None = None
    pc: PcDesign | None = None
    server: ServerDesign | None = None


class LabPlan(_Frozen):
    site: str
    domain: str
    nodes: tuple[LabNode, ...]
    cables: tuple[Cable, ...]
    dns_server: str | None = None

    def node(self, name: str) -> LabNode:
        for n in self.nodes:
            if n.name == name:
                return n
        raise LabError(
            f"no node {name!r} in site {self.site}; nodes: {', '.join(n.name for n in self.nodes)}"
        )

    def devices(self) -> tuple[LabNode, ...]:
        return tuple(n for n in self.nodes if n.kind in DEVICE_KINDS)

    def cables_of(self, node: str) -> tuple[Cable, ...]:
        return tuple(c for c in self.cables if node in (c.a.node, c.b.node))

    def namespaces(self) -> tuple[str, ...]:
        return tuple(n.netns for n in self.nodes)


def mgmt_host(site: str, index: int) -> str:
    """A loopback address per device; the second octet is picked from the site name, so two
    sites' labs can run at once with the same port."""
    octet = 64 + zlib.crc32(site.encode()) % 128
    return f"127.{octet}.{1 + index // 250}.{1 + index % 250}"


def burned_in_mac(node: str, port: str, kind: str) -> str:
    """Stable MACs: IOS ports in the fa:16:3e OUI IOSv shows, hosts locally administered."""
    digest = hashlib.sha256(f"{node}/{port}".encode()).digest()
    prefix = "fa:16:3e" if kind in DEVICE_KINDS else "52:54:00"
    return f"{prefix}:{digest[0]:02x}:{digest[1]:02x}:{digest[2]:02x}"


def plan_site(site: Site) -> LabPlan:
    pcs = {p.name: p for p in site.pcs}
    servers = {s.name: s for s in site.servers}
    nodes: list[LabNode] = []
    index = 0
    for info in site.nodes:
        mgmt = None
        if info.kind in DEVICE_KINDS:
            mgmt = Endpoint(mgmt_host(site.name, index), MGMT_PORT)
            index += 1
        nodes.append(
            LabNode(
                name=info.name,
                kind=info.kind,
                netns=netns_name(site.name, info.name),
                platform=info.platform,
                mgmt=mgmt,
                pc=pcs.get(info.name),
                server=servers.get(info.name),
            )
        )
    by_name = {n.name: n for n in nodes}
    namespaces = [n.netns for n in nodes]
    if len(set(namespaces)) != len(namespaces):
        raise LabError(f"site {site.name}: two nodes map to the same namespace name; rename one")

    # The site's cables are checked when it loads (known nodes and ports, one cable per port).
    def end(node: str, port: str) -> CableEnd:
        n = by_name[node]
        ifname = port_ifname(port) if n.kind in DEVICE_KINDS else HOST_IFNAME
        return CableEnd(
            node=node, kind=n.kind, netns=n.netns, port=port, ifname=ifname,
            mac=burned_in_mac(node, port, n.kind),
        )  # fmt: skip

    cables = tuple(Cable(a=end(c.a.node, c.a.interface), b=end(c.b.node, c.b.interface)) for c in site.cables)
    return LabPlan(
        site=site.name,
        domain=site.domain,
        nodes=tuple(nodes),
        cables=cables,
        dns_server=str(site.dns.address) if site.dns else None,
    )


def plan_to_json(plan: LabPlan) -> str:
    """The plan as the launcher hands it to the controller in the lab directory."""
    return plan.model_dump_json(indent=2) + "\n"


def plan_from_json(text: str) -> LabPlan:
    return LabPlan.model_validate_json(text)
