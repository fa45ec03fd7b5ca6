"""The console bootstrap, for real: the emulator serves a fresh device (`emulator serve
--first-boot --console-port`) in its own process, our bootstrap answers the first-boot dialogue
and types the day-0 over telnet, and netmiko then logs in over SSH with the day-0 credentials.
Then a deploy of the intended config of the gns3 target keeps the management port as day-0 set it.

Budgets are the real ones scaled down (`FAST`): the emulator answers at once, so a stuck dialogue
fails in seconds instead of minutes."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from netmiko import BaseConnection, ConnectHandler
from providers_support import copy_site

from automation.deploy import deploy_site
from automation.models.design import Site
from automation.models.load import load_site
from automation.models.targets import intended_site, load_targets
from automation.providers.base import Endpoint
from automation.providers.day0 import day0_configs
from automation.providers.gns3.console import ConsoleBudgets, bootstrap_console
from automation.secrets import Credentials, device_credentials

TARGETS = "management:\n  addresses: {R1: 127.0.0.1}\n  prefix: 127.0.0.0/8\n"
FAST = ConsoleBudgets().scaled(0.05)  # connect 3 s, boot 30 s, a line 1.5 s, the RSA keys 6 s


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def fresh_r1(tmp_path: Path) -> Iterator[tuple[int, int]]:
    ssh, console = _free_port(), _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MASTERTECH_PASSWORD")}
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "mastertech"), "emulator", "serve",
         "--hostname", "R1", "--port", str(ssh),
         "--console-port", str(console), "--first-boot", "--state-dir", str(tmp_path / "R1")],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", console)) == 0:
                    break
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            time.sleep(0.2)
        yield ssh, console
    finally:
        proc.terminate()
        proc.wait(10)


def _bootstrap(tmp_path: Path, console: int) -> Site:
    site = load_site(copy_site(tmp_path, targets=TARGETS))
    hosts = Credentials("root", "host-1", "test")
    day0 = day0_configs(site, load_targets(site), device_credentials(), "day0-enable-1", hosts=hosts)["R1"]
    result = asyncio.run(bootstrap_console("R1", "127.0.0.1", console, day0, budgets=FAST))
    assert result.answered == ("setup", "press_return", "user", "privileged")
    return site


def _connect(ssh: int) -> BaseConnection:
    creds = device_credentials()
    return ConnectHandler(device_type="cisco_ios", host="127.0.0.1", port=ssh, username=creds.username,
                          password=creds.password, secret="day0-enable-1")  # fmt: skip


def test_bootstrap_over_the_console_then_netmiko_logs_in(fresh_r1: tuple[int, int], tmp_path: Path) -> None:
    ssh, console = fresh_r1
    _bootstrap(tmp_path, console)
    with _connect(ssh) as conn:
        assert conn.find_prompt() == "R1#"
        running = conn.send_command("show running-config")
        assert "ip domain name mastertech.com" in running and "ip ssh version 2" in running
        assert "ip address 127.0.0.1 255.0.0.0" in running
        assert "hostname R1" in conn.send_command("show startup-config")  # written by `write memory`


MGMT_PORT = (
    "interface GigabitEthernet0/3\n description out-of-band management\n ip address 127.0.0.1 255.0.0.0\n"
    " duplex auto\n speed auto\n media-type rj45\n!"
)


def test_deploy_for_gns3_keeps_the_management_port_up(fresh_r1: tuple[int, int], tmp_path: Path) -> None:
    ssh, console = fresh_r1
    site = _bootstrap(tmp_path, console)
    gns3 = intended_site(site, "gns3")
    endpoints = {"R1": Endpoint("127.0.0.1", ssh)}
    run = deploy_site(gns3, endpoints, log_root=tmp_path / "logs", limit="R1")
    assert run.report.ok, run.report.as_json()
    (host,) = run.report.hosts
    assert host.changed and not any("GigabitEthernet0/3" in c for c in host.commands)
    with _connect(ssh) as conn:
        assert MGMT_PORT in conn.send_command("show running-config")
        brief = conn.send_command("show ip interface brief", use_textfsm=True)
    gi03 = next(r for r in brief if r["interface"] == "GigabitEthernet0/3")
    assert gi03["ip_address"] == "127.0.0.1" and gi03["status"] != "administratively down"
    # The same device on a target without out-of-band management would have the port shut.
    dry = deploy_site(site, endpoints, log_root=tmp_path / "logs", limit="R1", dry_run=True)
    assert "interface GigabitEthernet0/3" in dry.report.hosts[0].commands
    again = deploy_site(gns3, endpoints, log_root=tmp_path / "logs", dry_run=True, limit="R1")
    assert again.report.hosts[0].commands == []  # drift on gns3: none
