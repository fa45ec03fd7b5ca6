"""How the gns3 and cml targets build a site: `targets.yaml` in the site folder (optional).

Every field has a default, so a site without the file builds as documented in docs/gns3-cml.md:
IOSv routers, IOSvL2 switches, a Linux image for servers and PCs, and an out-of-band management
network (a management switch joined to a cloud) with one address per node.

The management plan is derived here once: each node's management interface (a port no cable of
topology.yaml uses) and address (in `management.prefix`, from `first_host` on in node order,
unless `management.addresses` names one). Endpoints of the gns3 and cml targets come from it,
and so does the intended config on those targets (`intended_site`): the management port stays up.
"""

from __future__ import annotations

import ipaddress
import itertools
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import Field, StrictInt, StrictStr

from automation.errors import SiteError
from automation.models.derive.oob import with_oob_management
from automation.models.design import Site
from automation.models.files import read_yaml, validate_model
from automation.models.schema import Strict
from automation.platforms.gns3_ports import LAYOUTS

TARGETS_FILE = "targets.yaml"
Kind = Literal["router", "switch", "server", "pc"]
GROUPS = {"routers": "router", "switches": "switch", "servers": "server", "pcs": "pc"}
Name = Annotated[StrictStr, Field(min_length=1, max_length=100)]


class MgmtSwitch(Strict):
    """The management switch: GNS3's built-in Ethernet switch, or a template of the user's."""

    node_type: Literal["ethernet_switch"] | None = "ethernet_switch"
    template: Name | None = None  # a template name instead of the built-in switch


class MgmtCloud(Strict):
    """Where the management network leaves the lab: a GNS3 cloud on a host interface."""

    interface: Name | None = None  # the host interface; None: the cloud's first Ethernet port


class Management(Strict):
    prefix: ipaddress.IPv4Network = ipaddress.IPv4Network("172.31.255.0/24")
    first_host: Annotated[StrictInt, Field(ge=1, le=65534)] = 11
    addresses: dict[StrictStr, ipaddress.IPv4Address] = Field(default_factory=dict)
    # kind -> interface; else the platform's default
    interfaces: dict[Kind, Name] = Field(default_factory=dict)
    switch: MgmtSwitch = MgmtSwitch()
    cloud: MgmtCloud | None = MgmtCloud()  # null: no cloud (reach the switch another way)


class Computes(Strict):
    """Which GNS3 compute runs a node: by node name, else by group, else the default."""

    default: Name = "local"
    groups: dict[Literal["routers", "switches", "servers", "pcs"], Name] = Field(default_factory=dict)
    nodes: dict[StrictStr, Name] = Field(default_factory=dict)


class Gns3(Strict):
    project: Name | None = None  # default: mastertech-<site>
    templates: dict[Kind, Name] = Field(default_factory=dict)
    computes: Computes = Computes()
    day0: Literal["auto", "config_disk", "console"] = "auto"
    # Linux nodes: day-0 typed on their console, on a cloud-init NoCloud seed ISO in their CD
    # drive (qemu cloud images), or none (an image already set up for SSH).
    linux_day0: Literal["console", "cloud_init", "none"] = "console"
    spacing: Annotated[StrictInt, Field(ge=50, le=1000)] = 150
    keep_project: bool = False  # `down` stops the nodes and keeps the project
    delay_factor: Annotated[float, Field(gt=0, le=100)] = 1.0  # scales boot and console budgets


class Cml(Strict):
    title: Name | None = None  # default: mastertech-<site>
    node_definitions: dict[Kind, Name] = Field(default_factory=dict)
    image_definitions: dict[Kind, Name] = Field(default_factory=dict)
    external_connector: Name = "System Bridge"
    # How a Linux node reads its day-0 `configuration`: cloud-init user data, or a shell script
    # run at boot; default by node definition (SHELL_DAY0_DEFINITIONS).
    linux_day0: dict[Literal["server", "pc"], Literal["cloud-init", "shell"]] = Field(default_factory=dict)


class TargetsFile(Strict):
    management: Management = Management()
    gns3: Gns3 = Gns3()
    cml: Cml = Cml()


DEFAULT_TEMPLATES: dict[str, str] = {"router": "IOSv", "switch": "IOSvL2", "server": "Linux", "pc": "Linux"}
DEFAULT_NODE_DEFINITIONS: dict[str, str] = {
    "router": "iosv", "switch": "iosvl2", "server": "ubuntu", "pc": "alpine",
}  # fmt: skip


# CML node definitions whose `configuration` is a shell script run at boot (Alpine based, Tiny
# Core); the others (ubuntu, debian, fedora, ...) are cloud images reading cloud-init user data.
SHELL_DAY0_DEFINITIONS = frozenset({"alpine", "desktop", "server"})


MGMT_DESCRIPTION = "out-of-band management"
# The targets that reach every device over its out-of-band management port.
OOB_TARGETS = ("gns3", "cml")


@dataclass(frozen=True)
class MgmtNode:
    """A node's out-of-band management: its interface, its address and the port's description."""

    name: str
    kind: str
    interface: str
    address: ipaddress.IPv4Interface
    description: str = MGMT_DESCRIPTION


@dataclass(frozen=True)
class Targets:
    file: TargetsFile
    management: tuple[MgmtNode, ...]

    def mgmt(self, node: str) -> MgmtNode:
        for m in self.management:
            if m.name == node:
                return m
        raise KeyError(node)

    def template(self, kind: str) -> str:
        return str(self.file.gns3.templates.get(kind, DEFAULT_TEMPLATES[kind]))  # type: ignore[call-overload]

    def node_definition(self, kind: str) -> str:
        defs = self.file.cml.node_definitions
        return str(defs.get(kind, DEFAULT_NODE_DEFINITIONS[kind]))  # type: ignore[call-overload]

    def cml_linux_day0(self, kind: str) -> str:
        """ "cloud-init" or "shell": how a CML Linux node of `kind` takes its day-0."""
        chosen = self.file.cml.linux_day0.get(kind)  # type: ignore[call-overload]
        if chosen is not None:
            return str(chosen)
        return "shell" if self.node_definition(kind) in SHELL_DAY0_DEFINITIONS else "cloud-init"

    def compute(self, node: str, kind: str) -> str:
        computes = self.file.gns3.computes
        group = next(g for g, k in GROUPS.items() if k == kind)
        return computes.nodes.get(node) or computes.groups.get(group) or computes.default  # type: ignore[call-overload]


def load_targets(site: Site) -> Targets:
    """targets.yaml of `site` (defaults when absent), validated against the site's nodes."""
    path = site.directory / TARGETS_FILE
    problems: list[str] = []
    file = TargetsFile()
    if path.exists():
        raw = read_yaml(path, problems)
        loaded = validate_model(TargetsFile, raw, path, problems) if raw is not None else None
        if loaded is not None:
            file = loaded
    if problems:
        raise SiteError(problems)
    management = _management(site, file, path, problems)
    if problems:
        raise SiteError(problems)
    return Targets(file, management)


def intended_site(site: Site, target: str) -> Site:
    """The site as `target` configures its devices.

    On gns3 and cml each device keeps its management port exactly as day-0 set it (description,
    address, up), so that deploy never cuts the way it reaches the device and drift and verify
    expect it; every other target gets `site` as it is.
    """
    if target not in OOB_TARGETS:
        return site
    return with_oob_management(site, load_targets(site).management)


def _management(site: Site, file: TargetsFile, path: object, problems: list[str]) -> tuple[MgmtNode, ...]:
    mgmt = file.management
    names = {n.name for n in site.nodes}
    for field, mapping in (
        ("management.addresses", mgmt.addresses),
        ("gns3.computes.nodes", file.gns3.computes.nodes),
    ):
        for name in mapping:
            if name not in names:
                problems.append(
                    f"{path}: {field}.{name}: no node {name!r} in the site; use one of {sorted(names)}"
                )
    cabled = {(end.node, end.interface) for c in site.cables for end in (c.a, c.b)}
    claimed = set(mgmt.addresses.values())
    # Lazily: a /8 has 16 million hosts and only a few are handed out.
    hosts = itertools.islice(mgmt.prefix.hosts(), mgmt.first_host - 1, None)
    free = (h for h in hosts if h not in claimed)
    used: dict[ipaddress.IPv4Address, str] = {}
    out: list[MgmtNode] = []
    for node in site.nodes:
        layout = LAYOUTS[node.kind]
        interface = mgmt.interfaces.get(node.kind, layout.management)  # type: ignore[call-overload]
        if layout.port(interface) is None:
            problems.append(
                f"{path}: management.interfaces.{node.kind}: {interface!r} is not a port of {layout.model}; "
                f"use a name like {layout.management}"
            )
            continue
        if (node.name, interface) in cabled:
            problems.append(
                f"{path}: management.interfaces.{node.kind}: {node.name} {interface} is cabled in "
                "topology.yaml; name a port no cable uses"
            )
            continue
        address = mgmt.addresses.get(node.name)
        if address is None:
            address = next(free, None)
            if address is None:
                problems.append(
                    f"{path}: management.prefix: {mgmt.prefix} has no room for {len(site.nodes)} nodes "
                    f"from host {mgmt.first_host}; use a larger prefix or a lower first_host"
                )
                break
        elif address not in mgmt.prefix or address in (
            mgmt.prefix.network_address,
            mgmt.prefix.broadcast_address,
        ):
            problems.append(
                f"{path}: management.addresses.{node.name}: {address} is not a host of {mgmt.prefix}; "
                "use an address inside management.prefix"
            )
            continue
        if address in used:
            problems.append(
                f"{path}: management.addresses.{node.name}: {address} is also {used[address]}'s; "
                "give each node its own management address"
            )
            continue
        used[address] = node.name
        out.append(
            MgmtNode(
                node.name, node.kind, interface, ipaddress.IPv4Interface(f"{address}/{mgmt.prefix.prefixlen}")
            )
        )
    return tuple(out)
