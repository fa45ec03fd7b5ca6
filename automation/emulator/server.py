"""Serve many emulated devices from one asyncio loop: the API the lab and the tests use.

specs = [DeviceSpec("R1", "router", Path("state/R1"), "127.0.0.11", 22, day0_config=...)]
async with EmulatorServer(specs) as server:      # in an asyncio program
    host = server.hosts["R1"]; host.port; host.device.config

with ThreadedEmulator(specs) as server:          # from synchronous code (tests, scripts)
    ...
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Iterable
from concurrent.futures import Future
from types import TracebackType
from typing import Any

import asyncssh

from automation.emulator.device import Device, DeviceSpec
from automation.emulator.errors import EmulatorError
from automation.emulator.ssh import start_ssh

log = logging.getLogger(__name__)


class DeviceHost:
    """One device and its SSH listener."""

    def __init__(self, spec: DeviceSpec) -> None:
        self.spec = spec
        self.device = Device(spec)
        self._acceptor: asyncssh.SSHAcceptor | None = None
        self.port = spec.port

    @property
    def address(self) -> str:
        return self.spec.address

    @property
    def endpoint(self) -> tuple[str, int]:
        return (self.spec.address, self.port)

    async def start(self) -> None:
        await self.device.boot()
        try:
            self._acceptor = await start_ssh(self.device, self.spec.address, self.spec.port)
        except OSError as exc:
            raise EmulatorError(
                f"{self.spec.hostname}: cannot listen on {self.spec.address}:{self.spec.port}: {exc}"
            ) from exc
        sockets = self._acceptor.sockets
        self.port = sockets[0].getsockname()[1] if sockets else self.spec.port
        log.info("%s: listening on %s:%d", self.spec.hostname, self.spec.address, self.port)

    def serving(self) -> bool:
        """True while the SSH listener accepts connections (for the lab's supervisor)."""
        return self._acceptor is not None and any(sock.fileno() >= 0 for sock in self._acceptor.sockets)

    async def relisten(self) -> None:
        """Open the SSH listener again, on the same port, after it closed; the device is unchanged."""
        if self._acceptor is not None:
            self._acceptor.close()
            await self._acceptor.wait_closed()
        self._acceptor = await start_ssh(self.device, self.spec.address, self.port)
        log.warning("%s: listening again on %s:%d", self.spec.hostname, self.spec.address, self.port)

    async def stop(self) -> None:
        if self._acceptor is not None:
            self._acceptor.close()
            await self._acceptor.wait_closed()
            self._acceptor = None
        await self.device.close()


class EmulatorServer:
    """Devices served together in the running asyncio loop. Names (hostnames) must be unique."""

    def __init__(self, specs: Iterable[DeviceSpec]) -> None:
        self.hosts: dict[str, DeviceHost] = {}
        for spec in specs:
            if spec.hostname in self.hosts:
                raise EmulatorError(f"two devices are named {spec.hostname}; names must be unique")
            self.hosts[spec.hostname] = DeviceHost(spec)

    async def start(self) -> None:
        try:
            await asyncio.gather(*(host.start() for host in self.hosts.values()))
        except BaseException:
            await self.stop()
            raise

    async def add(self, spec: DeviceSpec) -> DeviceHost:
        """Start one more device while serving."""
        if spec.hostname in self.hosts:
            raise EmulatorError(f"a device named {spec.hostname} is already served")
        host = DeviceHost(spec)
        await host.start()
        self.hosts[spec.hostname] = host
        return host

    async def remove(self, hostname: str) -> None:
        host = self.hosts.pop(hostname)
        await host.stop()

    async def stop(self) -> None:
        await asyncio.gather(*(host.stop() for host in self.hosts.values()), return_exceptions=True)

    async def __aenter__(self) -> EmulatorServer:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()


class ThreadedEmulator:
    """An `EmulatorServer` running in its own thread and event loop, for synchronous callers."""

    def __init__(self, specs: Iterable[DeviceSpec]) -> None:
        self.server = EmulatorServer(specs)
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name="ios-emulator", daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    def call(self, coro: Any, timeout: float = 60) -> Any:
        """Run a coroutine in the emulator's loop and return its result."""
        future: Future[Any] = asyncio.run_coroutine_threadsafe(coro, self.loop)
        return future.result(timeout)

    @property
    def hosts(self) -> dict[str, DeviceHost]:
        return self.server.hosts

    def start(self) -> ThreadedEmulator:
        self._thread.start()
        self.call(self.server.start())
        return self

    def stop(self) -> None:
        if not self._thread.is_alive():
            return
        try:
            self.call(self.server.stop())
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(10)
            self.loop.close()

    def __enter__(self) -> ThreadedEmulator:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
