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
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from automation.emulator.device import DeviceSpec, day0_config
from automation.emulator.server import EmulatorServer
from automation.errors import LabError
from automation.lab import cleanup, pcs, pcsshd, process
from automation.lab.dataplane import NetnsDataPlane
from automation.lab.fabric import VethFabric
from automation.lab.forwarder import Forwarder
from automation.lab.names import frr_pathspace
from automation.lab.network import LabNetwork
from automation.lab.process import ProcessRecord
from automation.lab.servers import ServerNodeLike, server_node_class
from automation.lab.state import LabPaths, LabState, NodeRecord, write_state
from automation.lab.topology import LabNode, LabPlan, plan_from_dict
from automation.providers.base import Endpoint
from automation.secrets import device_credentials, enable_secret, linux_lab_credentials

log = logging.getLogger(__name__)

SSH_BUDGET = 30.0  # seconds for every device's SSH endpoint to answer after the emulator started


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

    def __post_init__(self) -> None:
        self.state = LabState(site=self.plan.site)
        self.network = LabNetwork(self.plan, VethFabric(), self.paths.run, on_process=self._recorded)

    # --- state ------------------------------------------------------------------------------

    def _recorded(self, rec: ProcessRecord) -> None:
        self.state.processes = [p for p in self.state.processes if process.alive(p)] + [rec]
        self._save()

    def _save(self) -> None:
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
        self.state.phase = "ready"
        self._save()
        log.info("lab %s ready", self.plan.site)
        await stop.wait()
        self.state.phase = "stopping"
        self._save()
        await self._down()
        return 0

    async def _up(self) -> None:
        t0 = time.monotonic()
        self.paths.run.mkdir(parents=True, exist_ok=True)
        await asyncio.to_thread(self.network.build)
        log.info("namespaces, cables and FRR up in %.2f s", time.monotonic() - t0)
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
        for name, host in self.emulator.hosts.items():
            rec = next(r for r in self.state.nodes if r.name == name)
            rec.mgmt = {"host": host.address, "port": host.port}
        self._save()
        log.info("emulator serving %d devices at %.2f s", len(specs), time.monotonic() - t0)
        await asyncio.to_thread(self._hosts)
        await self._servers()
        await self._wait_ssh()
        log.info("all nodes reachable at %.2f s", time.monotonic() - t0)

    def _hosts(self) -> None:
        script = pcs.write_script(self.paths.run)
        for node in self.plan.nodes:
            if node.kind == "pc" and node.pc is not None and node.pc.address is None:
                proc, rec = pcs.start_dhcp_client(node, script, self.paths.run / "pcs")
                self.children[proc.pid] = proc
                self._recorded(rec)
            elif node.kind in ("pc", "server"):
                pcs.configure_static(node, self.plan.dns_server, self.plan.domain)
        password = linux_lab_credentials().password
        for node in self.plan.nodes:
            if node.kind != "pc":
                continue
            proc, rec, forwarder = pcsshd.start(node, self.paths.run, password)
            self.children[proc.pid] = proc
            self.forwarders.append(forwarder)
            self._recorded(rec)
            record = next(r for r in self.state.nodes if r.name == node.name)
            record.mgmt = {"host": "127.0.0.1", "port": forwarder.port}

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
            rec = next(r for r in self.state.nodes if r.name == node.name)
            rec.mgmt = {"host": host, "port": port}

        results = await asyncio.gather(*(asyncio.to_thread(start, n) for n in nodes), return_exceptions=True)
        for node, result in zip(nodes, results, strict=True):
            if isinstance(result, BaseException):
                log.error("%s: server node failed: %s", node.name, result)
                self.state.notes.append(f"{node.name}: server services failed to start: {result}")
        self._save()

    async def _wait_ssh(self) -> None:
        deadline = time.monotonic() + SSH_BUDGET
        for rec in self.state.nodes:
            if rec.mgmt is None or rec.kind not in ("router", "switch", "pc"):
                continue
            endpoint = Endpoint(rec.mgmt["host"], int(rec.mgmt["port"]))
            while not await asyncio.to_thread(ssh_answers, endpoint):
                if time.monotonic() > deadline:
                    raise LabError(
                        f"{rec.name}: SSH at {endpoint.host}:{endpoint.port} "
                        f"did not answer within {SSH_BUDGET:.0f} s"
                    )
                await asyncio.sleep(0.05)

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
        plan = plan_from_dict(json.loads(paths.plan.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError) as exc:
        log.error("cannot read the lab plan %s: %s", paths.plan, exc)
        return 2
    controller = Controller(plan, paths)
    return asyncio.run(controller.run())


if __name__ == "__main__":
    sys.exit(main())
