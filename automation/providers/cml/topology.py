"""The CML lab YAML of a site: IOSv / IOSvL2 / Linux nodes with their day-0 `configuration`, the
cables on the interfaces the site names, and the out-of-band management network (an unmanaged
switch on an external connector, where CML learns the management addresses)."""

from __future__ import annotations

import yaml

from automation.models.design import Site
from automation.models.targets import Targets
from automation.platforms.gns3_ports import LAYOUTS
from automation.providers.cml.schema import Interface, LabInfo, Link, Node, Topology
from automation.providers.day0 import Day0, cloud_config
from automation.providers.gns3.plan import MGMT_CLOUD, MGMT_SWITCH, plan_project

SITE_TAG = "mastertech"


def lab_title(site: Site, targets: Targets) -> str:
    return targets.file.cml.title or f"mastertech-{site.name}"


def _interfaces(kind: str) -> list[Interface]:
    """Every port of the model in slot order, named as the device names them."""
    layout = LAYOUTS[kind]
    return [Interface(id=f"i{n}", label=layout.interface(n), slot=n) for n in range(layout.adapters)]


def node_configuration(day0: Day0, targets: Targets) -> str:
    """What CML gets as a node's `configuration`: IOS text, a shell script, or cloud-init user data."""
    if day0.platform == "linux" and targets.cml_linux_day0(day0.kind) == "cloud-init":
        return cloud_config(day0)
    return day0.text


def build_topology(site: Site, targets: Targets, day0: dict[str, Day0]) -> Topology:
    plan = plan_project(site, targets)  # the same layout as the GNS3 project
    nodes: list[Node] = []
    ids: dict[str, str] = {}
    for i, info in enumerate(site.nodes):
        planned = plan.node(info.name)
        ids[info.name] = f"n{i}"
        image = targets.file.cml.image_definitions.get(info.kind)  # type: ignore[call-overload]
        nodes.append(Node(
            id=ids[info.name], label=info.name, node_definition=targets.node_definition(info.kind),
            x=planned.x, y=planned.y, configuration=node_configuration(day0[info.name], targets),
            image_definition=image, tags=[SITE_TAG], interfaces=_interfaces(info.kind),
        ))  # fmt: skip
    count = len(site.nodes) + 1
    switch_ports = [Interface(id=f"i{p}", label=f"port{p}", slot=p) for p in range(count)]
    nodes.append(Node(id="mgmt-sw", label=MGMT_SWITCH, node_definition="unmanaged_switch", x=0, y=-400,
                      tags=[SITE_TAG], interfaces=switch_ports))  # fmt: skip
    nodes.append(Node(
        id="mgmt-ext", label=MGMT_CLOUD, node_definition="external_connector", x=-300, y=-400,
        configuration=targets.file.cml.external_connector, tags=[SITE_TAG],
        interfaces=[Interface(id="i0", label="port", slot=0)],
    ))  # fmt: skip
    by_label = {n.label: n for n in nodes}

    def iface(node: str, name: str) -> str:
        return next(i.id for i in by_label[node].interfaces if i.label == name)

    links = [
        Link(id=f"l{k}", n1=ids[c.a.node], i1=iface(c.a.node, c.a.interface), n2=ids[c.b.node],
             i2=iface(c.b.node, c.b.interface),
             label=f"{c.a.node}-{c.a.interface}<->{c.b.node}-{c.b.interface}")
        for k, c in enumerate(site.cables)
    ]  # fmt: skip
    links.append(
        Link(id=f"l{len(links)}", n1="mgmt-ext", i1="i0", n2="mgmt-sw", i2="i0", label="management uplink")
    )
    for p, m in enumerate(targets.management, start=1):
        links.append(Link(
            id=f"l{len(links)}", n1=ids[m.name], i1=iface(m.name, m.interface), n2="mgmt-sw", i2=f"i{p}",
            label=f"{m.name}-{m.interface}<->management",
        ))  # fmt: skip
    about = LabInfo(title=lab_title(site, targets), description=f"{SITE_TAG} site {site.name}")
    return Topology(lab=about, nodes=nodes, links=links)


def topology_yaml(topology: Topology) -> str:
    """The YAML CML imports; validated again from its own text, as CML would read it."""
    text = yaml.safe_dump(topology.model_dump(exclude_none=True), sort_keys=False, width=1000)
    Topology.model_validate(yaml.safe_load(text))
    return text
