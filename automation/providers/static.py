"""The `static` provider: a lab the user built, reached at the endpoints written in a file.

Nothing is built or removed: `up()` only makes sure that every router, switch and server answers
SSH at its endpoint. The PCs (or the departments' test hosts) run the end-to-end probes over SSH;
one that does not answer fails its own checks later, by name, and stops nothing else.
"""

from __future__ import annotations

import socket
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from automation.checks.hosts import HostRunner, SshRunner
from automation.errors import LabError
from automation.models.design import Site
from automation.polling import until
from automation.providers.base import ConsoleCommand, Endpoint, LabStatus, NodeStatus
from automation.providers.endpoints_file import EndpointsFile, read_endpoints_file
from automation.secrets import device_credentials, server_credentials

BANNER_TIMEOUT = 5.0  # seconds for a node's SSH server to send its banner
SSH_OPTIONS = ("-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR")


def ssh_banner(endpoint: Endpoint, timeout: float = BANNER_TIMEOUT) -> str | None:
    """None when an SSH server answers at `endpoint`, else why not."""
    try:
        with socket.create_connection(endpoint, timeout=timeout) as sock:
            sock.settimeout(timeout)
            if sock.recv(64).startswith(b"SSH-"):
                return None
            return "not an SSH server"
    except OSError as exc:
        return exc.strerror or type(exc).__name__


def ssh_silent(endpoints: dict[str, Endpoint], timeout: float = BANNER_TIMEOUT) -> dict[str, str]:
    """The endpoints with no SSH server answering, and why; probed side by side."""
    names = list(endpoints)
    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(lambda n: ssh_banner(endpoints[n], timeout), names))
    return {n: why for n, why in zip(names, answers, strict=True) if why is not None}


def wait_for_ssh(endpoints: dict[str, Endpoint], budget: float, hint: str, interval: float = 2.0) -> None:
    """Return once every endpoint answered SSH (each is asked until it does, all side by side);
    LabError naming the silent ones after `budget` s."""
    silent = {n: "not asked yet" for n in endpoints}

    def all_answer() -> bool:
        nonlocal silent
        silent = ssh_silent({n: endpoints[n] for n in silent}, timeout=2)
        return not silent

    if not until(all_answer, budget, interval):
        listed = ", ".join(f"{n} ({endpoints[n].host}: {why})" for n, why in silent.items())
        raise LabError(f"no SSH within {budget:.0f} s from {listed}; {hint}")


class StaticProvider:
    name = "static"

    def __init__(self, site: Site, endpoints_file: Path) -> None:
        self.site = site
        # Read and validated now: a bad file stops the command before anything is touched.
        self.file: EndpointsFile = read_endpoints_file(endpoints_file, site)
        # A user's lab never gets a generated password: it must be given (environment or vault).
        self.credentials = device_credentials(generate=False)
        self.host_credentials = server_credentials(generate=False)  # PCs, test hosts, servers

    def up(self) -> LabStatus:
        nodes = [n for n in self.site.nodes if n.kind != "pc" and n.name in self.file.nodes]
        silent = ssh_silent({n.name: self.file.nodes[n.name] for n in nodes})
        dead = [
            f"{n.name} ({self.file.nodes[n.name].host}:{self.file.nodes[n.name].port}: {silent[n.name]})"
            for n in nodes
            if n.name in silent
        ]
        if dead:
            raise LabError(f"no SSH answer from {', '.join(dead)}; check {self.file.path} and the lab")
        return self.status()

    def down(self, wipe: bool = False) -> list[str]:
        """The user's lab is the user's: nothing to remove."""
        return []

    def status(self) -> LabStatus:
        pcs = {p.name: p for p in self.site.pcs}
        nodes = tuple(
            NodeStatus(
                name=n.name, kind=n.kind, netns=None,
                mgmt=self.file.host_endpoint(self.site, n.name),
                department=pcs[n.name].department if n.name in pcs else None,
                mail=pcs[n.name].mail_user if n.name in pcs else None,
                addresses=(),
            )
            for n in self.site.nodes
        )  # fmt: skip
        return LabStatus(self.site.name, nodes, notes=(f"endpoints from {self.file.path}",))

    def endpoints(self) -> dict[str, Endpoint]:
        return dict(self.file.nodes)

    def runner(self) -> HostRunner:
        hosts = {p.name: ep for p in self.site.pcs if (ep := self.file.host_endpoint(self.site, p.name))}
        return SshRunner(hosts, self.host_credentials.password, self.host_credentials.username)

    def console(self, node: str) -> ConsoleCommand:
        endpoint = self.status().node(node).mgmt
        if endpoint is None:
            raise LabError(f"{node} has no endpoint in {self.file.path}")
        device = self.site.node(node).kind in ("router", "switch")
        user = self.credentials.username if device else self.host_credentials.username
        return ConsoleCommand(("ssh", *SSH_OPTIONS, "-p", str(endpoint.port), f"{user}@{endpoint.host}"))
