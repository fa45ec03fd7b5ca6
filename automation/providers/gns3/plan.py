"""The GNS3 project a site should be: nodes (template, compute, position) and links (adapter/port).

Pure data from the site, targets.yaml and the platform port layouts; no API call here. The
management switch's and the cloud's ports are known only once GNS3 made them, so their link ends
name a port by position (`slot`) and are resolved against the created node.
"""

from __future__ import annotations

from dataclasses import dataclass

from automation.errors import SiteError
from automation.models.design import Site
from automation.models.targets import TARGETS_FILE, Targets
from automation.platforms.gns3_ports import LAYOUTS

MGMT_SWITCH = "MGMT-SW"
MGMT_CLOUD = "MGMT-CLOUD"
ROWS = {"router": -200, "switch": 0, "server": 200, "pc": 200}
MGMT_ROW = -400


@dataclass(frozen=True)
class PlannedNode:
    name: str
    kind: str  # router, switch, server, pc, mgmt_switch or cloud
    compute: str
    x: int
    y: int
    template: str | None = None  # a template by name, else a built-in node_type
    node_type: str | None = None
    properties: tuple[tuple[str, object], ...] = ()


@dataclass(frozen=True)
class PlannedEnd:
    node: str
    interface: str  # as the site names it, or a label for the management ports
    port: tuple[int, int] | None = None  # (adapter, port) from the layout
    slot: int | None = None  # else the node's slot-th port, counted in GNS3's port list
    port_name: str | None = None  # or the node's port of this name (a cloud's host interface)


@dataclass(frozen=True)
class PlannedLink:
    a: PlannedEnd
    b: PlannedEnd

    @property
    def label(self) -> str:
        return f"{self.a.node} {self.a.interface} <-> {self.b.node} {self.b.interface}"


@dataclass(frozen=True)
class ProjectPlan:
    name: str
    nodes: tuple[PlannedNode, ...]
    links: tuple[PlannedLink, ...]

    def node(self, name: str) -> PlannedNode:
        return next(n for n in self.nodes if n.name == name)


def _row(names: list[str], y: int, spacing: int) -> dict[str, tuple[int, int]]:
    """Positions along a row centred on x = 0."""
    start = -(len(names) - 1) * spacing // 2
    return {name: (start + i * spacing, y) for i, name in enumerate(names)}


def project_name(site: Site, targets: Targets) -> str:
    return targets.file.gns3.project or f"mastertech-{site.name}"


def plan_project(site: Site, targets: Targets) -> ProjectPlan:
    spacing = targets.file.gns3.spacing
    positions: dict[str, tuple[int, int]] = {}
    for kind in ("router", "switch"):
        positions |= _row([n.name for n in site.nodes if n.kind == kind], ROWS[kind], spacing)
    positions |= _row([n.name for n in site.nodes if n.kind in ("server", "pc")], ROWS["pc"], spacing)
    nodes: list[PlannedNode] = []
    for info in site.nodes:
        x, y = positions[info.name]
        compute = targets.compute(info.name, info.kind)
        nodes.append(PlannedNode(info.name, info.kind, compute, x, y, template=targets.template(info.kind)))
    nodes += _management_nodes(site, targets, spacing)
    links = [_cable(site, c.a.node, c.a.interface, c.b.node, c.b.interface) for c in site.cables]
    mgmt = targets.file.management
    if mgmt.cloud is not None:
        cloud_end = PlannedEnd(
            MGMT_CLOUD,
            mgmt.cloud.interface or "first Ethernet port",
            port_name=mgmt.cloud.interface,
            slot=None if mgmt.cloud.interface else 0,
        )
        links.append(PlannedLink(cloud_end, PlannedEnd(MGMT_SWITCH, "port 0", slot=0)))
    for i, m in enumerate(targets.management, start=1):
        node = site.node(m.name)
        end = PlannedEnd(m.name, m.interface, port=LAYOUTS[node.kind].port(m.interface))
        links.append(PlannedLink(end, PlannedEnd(MGMT_SWITCH, f"port {i}", slot=i)))
    return ProjectPlan(project_name(site, targets), tuple(nodes), tuple(links))


def _management_nodes(site: Site, targets: Targets, spacing: int) -> list[PlannedNode]:
    mgmt = targets.file.management
    compute = targets.file.gns3.computes.default
    ports = max(8, len(site.nodes) + 1)
    if mgmt.switch.template is not None:
        switch = PlannedNode(MGMT_SWITCH, "mgmt_switch", compute, 0, MGMT_ROW, template=mgmt.switch.template)
    else:
        mapping = [
            {"name": f"Ethernet{i}", "port_number": i, "type": "access", "vlan": 1} for i in range(ports)
        ]
        switch = PlannedNode(
            MGMT_SWITCH, "mgmt_switch", compute, 0, MGMT_ROW, node_type="ethernet_switch",
            properties=(("ports_mapping", mapping),),
        )  # fmt: skip
    out = [switch]
    if mgmt.cloud is not None:
        out.append(PlannedNode(MGMT_CLOUD, "cloud", compute, -2 * spacing, MGMT_ROW, node_type="cloud"))
    return out


def _cable(site: Site, a: str, a_if: str, b: str, b_if: str) -> PlannedLink:
    ends = []
    for node, interface in ((a, a_if), (b, b_if)):
        kind = site.node(node).kind
        port = LAYOUTS[kind].port(interface)
        if port is None:
            raise SiteError([
                f"{site.directory / 'topology.yaml'}: cables: {node} {interface} is not a port of a "
                f"{LAYOUTS[kind].model} node in GNS3; use one of its ports (see {TARGETS_FILE} templates)"
            ])  # fmt: skip
        ends.append(PlannedEnd(node, interface, port=port))
    return PlannedLink(ends[0], ends[1])
