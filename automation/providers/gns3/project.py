"""Make a GNS3 project match its plan, and undo only what the toolkit made.

Reconciling adds what is missing (project, nodes, links, day-0 files of new nodes: an IOS config
disk, a Linux node's cloud-init seed ISO in its CD drive) and leaves everything else as it is, so
a second `up` changes nothing. Day-0 files are node files: they live in the node's folder on
whichever compute runs it, and go with the node. What the toolkit created is written
into the project itself (project variables), so `down` in another process, or after a crash,
removes exactly that: the whole project if the toolkit made it, else only the nodes it added.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from automation.providers.day0 import CONFIG_ZIP, Day0, config_zip, nocloud_seed
from automation.providers.gns3.client import Gns3Client, Gns3Error
from automation.providers.gns3.models import Node, Project, Template, Variable
from automation.providers.gns3.plan import PlannedEnd, PlannedNode, ProjectPlan

log = logging.getLogger(__name__)

SITE_VAR = "mastertech_site"
CREATED_VAR = "mastertech_created"  # "project", or the ids of the nodes the toolkit added
WHOLE_PROJECT = "project"


def seed_file(node_id: str) -> str:
    """A Linux node's seed, as a file of its own folder. GNS3 looks for a relative CD image in
    its image folders first and the node's folder last: the node id keeps the name its own."""
    return f"mastertech-cidata-{node_id}.iso"


@dataclass
class Reconciled:
    project: Project
    nodes: dict[str, Node]  # by name, as GNS3 has them now
    templates: dict[str, Template]
    created: list[str] = field(default_factory=list)  # what was added, for people
    new_nodes: list[str] = field(default_factory=list)  # names of nodes made in this run


def find_project(api: Gns3Client, name: str) -> Project | None:
    return next((p for p in api.projects() if p.name == name), None)


def _ensure_project(api: Gns3Client, plan: ProjectPlan, site: str, done: list[str]) -> Project:
    project = find_project(api, plan.name)
    if project is None:
        project = api.create_project(plan.name)
        project = api.set_variables(
            project.project_id,
            [Variable(name=SITE_VAR, value=site), Variable(name=CREATED_VAR, value=WHOLE_PROJECT)],
        )
        done.append(f"project {plan.name}")
    elif project.status != "opened":
        project = api.open_project(project.project_id)
    return project


def _templates(api: Gns3Client, plan: ProjectPlan) -> dict[str, Template]:
    by_name = {t.name: t for t in api.templates()}
    wanted = sorted({n.template for n in plan.nodes if n.template is not None})
    missing = [name for name in wanted if name not in by_name]
    if missing:
        raise Gns3Error(
            f"GNS3 at {api.settings.url} has no template named {', '.join(map(repr, missing))}; "
            f"create it (docs/gns3-cml.md, 'Run it on GNS3') or name an existing one in targets.yaml "
            f"gns3.templates (templates there: {', '.join(sorted(by_name)) or 'none'})"
        )
    return {name: by_name[name] for name in wanted}


def _computes(api: Gns3Client, plan: ProjectPlan) -> dict[str, str]:
    """The compute_id of every compute the plan names, by name or id (GNS3 3.x ids are UUIDs, so
    targets.yaml names them as GNS3 shows them; `local` is the controller's own)."""
    known = api.computes()
    ids = (
        {"local": "local"}
        | {c.compute_id: c.compute_id for c in known}
        | {c.name: c.compute_id for c in known}
    )
    wanted = sorted({n.compute for n in plan.nodes})
    missing = [w for w in wanted if w not in ids]
    if missing:
        listed = ", ".join(["local", *sorted(c.name or c.compute_id for c in known)])
        raise Gns3Error(
            f"GNS3 at {api.settings.url} has no compute {', '.join(map(repr, missing))}; register it in GNS3 "
            f"(Computes) or name one of its computes in targets.yaml gns3.computes (computes: {listed})"
        )
    return {w: ids[w] for w in wanted}


def _create_node(
    api: Gns3Client, pid: str, planned: PlannedNode, templates: dict[str, Template], compute: str
) -> Node:
    place: dict[str, Any] = {"x": planned.x, "y": planned.y, "compute_id": compute}
    if planned.template is not None:
        node = api.node_from_template(pid, templates[planned.template], planned.name, place)
        if node.name != planned.name:  # the 3.0 API names the node after the template
            node = api.update_node(pid, node.node_id, {"name": planned.name})
        return node
    body = {"name": planned.name, "node_type": planned.node_type, **place}
    if planned.properties:
        body["properties"] = dict(planned.properties)
    return api.create_node(pid, body)


def reconcile(
    api: Gns3Client, plan: ProjectPlan, site: str, day0: dict[str, Day0], config_disk: bool,
    linux_seed: bool = False,
) -> Reconciled:  # fmt: skip
    """Add what the project lacks. `config_disk`: write day-0 onto new IOS nodes' config disks
    where their template has one (else they are bootstrapped over the console). `linux_seed`:
    give new Linux nodes their day-0 as a cloud-init seed in their CD drive."""
    done: list[str] = []
    templates = _templates(api, plan)
    computes = _computes(api, plan)
    project = _ensure_project(api, plan, site, done)
    pid = project.project_id
    nodes = {n.name: n for n in api.nodes(pid)}
    new: list[str] = []
    for planned in plan.nodes:
        if planned.name in nodes:
            continue
        node = _create_node(api, pid, planned, templates, computes[planned.compute])
        nodes[planned.name] = node
        new.append(planned.name)
        done.append(f"node {planned.name} on compute {planned.compute}")
        _record(api, project, node.node_id)
        entry = day0.get(planned.name)
        template = templates.get(planned.template or "")
        if (
            config_disk
            and entry
            and entry.platform == "cisco_ios"
            and template
            and template.create_config_disk
        ):
            api.write_node_file(pid, node.node_id, CONFIG_ZIP, config_zip(entry))
            done.append(f"day-0 of {planned.name} on its config disk")
        elif linux_seed and entry and entry.platform == "linux":
            nodes[planned.name] = _seed(api, pid, node, entry, template)
            done.append(f"day-0 of {planned.name} as a cloud-init seed in its CD drive")
    _links(api, plan, pid, nodes, done)
    project = next(p for p in api.projects() if p.project_id == pid)
    return Reconciled(project, nodes, templates, done, new)


def _seed(api: Gns3Client, pid: str, node: Node, day0: Day0, template: Template | None) -> Node:
    if node.node_type != "qemu":
        raise Gns3Error(
            f"{node.name}: targets.yaml gns3.linux_day0 is cloud_init, but its template "
            f"{template.name if template else ''!r} makes a {node.node_type} node; use a qemu template or "
            "linux_day0: console"
        )
    name = seed_file(node.node_id)
    api.write_node_file(pid, node.node_id, name, nocloud_seed(day0, instance_id=f"{pid}-{node.node_id}"))
    return api.update_node(pid, node.node_id, {"properties": {"cdrom_image": name}})


def _record(api: Gns3Client, project: Project, node_id: str) -> None:
    """Remember a node the toolkit added to a project it did not make."""
    created = project.variable(CREATED_VAR)
    if created == WHOLE_PROJECT:
        return
    ids = [i for i in (created or "").split(",") if i] + [node_id]
    keep = [v for v in project.variables or [] if v.name != CREATED_VAR]
    updated = api.set_variables(project.project_id, [*keep, Variable(name=CREATED_VAR, value=",".join(ids))])
    project.__dict__["variables"] = updated.variables  # the frozen model follows the server


def resolve(end: PlannedEnd, node: Node) -> tuple[int, int]:
    """(adapter, port) of a planned end on the node GNS3 made, checked against its real ports."""
    if end.port_name is not None:
        found = node.port_named(end.port_name)
        if found is None:
            raise Gns3Error(
                f"{node.name} has no port {end.port_name!r} (its ports: "
                f"{', '.join(p.name for p in node.ports) or 'none'}); "
                "set management.cloud.interface in targets.yaml"
            )
        return found.adapter_number, found.port_number
    if end.slot is not None:
        if end.slot >= len(node.ports):
            raise Gns3Error(
                f"{node.name} has {len(node.ports)} ports, the lab needs port {end.slot}; "
                "give its template more adapters"
            )
        p = node.ports[end.slot]
        return p.adapter_number, p.port_number
    assert end.port is not None
    if not any((p.adapter_number, p.port_number) == end.port for p in node.ports):
        raise Gns3Error(
            f"{node.name} {end.interface} needs adapter {end.port[0]} port {end.port[1]}, which its GNS3 "
            f"template does not give ({len(node.ports)} ports); raise the template's adapters"
        )
    return end.port


def _links(api: Gns3Client, plan: ProjectPlan, pid: str, nodes: dict[str, Node], done: list[str]) -> None:
    existing = api.links(pid)
    pairs = {frozenset((e.node_id, e.adapter_number, e.port_number) for e in link.nodes) for link in existing}
    used = {(e.node_id, e.adapter_number, e.port_number) for link in existing for e in link.nodes}
    for link in plan.links:
        ends = []
        for end in (link.a, link.b):
            node = nodes[end.node]
            adapter, port = resolve(end, node)
            ends.append((node.node_id, adapter, port))
        if frozenset(ends) in pairs:
            continue
        busy = [
            f"{e.node} {e.interface}" for e, key in zip((link.a, link.b), ends, strict=True) if key in used
        ]
        if busy:
            raise Gns3Error(
                f"cannot cable {link.label}: {' and '.join(busy)} already linked elsewhere in project "
                f"{plan.name}; remove that link in GNS3 or run `lab down --target gns3` first"
            )
        body = [{"node_id": n, "adapter_number": a, "port_number": p} for n, a, p in ends]
        api.create_link(pid, body, link.label)
        used.update(ends)
        done.append(f"link {link.label}")


def remove(api: Gns3Client, name: str, keep_project: bool) -> list[str]:
    """Undo what the toolkit made in project `name`; with `keep_project` only stop its nodes."""
    project = find_project(api, name)
    if project is None:
        return []
    if project.status != "opened":
        project = api.open_project(project.project_id)
    pid = project.project_id
    created = project.variable(CREATED_VAR) or ""
    ours = [n for n in api.nodes(pid) if created == WHOLE_PROJECT or n.node_id in created.split(",")]
    if keep_project:
        for node in ours:
            if node.status != "stopped":
                api.stop_node(pid, node)
        return [f"stopped {n.name}" for n in ours if n.status != "stopped"]
    if created == WHOLE_PROJECT:
        api.delete_project(pid)
        return [f"project {name}"]
    for node in ours:
        api.delete_node(pid, node.node_id)
    keep = [v for v in project.variables or [] if v.name != CREATED_VAR]
    api.set_variables(pid, keep)
    return [f"node {n.name}" for n in ours]
