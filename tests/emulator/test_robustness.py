"""Abuse: garbage, huge lines, dropped connections, password guessing, process restarts, reload."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import paramiko
import pytest
from emulator_support import PASSWORD, USER, RawShell
from netmiko import ConnectHandler

from automation.emulator.server import ThreadedEmulator


@pytest.fixture
def shell(emulator: ThreadedEmulator) -> Iterator[RawShell]:
    sh = RawShell(emulator.hosts["R1"].port)
    yield sh
    sh.close()


def test_garbage_bytes_do_not_break_the_session(shell: RawShell) -> None:
    shell.send(bytes(range(256)) * 4 + b"\x1b[A\x1b[2J\xff\xfe")
    shell.send(b"\x03")
    shell.read_until(rb"\^C\r\nR1#$")
    assert shell.cmd("show privilege").endswith(b"Current privilege level is 15\r\nR1#")


def test_100k_line(shell: RawShell) -> None:
    line = "show " + "x" * 100_000
    out = shell.cmd(line, rb"marker\.\r\n\r\nR1#$")
    assert out.startswith(line.encode() + b"\r\n")
    shell.cmd("configure terminal")
    shell.cmd("interface Loopback3")
    text = "d" * 100_000
    assert shell.cmd(f"description {text}", rb"config-if\)#$").endswith(b"\r\nR1(config-if)#")
    shell.cmd("no interface Loopback3")
    shell.cmd("end")
    assert shell.cmd("show privilege").endswith(b"level is 15\r\nR1#")


def test_disconnect_mid_config_keeps_committed_lines(emulator: ThreadedEmulator) -> None:
    sh = RawShell(emulator.hosts["R1"].port)
    sh.cmd("configure terminal")
    sh.cmd("interface Loopback7")
    sh.cmd("ip address 10.7.7.7 255.255.255.255")
    sh.send(b"description half-typed")
    sh.close()  # no `end`, no newline
    again = RawShell(emulator.hosts["R1"].port)
    out = again.cmd("show running-config interface Loopback7").decode()
    assert " ip address 10.7.7.7 255.255.255.255" in out
    assert "half-typed" not in out
    again.cmd("configure terminal")
    again.cmd("no interface Loopback7")
    again.cmd("end")
    again.close()


def test_200_wrong_passwords_while_others_work(emulator: ThreadedEmulator) -> None:
    port = emulator.hosts["R1"].port
    good = RawShell(port)
    failures = 0
    errors: list[BaseException] = []

    def guess(n: int) -> None:
        nonlocal failures
        for i in range(n):
            client = paramiko.SSHClient()
            client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
            try:
                client.connect(
                    "127.0.0.1",
                    port=port,
                    username=USER,
                    password=f"wrong-{i}",
                    look_for_keys=False,
                    allow_agent=False,
                    timeout=20,
                )
            except paramiko.AuthenticationException:
                failures += 1
            except BaseException as exc:  # collected and reported below
                errors.append(exc)
            finally:
                client.close()

    threads = [threading.Thread(target=guess, args=(10,)) for _ in range(20)]
    for t in threads:
        t.start()
    assert good.cmd("show privilege").endswith(b"level is 15\r\nR1#")
    for t in threads:
        t.join(60)
    assert errors == []
    assert failures == 200
    assert good.cmd("show clock").endswith(b"R1#")
    good.close()


def test_reload_drops_unsaved_changes(emulator: ThreadedEmulator) -> None:
    sh = RawShell(emulator.hosts["R1"].port)
    sh.cmd("configure terminal")
    sh.cmd("interface Loopback8")
    sh.cmd("end")
    out = sh.cmd("reload", rb"\[yes/no\]: $")
    assert out.endswith(b"\r\nSystem configuration has been modified. Save? [yes/no]: ")
    assert sh.cmd("no", rb"\[confirm\]$").endswith(b"Proceed with reload? [confirm]")
    sh.send(b"\n")
    with pytest.raises(EOFError):
        sh.read_until(rb"R1#$", timeout=5)
    sh.close()
    after = RawShell(emulator.hosts["R1"].port)
    assert b"Loopback8" not in after.cmd("show ip interface brief")
    after.close()


def _start_cli(state: Path) -> tuple[subprocess.Popen[str], int]:
    env = {**os.environ, "MASTERTECH_PASSWORD": PASSWORD}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from automation.cli.app import main; main()",
            "emulator",
            "serve",
            "--hostname",
            "RX",
            "--kind",
            "router",
            "--port",
            "0",
            "--username",
            USER,
            "--state-dir",
            str(state),
        ],
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stderr is not None
    line = proc.stderr.readline()
    m = re.search(r"listening on 127\.0\.0\.1:(\d+)", line)
    assert m, line
    return proc, int(m.group(1))


def _stop(proc: subprocess.Popen[str]) -> None:
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(20) == 0


def test_startup_config_survives_process_restart(tmp_path: Path) -> None:
    state = tmp_path / "RX"
    proc, port = _start_cli(state)
    try:
        conn = ConnectHandler(
            device_type="cisco_ios", host="127.0.0.1", port=port, username=USER, password=PASSWORD
        )
        conn.send_config_set(["interface Loopback1", "ip address 10.1.1.1 255.255.255.255"])
        conn.save_config()
        conn.send_config_set(["interface Loopback2", "ip address 10.2.2.2 255.255.255.255"])
        key = conn.remote_conn.get_transport().get_remote_server_key().get_base64()  # type: ignore[union-attr]
        conn.disconnect()
    finally:
        _stop(proc)
    proc, port = _start_cli(state)
    try:
        conn = ConnectHandler(
            device_type="cisco_ios", host="127.0.0.1", port=port, username=USER, password=PASSWORD
        )
        brief = conn.send_command("show ip interface brief")
        assert "10.1.1.1" in brief
        assert "10.2.2.2" not in brief
        assert conn.remote_conn.get_transport().get_remote_server_key().get_base64() == key  # type: ignore[union-attr]
        conn.disconnect()
    finally:
        _stop(proc)
