"""Load a site directory into a validated, derived `Site`, or raise `SiteError` listing every problem."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from pathlib import Path

from automation.errors import SiteError
from automation.models import design as d
from automation.models.files import SITE_FILES, M, choices, read_yaml, validate_model
from automation.models.platforms import PLATFORMS, ROLE_PLATFORM, ports_for
from automation.models.schema import (
    Defaults,
    GroupEntry,
    HostEntry,
    SiteFile,
    Topology,
)

_NODE_NAME_FIX = "use a name of letters, digits, '-' and '_' that starts with a letter (at most 20)"


@dataclass
class _Files:
    directory: Path
    hosts: dict[str, HostEntry]
    groups: dict[str, GroupEntry]
    defaults: Defaults
    topology: Topology
    site: SiteFile


@dataclass
class _Builder:
    """Cross-file checks and derivations; problems are collected, never raised one by one."""

    f: _Files
    problems: list[str] = field(default_factory=list)
    roles: dict[str, str] = field(default_factory=dict)
    platforms: dict[str, str] = field(default_factory=dict)
    # (node, interface) -> (peer node, peer interface)
    peer: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    # node -> [(interface, peer node, peer interface)], the same cables indexed by node
    cabled: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)
    # Nodes whose definition was already reported as wrong: a use of one is not a second problem.
    bad: set[str] = field(default_factory=set)
    # (file, name) of unknown names already reported: one line per name and file, not per use.
    unknown_reported: set[tuple[str, str]] = field(default_factory=set)

    # --- helpers -----------------------------------------------------------------------------

    def file(self, name: str) -> Path:
        return self.f.directory / name

    def problem(self, file: str, where: str, what: str, fix: str) -> None:
        self.problems.append(f"{self.file(file)}: {where}: {what}; {fix}")

    def address(self, host: str) -> ipaddress.IPv4Address:
        return self.f.hosts[host].hostname

    def links_of(self, node: str) -> list[tuple[str, str, str]]:
        """(local interface, peer node, peer interface) for every cable at a node."""
        return sorted(self.cabled.get(node, []))

    def unknown(self, file: str, where: str, name: str, what: str, fix: str) -> None:
        """A reference to a name that is not (validly) defined, reported once per name and file."""
        if name in self.bad or (file, name) in self.unknown_reported:
            return
        self.unknown_reported.add((file, name))
        self.problem(file, where, what, fix)

    def names(self, role: str) -> str:
        """The nodes of a role, for a fix that says which names would do (a few, not thousands)."""
        found = sorted(n for n, r in self.roles.items() if r == role)
        return choices(found)

    # --- nodes -------------------------------------------------------------------------------

    def check_nodes(self) -> None:
        for name, host in self.f.hosts.items():
            role = host.data.role
            platform, platform_from = host.platform, "hosts.yaml"
            for group in host.groups:
                entry = self.f.groups.get(group)
                if entry is None:
                    self.problem(
                        "hosts.yaml",
                        f"{name}.groups",
                        f"unknown group {group!r}",
                        f"define it in groups.yaml or use one of {choices(sorted(self.f.groups))}",
                    )
                    self.bad.add(name)
                    continue
                role = role or entry.data.role
                if platform is None:
                    platform, platform_from = entry.platform, "groups.yaml"
            if role is None or platform is None:
                self.bad.add(name)
                continue
            if platform not in PLATFORMS:
                self.problem(
                    platform_from,
                    f"{name}.platform",
                    f"unknown platform {platform!r}",
                    f"use one of {sorted(PLATFORMS)}",
                )
                self.bad.add(name)
                continue
            if ROLE_PLATFORM[role] != platform:
                self.problem(
                    platform_from,
                    f"{name}.platform",
                    f"a {role} runs {ROLE_PLATFORM[role]}, not {platform}",
                    f"set platform {ROLE_PLATFORM[role]}",
                )
                self.bad.add(name)
                continue
            if role == "server" and not host.data.services:
                self.problem(
                    "hosts.yaml",
                    f"{name}.data.services",
                    "a server with no services",
                    "list what it runs: dns, mail, web",
                )
            self.roles[name] = role
            self.platforms[name] = platform
        for i, pc in enumerate(self.f.topology.pcs):
            if pc.name in self.f.hosts or self.roles.get(pc.name) == "pc":
                self.problem(
                    "topology.yaml",
                    f"pcs[{i}].name",
                    f"duplicate host {pc.name!r}",
                    "give every host and PC its own name",
                )
                continue
            self.roles[pc.name] = "pc"
            self.platforms[pc.name] = "linux"

    # --- cables ------------------------------------------------------------------------------

    def check_cables(self) -> None:
        for i, cable in enumerate(self.f.topology.cables):
            ends = []
            for side in ("a", "b"):
                node, interface = getattr(cable, side).split(" ")
                where = f"cables[{i}].{side}"
                if node not in self.roles:
                    self.unknown(
                        "topology.yaml",
                        where,
                        node,
                        f"cable to unknown node {node!r}",
                        "use a host from hosts.yaml or a PC from pcs",
                    )
                    continue
                ports = ports_for(self.roles[node])
                if interface not in ports:
                    self.problem(
                        "topology.yaml",
                        where,
                        f"{node} ({self.roles[node]}) has no interface {interface!r}",
                        f"use one of {ports[0]} .. {ports[-1]} (full names)",
                    )
                    continue
                if (node, interface) in self.peer:
                    other = self.peer[(node, interface)]
                    self.problem(
                        "topology.yaml",
                        where,
                        f"{node} {interface} is cabled twice (also to {other[0]} {other[1]})",
                        "use a free port",
                    )
                    continue
                ends.append((node, interface))
            if len(ends) == 2:
                if ends[0][0] == ends[1][0]:
                    self.problem(
                        "topology.yaml",
                        f"cables[{i}]",
                        "a cable from a node to itself",
                        "connect two different nodes",
                    )
                    continue
                self.peer[ends[0]] = ends[1]
                self.peer[ends[1]] = ends[0]
                for (node, iface), (peer, piface) in ((ends[0], ends[1]), (ends[1], ends[0])):
                    self.cabled.setdefault(node, []).append((iface, peer, piface))


def _valid_node_name(name: str) -> bool:
    return bool(re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]{0,19}", name))


def _entries(
    model: type[M], data: object, path: Path, problems: list[str], named: str | None = None
) -> dict[str, M]:
    """A Nornir-style mapping of names to entries, each validated against `model`.

    `named` (e.g. "host") also checks each name, so a bad name is reported with the file's other
    schema problems, once, before anything refers to it.
    """
    if data is None:
        return {}
    if not isinstance(data, dict):
        problems.append(f"{path}: expected a mapping of names to entries; see inventory/README.md")
        return {}
    out: dict[str, M] = {}
    for key, value in data.items():
        if named and not _valid_node_name(key):
            problems.append(f"{path}: {key}: invalid {named} name {key!r}; {_NODE_NAME_FIX}")
            continue
        entry = validate_model(model, value, path, problems, (key,))
        if entry is not None:
            out[key] = entry
    return out


def load_site(directory: Path | str) -> d.Site:
    """Read, validate and derive the site in `directory` (e.g. inventory/mastertech)."""
    from automation.models.derive import derive

    root = Path(directory)
    problems: list[str] = []
    try:
        is_dir = root.is_dir()
    except OSError as exc:  # e.g. a path too long for the file system
        raise SiteError(
            [f"{root}: cannot open the site directory ({exc.strerror}); check the path"]
        ) from None
    if not is_dir:
        raise SiteError([f"{root}: no such site directory; pass --site NAME or --inventory DIR"])
    raw = {name: read_yaml(root / name, problems) for name in SITE_FILES}
    hosts = _entries(HostEntry, raw["hosts.yaml"], root / "hosts.yaml", problems, named="host")
    groups = _entries(GroupEntry, raw["groups.yaml"], root / "groups.yaml", problems)
    defaults = (
        validate_model(Defaults, raw["defaults.yaml"], root / "defaults.yaml", problems)
        if raw["defaults.yaml"] is not None
        else None
    )
    topology = (
        validate_model(Topology, raw["topology.yaml"], root / "topology.yaml", problems)
        if raw["topology.yaml"] is not None
        else None
    )
    site = (
        validate_model(SiteFile, raw["site.yaml"], root / "site.yaml", problems)
        if raw["site.yaml"] is not None
        else None
    )
    if problems or defaults is None or topology is None or site is None:
        raise SiteError(problems)
    files = _Files(root, hosts, groups, defaults, topology, site)
    builder = _Builder(files)
    builder.check_nodes()
    builder.check_cables()
    result = derive(builder)
    if builder.problems:
        raise SiteError(builder.problems)
    assert result is not None
    return result
