"""The `embedded` provider: the site's network in namespaces on this machine (`automation.lab`)."""

from __future__ import annotations

import os
import shutil

from automation.errors import UsageError
from automation.lab import launcher
from automation.lab.state import LabState
from automation.models.design import Site
from automation.providers.base import ConsoleCommand, Endpoint, LabStatus, NodeStatus
from automation.secrets import device_credentials

SSH_OPTIONS = (
    "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
    "-o", "PubkeyAuthentication=no",
)  # fmt: skip


class EmbeddedProvider:
    name = "embedded"

    def __init__(self, site: Site) -> None:
        self.site = site

    def up(self) -> LabStatus:
        result = launcher.up(self.site)
        return to_status(result.state)

    def down(self, wipe: bool = False) -> list[str]:
        return launcher.down(self.site, wipe=wipe)

    def status(self) -> LabStatus:
        return to_status(launcher.require_running(self.site.name))

    def endpoints(self) -> dict[str, Endpoint]:
        return {n.name: n.mgmt for n in self.status().nodes if n.mgmt is not None}

    def console(self, node: str) -> ConsoleCommand:
        """The device CLI over SSH (password from the credentials, never on the command line);
        a shell inside the namespace for PCs and servers."""
        launcher.require_root()
        state = launcher.require_running(self.site.name)
        rec = launcher.node_record(state, node)
        if rec.kind not in ("router", "switch") or rec.mgmt is None:
            shell = os.environ.get("SHELL") or "/bin/bash"
            return ConsoleCommand(("ip", "netns", "exec", rec.netns, shell))
        if shutil.which("ssh") is None:
            raise UsageError("the `ssh` client is not installed; run `make setup`")
        creds = device_credentials()
        target = (*SSH_OPTIONS, "-p", str(rec.mgmt["port"]), f"{creds.username}@{rec.mgmt['host']}")
        if shutil.which("sshpass"):
            # sshpass -e reads SSHPASS from the environment: the password stays out of `ps`.
            return ConsoleCommand(("sshpass", "-e", "ssh", *target), {"SSHPASS": creds.password})
        return ConsoleCommand(("ssh", *target))


def to_status(state: LabState) -> LabStatus:
    raw = launcher.status_of(state)
    nodes = tuple(
        NodeStatus(
            name=n["name"], kind=n["kind"], netns=n["netns"],
            mgmt=Endpoint(n["mgmt"]["host"], n["mgmt"]["port"]) if n["mgmt"] else None,
            department=n["department"], mail=n["mail"], addresses=tuple(n["addresses"]),
        )
        for n in raw["nodes"]
    )  # fmt: skip
    return LabStatus(site=state.site, nodes=nodes, phase=state.phase, notes=tuple(state.notes))
