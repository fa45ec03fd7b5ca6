"""The console bootstrap, for real: the emulator serves a fresh device (`emulator serve
--first-boot --console-port`) in its own process, our bootstrap answers the first-boot dialogue
and types the day-0 over telnet, and netmiko then logs in over SSH with the day-0 credentials."""

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
from conftest import copy_site
from netmiko import ConnectHandler

from automation.models.load import load_site
from automation.models.targets import load_targets
from automation.providers.gns3.console import ConsoleBudgets, bootstrap_console
from automation.providers.gns3.day0 import day0_configs
from automation.secrets import device_credentials

TARGETS = "management:\n  addresses: {R1: 127.0.0.1}\n  prefix: 127.0.0.0/8\n"


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


def test_bootstrap_over_the_console_then_netmiko_logs_in(fresh_r1: tuple[int, int], tmp_path: Path) -> None:
    ssh, console = fresh_r1
    site = load_site(copy_site(tmp_path, targets=TARGETS))
    creds = device_credentials()
    day0 = day0_configs(site, load_targets(site), creds, "day0-enable-1")["R1"]
    budgets = ConsoleBudgets(connect=10, boot=30, wake_every=2, line=10, keys=20, save=10)
    result = asyncio.run(bootstrap_console("R1", "127.0.0.1", console, day0, budgets=budgets))
    assert result.answered == ("setup", "press_return", "user", "privileged")
    with ConnectHandler(device_type="cisco_ios", host="127.0.0.1", port=ssh, username=creds.username,
                        password=creds.password, secret="day0-enable-1") as conn:  # fmt: skip
        assert conn.find_prompt() == "R1#"
        running = conn.send_command("show running-config")
        assert "ip domain name mastertech.com" in running and "ip ssh version 2" in running
        assert "ip address 127.0.0.1 255.0.0.0" in running
        assert "hostname R1" in conn.send_command("show startup-config")  # written by `write memory`
