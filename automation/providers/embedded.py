"""The `embedded` provider: the site's network in namespaces on this machine (`automation.lab`)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from automation.checks.hosts import HostRunner, NamespaceRunner
from automation.errors import UsageError
from automation.lab import launcher
from automation.lab.state import LabPaths, LabState
from automation.models.design import Site
from automation.providers.base import ConsoleCommand, Endpoint, Health, LabStatus, NodeStatus
from automation.providers.endpoints_file import format_endpoints_file
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
        """Start the lab, or reuse the one already running (status note says so)."""
        running = launcher.running_state(LabPaths.for_site(self.site.name))
        if running is not None:
            status = to_status(running, live=False)
            return LabStatus(status.site, status.nodes, status.phase, ("already running; reused",))
        return to_status(launcher.up(self.site).state, live=False)

    def start(self, debug: bool = False) -> tuple[LabStatus, float]:
        """Start the lab (an error if it already runs); its status and how long it took."""
        result = launcher.up(self.site, debug=debug)
        return to_status(result.state), result.seconds

    def down(self, wipe: bool = False) -> list[str]:
        return launcher.down(self.site, wipe=wipe)

    def status(self) -> LabStatus:
        return to_status(self._state())

    def endpoints(self) -> dict[str, Endpoint]:
        # From the state file alone: reading live addresses would walk every namespace.
        return {n.name: n.mgmt for n in to_status(self._state(), live=False).nodes if n.mgmt is not None}

    def runner(self) -> HostRunner:
        return NamespaceRunner({n.name: n.netns for n in self._state().nodes if n.kind == "pc"})

    def endpoints_file(self) -> str:
        """The running lab as an endpoints file of the `static` target."""
        eps = self.endpoints()
        ordered = {n.name: eps[n.name] for n in self.site.nodes if n.name in eps}
        return format_endpoints_file(self.site.name, ordered, f"the embedded lab of site {self.site.name}")

    def console(self, node: str) -> ConsoleCommand:
        """The device CLI over SSH (password from the credentials, never on the command line);
        a shell inside the namespace for PCs and servers."""
        launcher.require_root()
        state = self._state()
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

    def exec_argv(self, node: str, command: list[str]) -> list[str]:
        launcher.require_root()
        return launcher.exec_argv(self._state(), node, command)

    def capture_argv(self, node: str, iface: str, out: Path, count: int | None) -> list[str]:
        launcher.require_root()
        return launcher.capture_argv(self._state(), node, iface, out, count)

    def _state(self) -> LabState:
        return launcher.require_running(self.site.name)


def to_status(state: LabState, live: bool = True) -> LabStatus:
    """The lab's status; `live` reads each namespace's current addresses too."""
    nodes = tuple(
        NodeStatus(
            name=n.name, kind=n.kind, netns=n.netns,
            mgmt=Endpoint(n.mgmt["host"], int(n.mgmt["port"])) if n.mgmt else None,
            department=n.department, mail=n.mail,
            addresses=tuple(launcher.live_addresses(n.netns)) if live else (),
            health=Health.from_json(n.health) if n.health else None,
        )
        for n in state.nodes
    )  # fmt: skip
    return LabStatus(site=state.site, nodes=nodes, phase=state.phase, notes=tuple(state.notes))
