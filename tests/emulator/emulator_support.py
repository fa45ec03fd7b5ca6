"""Shared helpers of the emulator tests: credentials, a stub data plane, device specs, a raw shell."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from ipaddress import IPv4Address, IPv4Network
from pathlib import Path
from typing import Any

import paramiko

from automation.emulator.dataplane import (
    CdpNeighbor,
    ConfigOnlyDataPlane,
    DhcpBinding,
    MacEntry,
    OspfNeighbor,
    Route,
)
from automation.emulator.device import DeviceSpec, day0_config
from automation.emulator.login import LoginPolicy

USER = "admin"
PASSWORD = "Adm1n-pw"
SECRET = "En4ble-pw"
OPERATOR = "oper"  # privilege 1 user
OPERATOR_PASSWORD = "0per-pw"


class StubbedLabPlane(ConfigOnlyDataPlane):
    """A data plane with neighbours, leases and MACs, standing in for the lab in output tests."""

    async def routes(self) -> list[Route]:
        routes = await super().routes()
        return [
            *routes,
            Route(
                "O",
                IPv4Network("192.168.40.0/24"),
                IPv4Address("10.0.12.2"),
                "GigabitEthernet0/0",
                110,
                2,
                timedelta(minutes=5),
            ),
        ]

    async def ospf_neighbors(self) -> list[OspfNeighbor]:
        return [
            OspfNeighbor(
                IPv4Address("10.255.0.2"),
                1,
                "FULL/DR",
                timedelta(seconds=38),
                IPv4Address("10.0.12.2"),
                "GigabitEthernet0/0",
            )
        ]

    async def dhcp_bindings(self) -> list[DhcpBinding]:
        return [DhcpBinding(IPv4Address("192.168.10.10"), "0152.5400.aabb.01")]

    async def mac_table(self) -> list[MacEntry]:
        return [MacEntry(10, "5254.00aa.bb01", "DYNAMIC", "GigabitEthernet1/0")]

    async def cdp_neighbors(self) -> list[CdpNeighbor]:
        return [
            CdpNeighbor(
                "R2.mastertech.com",
                "GigabitEthernet0/0",
                "GigabitEthernet0/0",
                "IOSv",
                "R B S I",
                IPv4Address("10.0.12.2"),
            )
        ]


# The shared devices take any number of wrong passwords (tests of other things guess on purpose);
# tests of `login block-for` pass their own small policy.
LENIENT_LOGIN = LoginPolicy(attempts=100_000, within=1.0, block_for=0.0, per_connection=3)


def device_spec(
    tmp: Path,
    hostname: str,
    kind: str,
    *,
    dataplane: object | None = None,
    extra: str = "",
    login_policy: LoginPolicy = LENIENT_LOGIN,
) -> DeviceSpec:
    day0 = day0_config(hostname, USER, PASSWORD, enable_secret=SECRET, domain_name="mt.com")
    day0 = day0.replace("end\n", f"username {OPERATOR} secret {OPERATOR_PASSWORD}\n{extra}end\n")
    return DeviceSpec(
        hostname,
        kind,
        tmp / hostname,
        day0_config=day0,
        dataplane=dataplane,
        login_policy=login_policy,  # type: ignore[arg-type]
    )


class RawShell:
    """A PTY shell over paramiko that returns the exact bytes the device sent."""

    def __init__(
        self, port: int, username: str = USER, password: str = PASSWORD, *, paged: bool = False
    ) -> None:
        """A logged-in shell; unless `paged`, it sends `terminal length 0` first, as every client
        does (a vty pages at 24 lines by default)."""
        self.client = paramiko.SSHClient()
        self.client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
        self.client.connect(
            "127.0.0.1",
            port=port,
            username=username,
            password=password,
            look_for_keys=False,
            allow_agent=False,
            timeout=10,
        )
        self.chan = self.client.invoke_shell(width=511, height=1000)
        self.buf = b""
        self.banner = self.read_until(rb"[>#]$")
        if not paged:
            self.cmd("terminal length 0")

    def send(self, data: bytes) -> None:
        self.chan.sendall(data)

    def read_until(self, pattern: bytes, timeout: float = 10) -> bytes:
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while not rx.search(self.buf):
            if time.monotonic() > deadline:
                raise TimeoutError(f"no {pattern!r} in {self.buf[-300:]!r}")
            self.chan.settimeout(max(0.05, deadline - time.monotonic()))
            try:
                chunk = self.chan.recv(65536)
            except TimeoutError:
                continue
            if not chunk:
                raise EOFError(self.buf)
            self.buf += chunk
        m = rx.search(self.buf)
        assert m is not None
        out, self.buf = self.buf[: m.end()], self.buf[m.end() :]
        return out

    def cmd(self, line: str, end: bytes = rb"[>#]$") -> bytes:
        self.send(line.encode() + b"\n")
        return self.read_until(end)

    def quiet(self, seconds: float = 0.3) -> bytes:
        """Whatever arrives within `seconds` (to prove that nothing more was sent)."""
        self.chan.settimeout(seconds)
        try:
            return self.chan.recv(65536)
        except TimeoutError:
            return b""

    def close(self) -> None:
        self.client.close()


def open_napalm(port: int, **optional: object) -> Any:
    """A connected NAPALM `ios` driver for the device on `port` (the caller closes it)."""
    from napalm import get_network_driver

    driver = get_network_driver("ios")
    device = driver(
        "127.0.0.1", USER, PASSWORD, timeout=30, optional_args={"port": port, "secret": SECRET, **optional}
    )
    device.open()
    return device
