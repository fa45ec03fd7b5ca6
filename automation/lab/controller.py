"""The lab controller: one background process that owns a running lab.

It builds the namespaces and cables, serves every router and switch from one IOS emulator event
loop (each with a `NetnsDataPlane`), starts the PCs' DHCP clients and the server nodes, records all
of it in the state file, reports `ready`, and tears everything down on SIGTERM.

Run by `automation.lab.launcher` as `python -m automation.lab.controller --lab-dir DIR`, with the
lab's plan (nodes, namespaces, cables, endpoints) in DIR/plan.json.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from automation.emulator.device import DeviceSpec, day0_config
from automation.emulator.server import EmulatorServer
from automation.errors import LabError
from automation.lab import cleanup, pcs, process, watches
from automation.lab.budgets import BUDGETS, INTERVALS
from automation.lab.dataplane import NetnsDataPlane
from automation.lab.fabric import VethFabric
from automation.lab.forwarder import Forwarder
from automation.lab.names import frr_pathspace
from automation.lab.network import LabNetwork
from automation.lab.process import ProcessRecord
from automation.lab.servers import ServerNodeLike, server_node_class
from automation.lab.state import LabPaths, LabState, NodeRecord, write_state
from automation.lab.supervisor import Supervisor, lab_phase
from automation.lab.topology import LabNode, LabPlan, plan_from_json
from automation.polling import until_async
from automation.secrets import device_credentials, enable_secret, linux_lab_credentials
from automation.status import FAILED, Endpoint, Health

log = logging.getLogger(__name__)


@dataclass
class Controller:
    plan: LabPlan
    paths: LabPaths
    state: LabState = field(init=False)
    network: LabNetwork = field(init=False)
    children: dict[int, subprocess.Popen[bytes]] = field(default_factory=dict)
    servers: dict[str, ServerNodeLike] = field(default_factory=dict)
    forwarders: list[Forwarder] = field(default_factory=list)
    emulator: EmulatorServer | None = None
    supervisor: Supervisor = field(default_factory=Supervisor)
    start_failures: dict[str, str] = field(default_factory=dict)  # node -> why it never started
    _save_lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.state = LabState(site=self.plan.site)
        self.network = LabNetwork(self.plan, VethFabric(), self.paths.run, on_process=self._recorded)

    # --- state ------------------------------------------------------------------------------

    def _recorded(self, rec: ProcessRecord) -> None:
        self.state.processes = [p for p in self.state.processes if process.alive(p)] + [rec]
        self._save()

    def _save(self) -> None:
        # The PCs, the server nodes and the event loop start side by side: one writer at a time.
        with self._save_lock:
            write_state(self.paths, self.state)

    # --- life cycle -------------------------------------------------------------------------

    async def run(self) -> int:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        self.state.controller = process.record("controller", os.getpid())
        self.state.namespaces = list(self.plan.namespaces())
        self.state.pathspaces = [frr_pathspace(n.netns) for n in self.plan.nodes if n.kind == "router"]
        self.state.nodes = [self._node_record(n, n.mgmt) for n in self.plan.nodes]
        self._save()
        try:
            await self._up()
        except Exception as exc:
            log.exception("lab %s failed to start", self.plan.site)
            self.state.phase, self.state.error = "failed", str(exc)
            self._save()
            await self._down(keep_record=True)
            return 1
        self._update_health()
        self._save()
        log.info("lab %s %s", self.plan.site, self.state.phase)
        supervision = asyncio.create_task(self._supervise(stop))
        await stop.wait()
        self.supervisor.stop()
        with contextlib.suppress(TimeoutError):
            # A restart under way (a server's service start) ends on its own budget.
            await asyncio.wait_for(supervision, BUDGETS.supervise_stop)
        self.state.phase = "stopping"
        self._save()
        await self._down()
        return 0

    # --- supervision and health ---------------------------------------------------------------

    async def _supervise(self, stop: asyncio.Event) -> None:
        """Check every daemon a few times a second until the lab stops; save health changes."""
        while not stop.is_set():
            try:
                changed = await asyncio.to_thread(self.supervisor.check)
                if self._update_health() or changed:
                    self._save()
            except Exception:  # supervision must outlive any one failure
                log.exception("supervision pass failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), INTERVALS.supervise)

    def _update_health(self) -> bool:
        """Every node's health and the lab's phase into the state; True when anything changed."""
        healths = []
        changed = False
        for rec in self.state.nodes:
            problems: list[str] = []
            if rec.name in self.start_failures:
                health = Health(FAILED, (self.start_failures[rec.name],))
            else:
                if self.emulator is not None and rec.name in self.emulator.hosts:
                    problems += self.emulator.hosts[rec.name].device.dataplane_problems
                health = self.supervisor.health(rec.name, problems)
            healths.append(health)
            if rec.health != health.as_json():
                rec.health = health.as_json()
                changed = True
        phase = lab_phase(healths)
        if phase != self.state.phase:
            log.info("lab %s is %s", self.plan.site, phase)
            self.state.phase = phase
            changed = True
        return changed

    async def _up(self) -> None:
        t0 = time.monotonic()
        self.paths.run.mkdir(parents=True, exist_ok=True)
        await asyncio.to_thread(self.network.build)
        for device in self.network.devices.values():
            if device.frr is not None:
                for daemon in watches.router(device, self.network.lock):
                    self.supervisor.watch(daemon)
        log.info("namespaces, cables and FRR up in %.2f s", time.monotonic() - t0)
        # Server nodes take the longest to boot: they start now, beside the emulator and the PCs.
        servers = asyncio.create_task(self._servers())
        try:
            await self._devices_and_hosts(t0)
        finally:
            await servers
        await self._wait_ssh()
        log.info("all nodes reachable at %.2f s", time.monotonic() - t0)

    async def _devices_and_hosts(self, t0: float) -> None:
        creds = device_credentials()
        specs = []
        for node in self.plan.devices():
            assert node.mgmt is not None
            day0 = day0_config(
                node.name,
                creds.username,
                creds.password,
                enable_secret=enable_secret(),
                domain_name=self.plan.domain,
            )
            specs.append(
                DeviceSpec(
                    hostname=node.name,
                    kind="router" if node.kind == "router" else "switch",
                    state_dir=self.paths.device(node.name),
                    address=node.mgmt.host,
                    port=node.mgmt.port,
                    day0_config=day0,
                    dataplane=NetnsDataPlane(self.network, node.name),
                )
            )
        self.emulator = EmulatorServer(specs)
        await self.emulator.start()
        loop = asyncio.get_running_loop()
        for host in self.emulator.hosts.values():
            self.supervisor.watch(watches.listener(host, loop))
        for name, host in self.emulator.hosts.items():
            self._record(name).mgmt = {"host": host.address, "port": host.port}
        self._save()
        log.info("emulator serving %d devices at %.2f s", len(specs), time.monotonic() - t0)
        await asyncio.to_thread(self._hosts)

    def _hosts(self) -> None:
        script = pcs.write_script(self.paths.run)
        password = linux_lab_credentials().password
        for node in self.plan.nodes:
            dhcp = node.kind == "pc" and node.pc is not None and node.pc.address is None
            if node.kind in ("pc", "server") and not dhcp:
                pcs.configure_static(node, self.plan.dns_server, self.plan.domain)
            if node.kind != "pc":
                continue
            daemons, forwarder = watches.pc(
                node, self.paths.run, password, script if dhcp else None, self.children, self._recorded
            )
            for daemon in daemons:
                self.supervisor.watch(daemon)
            self.forwarders.append(forwarder)
            self._record(node.name).mgmt = {"host": "127.0.0.1", "port": forwarder.port}

    def _record(self, name: str) -> NodeRecord:
        return next(r for r in self.state.nodes if r.name == name)

    async def _servers(self) -> None:
        cls, why = server_node_class()
        nodes = [n for n in self.plan.nodes if n.kind == "server" and n.server is not None]
        if not nodes:
            return
        if cls is None:
            self.state.notes.append(why or "server services are not available")
            self._save()
            return

        def start(node: LabNode) -> None:
            assert cls is not None and node.server is not None
            server = cls(name=node.name, netns=node.netns, lab_dir=self.paths.run, design=node.server)
            self.servers[node.name] = server
            server.start()
            host, port = server.ssh_endpoint()
            self._record(node.name).mgmt = {"host": host, "port": port}
            self._server_init(node.name)

        results = await asyncio.gather(*(asyncio.to_thread(start, n) for n in nodes), return_exceptions=True)
        for node, result in zip(nodes, results, strict=True):
            if isinstance(result, BaseException):
                log.error("%s: server node failed: %s", node.name, result)
                self.state.notes.append(f"{node.name}: server services failed to start: {result}")
                self.start_failures[node.name] = f"server node failed to start: {result}"
            else:
                server = self.servers[node.name]
                for daemon in watches.server(node.name, server, partial(self._server_init, node.name)):
                    self.supervisor.watch(daemon)
        self._save()

    def _server_init(self, name: str) -> None:
        """Record a server node's PID 1 (after each boot): `lab exec` enters its namespaces."""
        server = self.servers[name]
        if server.pid is not None and server.pid_start is not None:
            self._record(name).init = {"pid": server.pid, "start": server.pid_start}

    async def _wait_ssh(self) -> None:
        """Every device and PC answers SSH, all within one budget."""
        deadline = time.monotonic() + BUDGETS.device_ssh
        for rec in self.state.nodes:
            if rec.mgmt is None or rec.kind not in ("router", "switch", "pc"):
                continue
            endpoint = Endpoint(rec.mgmt["host"], int(rec.mgmt["port"]))
            left = max(0.0, deadline - time.monotonic())
            if not await until_async(partial(asyncio.to_thread, ssh_answers, endpoint), left, INTERVALS.ssh):
                raise LabError(
                    f"{rec.name}: SSH at {endpoint.host}:{endpoint.port} "
                    f"did not answer within {BUDGETS.device_ssh:.0f} s"
                )

    async def _down(self, keep_record: bool = False) -> None:
        if self.emulator is not None:
            await self.emulator.stop()
        for name, server in self.servers.items():
            try:
                await asyncio.to_thread(server.stop)
            except Exception:
                log.exception("%s: server node did not stop cleanly", name)
        for forwarder in self.forwarders:
            forwarder.close()
        process.stop(self.state.processes, children=self.children)
        await asyncio.to_thread(self.network.stop_daemons)
        await asyncio.to_thread(cleanup.teardown, self.paths, self.plan.namespaces(), False, keep_record)

    @staticmethod
    def _node_record(node: LabNode, mgmt: Endpoint | None) -> NodeRecord:
        return NodeRecord(
            name=node.name,
            kind=node.kind,
            netns=node.netns,
            mgmt={"host": mgmt.host, "port": mgmt.port} if mgmt else None,
            department=node.pc.department if node.pc else None,
            mail=node.pc.mail_user if node.pc else None,
        )


def ssh_answers(endpoint: Endpoint, timeout: float = 1.0) -> bool:
    """True when an SSH server at `endpoint` sends its version banner."""
    try:
        with socket.create_connection((endpoint.host, endpoint.port), timeout=timeout) as sock:
            sock.settimeout(timeout)
            return sock.recv(64).startswith(b"SSH-")
    except OSError:
        return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m automation.lab.controller")
    parser.add_argument("--lab-dir", required=True, help="the lab directory holding plan.json")
    parser.add_argument("--debug", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.debug else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("asyncssh").setLevel(logging.WARNING)
    paths = LabPaths(Path(args.lab_dir))
    try:
        plan = plan_from_json(paths.plan.read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError) as exc:
        log.error("cannot read the lab plan %s: %s", paths.plan, exc)
        return 2
    controller = Controller(plan, paths)
    return asyncio.run(controller.run())


if __name__ == "__main__":
    sys.exit(main())
