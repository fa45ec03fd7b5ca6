"""The `gns3` target: the site built as a GNS3 project through the controller's API v3.

`up()` reconciles the project with the site (adds what is missing), starts the nodes, gives every
IOS device not yet answering SSH its day-0 (config disk, else the console) and every such Linux
host its day-0 script over its console, then waits for SSH on the out-of-band management
addresses of all of them. `down()` removes what the toolkit made; `keep_project` only stops it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Iterator
from contextlib import contextmanager
from urllib.parse import urlparse

from automation.checks.hosts import HostRunner, SshRunner
from automation.errors import LabError, UsageError
from automation.models.design import Site
from automation.models.targets import Targets, load_targets
from automation.providers.base import ConsoleCommand, Endpoint, LabStatus, NodeStatus
from automation.providers.day0 import Day0, day0_configs
from automation.providers.gns3.client import Gns3Client, Gns3Error, hint_for
from automation.providers.gns3.console import BootstrapResult, ConsoleBudgets, bootstrap_console
from automation.providers.gns3.linux_console import bootstrap_linux_console
from automation.providers.gns3.models import Node
from automation.providers.gns3.plan import ProjectPlan, plan_project
from automation.providers.gns3.project import find_project, reconcile, remove
from automation.providers.gns3.settings import Gns3Settings, gns3_settings
from automation.providers.static import ssh_silent, wait_for_ssh
from automation.secrets import console_login, device_credentials, enable_secret, server_credentials

log = logging.getLogger(__name__)

SSH_PORT = 22
WILDCARDS = {"0.0.0.0", "::", "", None}


class GNS3Provider:
    name = "gns3"

    def __init__(
        self, site: Site, *, keep_project: bool | None = None, settings: Gns3Settings | None = None
    ) -> None:
        self.site = site
        self.targets: Targets = load_targets(site)
        self.plan: ProjectPlan = plan_project(site, self.targets)
        options = self.targets.file.gns3
        self.keep_project = options.keep_project if keep_project is None else keep_project
        self.delay_factor = options.delay_factor
        self._settings = settings

    @property
    def settings(self) -> Gns3Settings:
        if self._settings is None:
            self._settings = gns3_settings()
        return self._settings

    @contextmanager
    def client(self) -> Iterator[Gns3Client]:
        with Gns3Client(self.settings) as api:
            yield api

    def day0(self) -> dict[str, Day0]:
        return day0_configs(
            self.site, self.targets, device_credentials(), enable_secret(), hosts=server_credentials()
        )

    # --- LabProvider ------------------------------------------------------------------------------

    def up(self) -> LabStatus:
        mode = self.targets.file.gns3.day0
        day0 = self.day0()
        with self.client() as api:
            api.version()
            linux = self.targets.file.gns3.linux_day0
            result = reconcile(
                api,
                self.plan,
                self.site.name,
                day0,
                config_disk=mode != "console",
                linux_seed=linux == "cloud_init",
            )
            for line in result.created:
                log.info("gns3 %s: created %s", self.plan.name, line)
            if mode == "config_disk":
                lacking = [n.name for n in self.plan.nodes if n.kind in ("router", "switch")
                           and not result.templates[n.template or ""].create_config_disk]  # fmt: skip
                if lacking:
                    raise UsageError(
                        f"targets.yaml gns3.day0 is config_disk, but the templates of {', '.join(lacking)} "
                        "have no config disk; enable create_config_disk on them or use day0: auto"
                    )
            self._start(api, result.project.project_id, result.nodes)
            nodes = {n.name: n for n in api.nodes(result.project.project_id)}
        console = [
            n.name for n in self.plan.nodes
            if day0.get(n.name) and day0[n.name].platform == "cisco_ios"
            and (mode == "console" or not result.templates[n.template or ""].create_config_disk)
        ]  # fmt: skip
        if self.targets.file.gns3.linux_day0 == "console":
            console += [
                n.name for n in self.plan.nodes if n.name in day0 and day0[n.name].platform == "linux"
            ]
        self._bootstrap(console, nodes, day0)
        self._wait_ssh()
        return self.status()

    def _start(self, api: Gns3Client, pid: str, nodes: dict[str, Node]) -> None:
        refused: list[str] = []
        for planned in self.plan.nodes:
            node = nodes[planned.name]
            if node.status == "started":
                continue
            try:
                api.start_node(pid, node)
            except Gns3Error as exc:
                refused.append(f"{planned.name}: {exc}")
        if refused:
            first = refused[0]
            raise Gns3Error(
                f"GNS3 could not start {len(refused)} node(s) of project {self.plan.name}; "
                f"{hint_for(first)}. First: {first}"
            )

    def _console_address(self, node: Node) -> tuple[str, int]:
        if node.console is None or node.console_type != "telnet":
            raise LabError(
                f"{node.name} has no telnet console in GNS3; set console_type telnet on its template"
            )
        host = node.console_host
        if host in WILDCARDS:
            host = urlparse(self.settings.url).hostname or "127.0.0.1"
        return str(host), node.console

    def _bootstrap(self, names: list[str], nodes: dict[str, Node], day0: dict[str, Day0]) -> None:
        endpoints = self.endpoints()
        silent = ssh_silent({n: endpoints[n] for n in names}, timeout=2)
        todo = [n for n in names if n in silent]
        if not todo:
            return

        login = console_login() if any(day0[n].platform == "linux" for n in todo) else None

        async def run_all() -> None:
            jobs: list[Awaitable[BootstrapResult]] = []
            for name in todo:
                host, port = self._console_address(nodes[name])
                if day0[name].platform == "linux":
                    assert login is not None
                    jobs.append(bootstrap_linux_console(
                        name, host, port, day0[name], login, delay_factor=self.delay_factor
                    ))  # fmt: skip
                else:
                    jobs.append(
                        bootstrap_console(name, host, port, day0[name], delay_factor=self.delay_factor)
                    )
            for result in await asyncio.gather(*jobs):
                log.info("%s: day-0 typed on the console in %.1f s", result.node, result.seconds)

        asyncio.run(run_all())

    def _wait_ssh(self) -> None:
        budget = ConsoleBudgets().scaled(self.delay_factor).boot
        linux = self.targets.file.gns3.linux_day0 != "none"
        names = {n.name for n in self.site.nodes if linux or n.kind in ("router", "switch")}
        wait_for_ssh(
            {n: e for n, e in self.endpoints().items() if n in names}, budget,
            "is this machine on management.prefix (targets.yaml) through the cloud's host interface?",
        )  # fmt: skip

    def down(self, wipe: bool = False) -> list[str]:
        with self.client() as api:
            return remove(api, self.plan.name, keep_project=self.keep_project)

    def status(self) -> LabStatus:
        with self.client() as api:
            project = find_project(api, self.plan.name)
            if project is None:
                raise LabError(
                    f"no GNS3 project {self.plan.name} on {self.settings.url}; "
                    "run `mastertech lab up --target gns3`"
                )
            present = {n.name: n for n in api.nodes(project.project_id)}
        pcs = {p.name: p for p in self.site.pcs}
        endpoints = self.endpoints()
        nodes = tuple(
            NodeStatus(
                name=n.name, kind=n.kind, netns=None,
                mgmt=endpoints[n.name] if n.name in present else None,
                department=pcs[n.name].department if n.name in pcs else None,
                mail=pcs[n.name].mail_user if n.name in pcs else None,
                addresses=(str(self.targets.mgmt(n.name).address),) if n.name in present else (),
            )
            for n in self.site.nodes
        )  # fmt: skip
        missing = [n.name for n in self.plan.nodes if n.name not in present]
        stopped = [
            n.name for n in self.plan.nodes if n.name in present and present[n.name].status != "started"
        ]
        phase = "incomplete" if missing else "stopped" if stopped else "ready"
        notes = [f"GNS3 project {self.plan.name} on {self.settings.url}"]
        notes += [f"missing: {', '.join(missing)}"] if missing else []
        notes += [f"not started: {', '.join(stopped)}"] if stopped else []
        return LabStatus(self.site.name, nodes, phase, tuple(notes))

    def endpoints(self) -> dict[str, Endpoint]:
        return {m.name: Endpoint(str(m.address.ip), SSH_PORT) for m in self.targets.management}

    def runner(self) -> HostRunner:
        creds = server_credentials(generate=False)
        eps = self.endpoints()
        return SshRunner({p.name: eps[p.name] for p in self.site.pcs}, creds.password, creds.username)

    def console(self, node: str) -> ConsoleCommand:
        with self.client() as api:
            project = find_project(api, self.plan.name)
            found = (
                next((n for n in api.nodes(project.project_id) if n.name == node), None) if project else None
            )
        if found is None:
            raise LabError(
                f"no node {node} in GNS3 project {self.plan.name}; run `mastertech lab up --target gns3`"
            )
        host, port = self._console_address(found)
        return ConsoleCommand(("telnet", host, str(port)))
