"""What the supervisor watches of each kind of lab node, and how each daemon is started again.

Routers: zebra, staticd and ospfd (revived from the configuration last pushed to them) and
dnsmasq (from its last configuration), each checked and restarted under the network's lock so
that neither races a configuration change. PCs: the DHCP client and sshd. Server nodes: the
node itself (its PID 1: a reboot keeps its files and its endpoint), sshd, and each service once
it has been seen running (DNS, mail, web are started by the playbooks, not by the lab). Routers
and switches: the emulator's SSH listener.
"""

from __future__ import annotations

import asyncio
import subprocess
import threading
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TypeVar

from automation.emulator.server import DeviceHost
from automation.lab import frr_config, pcs, pcsshd, process
from automation.lab.budgets import BUDGETS
from automation.lab.dhcp import DnsmasqInstance
from automation.lab.forwarder import Forwarder
from automation.lab.network import DeviceState
from automation.lab.process import ProcessRecord
from automation.lab.servers import ServerNodeLike
from automation.lab.supervisor import Daemon
from automation.lab.topology import LabNode

T = TypeVar("T")

SERVICE_GRACE = 3.0  # seconds a server service may be gone (a playbook's restart) before it is dead
SERVER_SERVICES = ("named", "postfix", "dovecot", "nginx")


def _locked(lock: threading.Lock, fn: Callable[[], T]) -> Callable[[], T]:
    def run() -> T:
        with lock:
            return fn()

    return run


def router(state: DeviceState, lock: threading.Lock) -> list[Daemon]:
    """FRR's daemons and dnsmasq of one router."""
    name = state.node.name
    instance, dnsmasq = state.frr, state.dnsmasq
    assert instance is not None and dnsmasq is not None
    out = [
        Daemon(
            name, daemon,
            alive=_locked(lock, partial(instance.alive, daemon)),
            restart=_locked(lock, partial(instance.revive, daemon)),
        )
        for daemon in frr_config.DAEMONS
    ]  # fmt: skip
    out.append(
        Daemon(
            name, "dnsmasq",
            alive=_locked(lock, lambda: dnsmasq.conf_text is None or dnsmasq.running()),
            restart=_locked(lock, partial(_respawn_dnsmasq, dnsmasq)),
        )
    )  # fmt: skip
    return out


def _respawn_dnsmasq(dnsmasq: DnsmasqInstance) -> None:
    dnsmasq.apply(dnsmasq.conf_text)  # not running: started again with the same configuration


class Respawn:
    """A process the controller spawned itself, started again the same way when it dies."""

    def __init__(
        self,
        start: Callable[[], tuple[subprocess.Popen[bytes], ProcessRecord]],
        children: dict[int, subprocess.Popen[bytes]],
        on_start: Callable[[ProcessRecord], None],
    ) -> None:
        self.start_fn, self.children, self.on_start = start, children, on_start
        self.record: ProcessRecord | None = None

    def start(self) -> None:
        for pid, proc in list(self.children.items()):
            if proc.poll() is not None:
                del self.children[pid]
        proc, rec = self.start_fn()
        self.children[proc.pid] = proc
        self.record = rec
        self.on_start(rec)

    def alive(self) -> bool:
        return self.record is not None and process.alive(self.record)


def pc(
    node: LabNode,
    run_dir: Path,
    password: str,
    dhcp_script: Path | None,
    children: dict[int, subprocess.Popen[bytes]],
    on_start: Callable[[ProcessRecord], None],
) -> tuple[list[Daemon], Forwarder]:
    """Start a PC's daemons (udhcpc when it takes DHCP, sshd) and return their watches and the
    sshd's loopback forwarder (it outlives sshd restarts: it connects anew for each session)."""
    daemons: list[Daemon] = []
    if dhcp_script is not None:
        script = dhcp_script
        udhcpc = Respawn(lambda: pcs.start_dhcp_client(node, script, run_dir / "pcs"), children, on_start)
        udhcpc.start()
        daemons.append(Daemon(node.name, "udhcpc", alive=udhcpc.alive, restart=udhcpc.start))
    forwarder = pcsshd.forwarder(node)
    sshd = Respawn(lambda: pcsshd.start(node, run_dir, password), children, on_start)
    sshd.start()
    daemons.append(Daemon(node.name, "sshd", alive=sshd.alive, restart=sshd.start))
    return daemons, forwarder


class _Service:
    """A server service, supervised from the first time it is seen running."""

    def __init__(self, server: ServerNodeLike, service: str, armed: bool = False) -> None:
        self.server, self.service, self.armed = server, service, armed

    def alive(self) -> bool:
        running = self.server.service_running(self.service)
        self.armed = self.armed or running
        return running or not self.armed

    def restart(self) -> None:
        self.server.start_service(self.service)


def server(name: str, node: ServerNodeLike, on_reboot: Callable[[], None]) -> list[Daemon]:
    """The node itself, its sshd (started by its init) and its services."""

    def reboot() -> None:
        node.revive()
        on_reboot()

    out = [Daemon(name, "node", alive=node.alive, restart=reboot)]
    sshd = _Service(node, "ssh", armed=True)
    out.append(Daemon(name, "sshd", alive=sshd.alive, restart=sshd.restart, grace=SERVICE_GRACE))
    for service in SERVER_SERVICES:
        watch = _Service(node, service)
        out.append(Daemon(name, service, alive=watch.alive, restart=watch.restart, grace=SERVICE_GRACE))
    return out


def listener(host: DeviceHost, loop: asyncio.AbstractEventLoop) -> Daemon:
    """The emulator's SSH listener of one device (checked from the supervisor's thread)."""

    def reopen() -> None:
        asyncio.run_coroutine_threadsafe(host.relisten(), loop).result(BUDGETS.listener_reopen)

    return Daemon(host.spec.hostname, "ssh listener", alive=host.serving, restart=reopen)
