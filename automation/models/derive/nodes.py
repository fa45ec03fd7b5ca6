"""The nodes of a site and the role and platform of each, from hosts.yaml, groups.yaml and PCs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from automation.models.files import choices
from automation.models.problems import Problems
from automation.models.schema import SiteFiles
from automation.platforms import PLATFORMS, ROLE_PLATFORM


@dataclass(frozen=True)
class Nodes:
    """Validly defined nodes, hosts.yaml's order first, then the PCs: name -> role and platform."""

    roles: Mapping[str, str]  # router, switch, server or pc
    platforms: Mapping[str, str]

    def role(self, name: str) -> str | None:
        return self.roles.get(name)

    def named(self, role: str) -> list[str]:
        """The nodes of a role, in the site's order."""
        return [n for n, r in self.roles.items() if r == role]

    def choices(self, role: str) -> str:
        """The nodes of a role, for a fix that says which names would do (a few, not thousands)."""
        return choices(sorted(self.named(role)))


def check_nodes(files: SiteFiles, problems: Problems) -> Nodes:
    roles: dict[str, str] = {}
    platforms: dict[str, str] = {}
    for name, host in files.hosts.items():
        role = host.data.role
        platform, platform_from = host.platform, "hosts.yaml"
        for group in host.groups:
            entry = files.groups.get(group)
            if entry is None:
                problems.add(
                    "hosts.yaml",
                    f"{name}.groups",
                    f"unknown group {group!r}",
                    f"define it in groups.yaml or use one of {choices(sorted(files.groups))}",
                )
                problems.reject(name)
                continue
            role = role or entry.data.role
            if platform is None:
                platform, platform_from = entry.platform, "groups.yaml"
        if role is None or platform is None:
            problems.reject(name)
            continue
        if platform not in PLATFORMS:
            problems.add(
                platform_from,
                f"{name}.platform",
                f"unknown platform {platform!r}",
                f"use one of {sorted(PLATFORMS)}",
            )
            problems.reject(name)
            continue
        if ROLE_PLATFORM[role] != platform:
            problems.add(
                platform_from,
                f"{name}.platform",
                f"a {role} runs {ROLE_PLATFORM[role]}, not {platform}",
                f"set platform {ROLE_PLATFORM[role]}",
            )
            problems.reject(name)
            continue
        if role == "server" and not host.data.services:
            problems.add(
                "hosts.yaml",
                f"{name}.data.services",
                "a server with no services",
                "list what it runs: dns, mail, web",
            )
        roles[name] = role
        platforms[name] = platform
    for i, pc in enumerate(files.topology.pcs):
        if pc.name in files.hosts or roles.get(pc.name) == "pc":
            problems.add(
                "topology.yaml",
                f"pcs[{i}].name",
                f"duplicate host {pc.name!r}",
                "give every host and PC its own name",
            )
            continue
        roles[pc.name] = "pc"
        platforms[pc.name] = "linux"
    return Nodes(roles, platforms)
