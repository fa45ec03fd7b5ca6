"""Helpers of the lab tests: build a site's lab once, push the design, poll the data plane.

Every wait is a named budget and a poll; nothing sleeps blindly.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Interface
from pathlib import Path
from typing import Any, TypeVar

import pytest
from netmiko import ConnectHandler

from automation.lab import cleanup, launcher, netns
from automation.lab.state import LabPaths, labs_dir
from automation.lab.topology import plan_site
from automation.models import load_site
from automation.models.design import Site
from automation.providers.base import LabStatus
from automation.providers.embedded import to_status
from automation.secrets import device_credentials, enable_secret

ROOT = Path(__file__).resolve().parents[2]
TEST_LABS = Path("/tmp/mastertech-lab-tests")
LEASE_BUDGET = 60.0  # seconds from the pushed design to every PC holding a lease
CONVERGE_BUDGET = 30.0  # seconds for a CLI change to show in the data plane
T = TypeVar("T")

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="the embedded lab needs root (network namespaces)")


def poll(probe: Callable[[], T], budget: float, what: str, interval: float = 0.1) -> T:
    """Call `probe` until it returns something truthy; fail with its last answer after `budget`."""
    deadline = time.monotonic() + budget
    last: T = probe()
    while not last:
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {budget:.0f} s (last: {last!r})")
        time.sleep(interval)
        last = probe()
    return last


def sh(*argv: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False)


def in_ns(namespace: str, *argv: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    return sh("ip", "netns", "exec", namespace, *argv, timeout=timeout)


def pings(namespace: str, dest: str | IPv4Address, count: int = 1) -> bool:
    return in_ns(namespace, "ping", "-n", "-q", "-c", str(count), "-W", "1", str(dest)).returncode == 0


def pc_address(namespace: str) -> IPv4Interface | None:
    out = sh("ip", "-n", namespace, "-4", "-o", "addr", "show", "dev", "eth0").stdout.split()
    return IPv4Interface(out[out.index("inet") + 1]) if "inet" in out else None


def pc_gateway(namespace: str) -> IPv4Address | None:
    out = sh("ip", "-n", namespace, "route", "show", "default").stdout.split()
    return IPv4Address(out[out.index("via") + 1]) if "via" in out else None


def pc_resolv(namespace: str) -> str:
    path = Path("/etc/netns") / namespace / "resolv.conf"
    return path.read_text(encoding="utf-8") if path.exists() else ""


def lab_namespaces() -> set[str]:
    return {n for n in netns.list_namespaces() if n.startswith("mt-")}


@dataclass
class Lab:
    site: Site
    status: LabStatus
    paths: LabPaths
    up_seconds: float

    def netns(self, node: str) -> str:
        ns = self.status.node(node).netns
        assert ns is not None
        return ns

    def connect(self, node: str) -> Any:
        mgmt = self.status.node(node).mgmt
        assert mgmt is not None
        creds = device_credentials()
        return ConnectHandler(
            device_type="cisco_ios", host=mgmt.host, port=mgmt.port, username=creds.username,
            password=creds.password, secret=enable_secret(), fast_cli=False,
        )  # fmt: skip

    def configure(self, node: str, lines: list[str]) -> str:
        with self.connect(node) as conn:
            out: str = conn.send_config_set(lines, read_timeout=60)
        return out

    def show(self, node: str, command: str, parse: bool = False) -> Any:
        with self.connect(node) as conn:
            return conn.send_command(command, use_textfsm=parse, read_timeout=60)

    def push_design(self) -> dict[str, list[str]]:
        """The rendered IOS config of every device, over SSH; returns the lines IOS rejected."""
        from automation.render import render_device

        def push(name: str) -> tuple[str, list[str]]:
            lines = [
                line for line in render_device(self.site, name).splitlines()
                if line.strip() not in ("", "!", "end")
            ]  # fmt: skip
            out = self.configure(name, lines)
            return name, [line for line in out.splitlines() if line.startswith("%")]

        with ThreadPoolExecutor(max_workers=8) as pool:
            return dict(pool.map(push, self.site.devices()))


@contextmanager
def running_lab(site_name: str) -> Iterator[Lab]:
    """The lab of a site, fresh (day-0 devices), torn down (and wiped) whatever happens."""
    if launcher.running_state(LabPaths(labs_dir() / site_name)) is not None and labs_dir() != TEST_LABS:
        pytest.skip(f"a {site_name} lab is running in {labs_dir()}; the tests would take its namespaces")
    previous = os.environ.get("MASTERTECH_LAB_DIR")
    os.environ["MASTERTECH_LAB_DIR"] = str(TEST_LABS)
    site = load_site(ROOT / "inventory" / site_name)
    paths = LabPaths.for_site(site_name)
    namespaces = plan_site(site).namespaces()
    try:
        # A lab leaked by an earlier, failed run is removed first, NVRAM included.
        cleanup.teardown(paths, namespaces, wipe=True)
        result = launcher.up(site)
        try:
            yield Lab(site, to_status(result.state), paths, result.seconds)
        finally:
            cleanup.teardown(paths, namespaces, wipe=True)
            launcher.reap_controllers()
    finally:
        if previous is None:
            os.environ.pop("MASTERTECH_LAB_DIR", None)
        else:
            os.environ["MASTERTECH_LAB_DIR"] = previous
