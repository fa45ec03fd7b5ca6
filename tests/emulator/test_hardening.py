"""Hardening of the emulator, with real clients: login blocking, per-connection retries, output
filters that cannot stall the shared event loop, IOS hostname rules, private state, random salts,
and `emulator serve` taking its password without the command line."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import asyncssh
import paramiko
import pytest
from emulator_support import PASSWORD, SECRET, USER, RawShell, device_spec
from netmiko import ConnectHandler

from automation.emulator import pipe
from automation.emulator.login import LoginPolicy
from automation.emulator.secret import verify_type9
from automation.emulator.server import ThreadedEmulator


def _login(port: int, password: str = PASSWORD) -> paramiko.SSHClient:
    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    client.connect(
        "127.0.0.1", port=port, username=USER, password=password,
        look_for_keys=False, allow_agent=False, timeout=10,
    )  # fmt: skip
    return client


def _refused(port: int, password: str = PASSWORD) -> BaseException | None:
    """The exception a login raises, None when it got in."""
    try:
        _login(port, password).close()
    except (paramiko.SSHException, OSError, EOFError) as exc:
        return exc
    return None


# --- login block-for ---------------------------------------------------------------------------

BLOCK = LoginPolicy(attempts=4, within=30.0, block_for=2.0, per_connection=3)


@pytest.fixture
def guarded(tmp_path: Path) -> Iterator[ThreadedEmulator]:
    specs = [device_spec(tmp_path, "R1", "router", login_policy=BLOCK), device_spec(tmp_path, "R2", "router")]
    with ThreadedEmulator(specs) as emu:
        yield emu


def test_failed_logins_block_every_login_for_a_while(guarded: ThreadedEmulator) -> None:
    port = guarded.hosts["R1"].port
    for i in range(BLOCK.attempts):
        assert isinstance(_refused(port, f"guess-{i}"), paramiko.AuthenticationException)
    started = time.monotonic()
    # Quiet mode: even the right password is refused, by netmiko as by paramiko.
    assert _refused(port) is not None
    with pytest.raises(Exception):  # noqa: B017 - netmiko wraps the refusal in its own exceptions
        ConnectHandler(
            device_type="cisco_ios", host="127.0.0.1", port=port, username=USER, password=PASSWORD,
            conn_timeout=5, auth_timeout=5,
        )  # fmt: skip
    # Another device keeps its own count.
    _login(guarded.hosts["R2"].port).close()
    time.sleep(max(0.0, BLOCK.block_for - (time.monotonic() - started)) + 0.3)
    with ConnectHandler(
        device_type="cisco_ios", host="127.0.0.1", port=port, username=USER, password=PASSWORD
    ) as conn:
        assert conn.find_prompt() == "R1#"


def test_failures_outside_the_window_are_forgotten(tmp_path: Path) -> None:
    policy = LoginPolicy(attempts=3, within=0.5, block_for=30.0, per_connection=3)
    with ThreadedEmulator([device_spec(tmp_path, "R1", "router", login_policy=policy)]) as emu:
        port = emu.hosts["R1"].port
        for i in range(6):
            assert isinstance(_refused(port, f"slow-{i}"), paramiko.AuthenticationException)
            time.sleep(0.3)  # two failures per window at most
        _login(port).close()


class _Guesser(asyncssh.SSHClient):
    """An asyncssh client that keeps offering passwords on one connection, as OpenSSH would."""

    def __init__(self, passwords: list[str]) -> None:
        self.passwords = passwords
        self.offered: list[str] = []

    def password_auth_requested(self) -> str | None:
        if not self.passwords:
            return None
        self.offered.append(self.passwords.pop(0))
        return self.offered[-1]

    def kbdint_auth_requested(self) -> str | None:
        return None  # password auth only: one attempt per offered password


async def _guess_on_one_connection(port: int, passwords: list[str]) -> tuple[list[str], BaseException]:
    guesser = _Guesser(list(passwords))
    with pytest.raises((asyncssh.DisconnectError, asyncssh.PermissionDenied)) as info:
        await asyncssh.connect(
            "127.0.0.1", port, username=USER, known_hosts=None, client_factory=lambda: guesser,
            preferred_auth=["password"], connect_timeout=10,
        )  # fmt: skip
    return guesser.offered, info.value


def test_a_connection_is_dropped_after_three_failed_attempts(guarded: ThreadedEmulator) -> None:
    port = guarded.hosts["R2"].port  # the lenient device: no block, only the per-connection limit
    offered, exc = asyncio.run(_guess_on_one_connection(port, ["one", "two", "three", PASSWORD]))
    # The right password, offered fourth, never got its turn: the server hung up after three.
    assert offered == ["one", "two", "three"]
    assert "Too many authentication failures" in str(exc)
    _login(port).close()


def test_a_connection_may_still_succeed_on_its_third_attempt(guarded: ThreadedEmulator) -> None:
    async def attempt() -> list[str]:
        guesser = _Guesser(["one", "two", PASSWORD])
        conn = await asyncssh.connect(
            "127.0.0.1", guarded.hosts["R2"].port, username=USER, known_hosts=None,
            client_factory=lambda: guesser, preferred_auth=["password"], connect_timeout=10,
        )  # fmt: skip
        conn.close()
        return guesser.offered

    assert asyncio.run(attempt()) == ["one", "two", PASSWORD]


# --- output filters ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def emu(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ThreadedEmulator]:
    tmp = tmp_path_factory.mktemp("hard")
    with ThreadedEmulator([device_spec(tmp, "R1", "router"), device_spec(tmp, "R2", "router")]) as emu:
        shell = RawShell(emu.hosts["R1"].port)
        shell.cmd("configure terminal")
        shell.cmd("interface Loopback9")
        shell.cmd("exit")
        # A very long line without a "b" (descriptions stop at 240 characters, as on IOS).
        shell.cmd("snmp-server location " + "a" * 5000)
        shell.cmd("end")
        shell.close()
        yield emu


@pytest.mark.parametrize("regex", ["(a+)+b", "(a|aa)+c", "(a*)*b", "(.*a){12}x", "^(a+)+$b"])
def test_pathological_filter_is_quick_and_never_stalls_another_session(
    emu: ThreadedEmulator, regex: str
) -> None:
    port = emu.hosts["R1"].port
    slow, other = RawShell(port), RawShell(emu.hosts["R2"].port)
    try:
        result: dict[str, float] = {}

        def pathological() -> None:
            start = time.monotonic()
            slow.cmd(f"show running-config | include {regex}")
            result["filter"] = time.monotonic() - start

        worker = threading.Thread(target=pathological)
        worker.start()
        time.sleep(0.05)
        latencies = []
        for _ in range(5):
            start = time.monotonic()
            assert other.cmd("show clock").endswith(b"R2#")
            latencies.append(time.monotonic() - start)
        worker.join(30)
        assert not worker.is_alive()
        assert max(latencies) < 0.5, f"a concurrent session waited {max(latencies):.2f} s"
        assert result["filter"] < 2.0, f"the filter took {result['filter']:.2f} s"
    finally:
        slow.close()
        other.close()


def test_filters_still_match_like_before(emu: ThreadedEmulator) -> None:
    shell = RawShell(emu.hosts["R1"].port)
    try:
        out = shell.cmd("show running-config | include ^interface Loop|^hostname").decode()
        assert out.splitlines()[1:-1] == ["hostname R1", "interface Loopback9"]
        out = shell.cmd("show running-config | count a{5000}").decode()  # beyond RE2's repeat limit
        assert "Number of lines which match regexp = 1" in out
        out = shell.cmd(r"show running-config | include ^(host)name R\d$").decode()
        assert "hostname R1" in out
    finally:
        shell.close()


def test_backreference_filter_runs_off_the_loop_within_a_budget(
    emu: ThreadedEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipe, "REGEX_BUDGET", 1.0)
    shell, other = RawShell(emu.hosts["R1"].port), RawShell(emu.hosts["R2"].port)
    try:
        # IOS recalls a group with \1: a normal one works ...
        out = shell.cmd(r"show running-config | include ^interface L(o)\1p").decode()
        assert out.splitlines()[1:-1] == ["interface Loopback0", "interface Loopback9"] or (
            out.splitlines()[1:-1] == ["interface Loopback9"]
        )
        # ... a catastrophic one is cut off, and nobody else waits for it.
        box: dict[str, bytes] = {}
        worker = threading.Thread(
            target=lambda: box.update(out=shell.cmd(r"show running-config | include (a*)*\1b"))
        )
        start = time.monotonic()
        worker.start()
        time.sleep(0.1)
        t0 = time.monotonic()
        assert other.cmd("show clock").endswith(b"R2#")
        assert time.monotonic() - t0 < 0.5
        worker.join(30)
        assert time.monotonic() - start < 5
        assert b"% Regular expression too complex" in box["out"]
    finally:
        shell.close()
        other.close()


@pytest.mark.parametrize("regex", ["(", "[a", "a{2,1}", "a**", "(?P<x"])
def test_an_invalid_expression_gets_ios_error(emu: ThreadedEmulator, regex: str) -> None:
    shell = RawShell(emu.hosts["R1"].port)
    try:
        line = f"show running-config | include {regex}"
        out = shell.cmd(line).decode()
        caret = out.splitlines()[1]
        assert caret.index("^") == len("R1#") + line.index(regex), out
        assert "% Invalid input detected at '^' marker." in out
    finally:
        shell.close()


# --- hostnames ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["R1;x", "1R", "R1-", "-R1", "R_1", "R1.lab", "R1$", "a" * 64, "R\u00e91"])
def test_an_illegal_hostname_is_refused(emu: ThreadedEmulator, name: str) -> None:
    shell = RawShell(emu.hosts["R1"].port)
    try:
        shell.cmd("configure terminal")
        out = shell.cmd(f"hostname {name}").decode()
        assert "% Hostname contains one or more illegal characters." in out
        assert out.endswith("R1(config)#")
        shell.cmd("end")
        assert emu.hosts["R1"].device.config.hostname == "R1"
    finally:
        shell.close()


def test_legal_hostnames_are_taken_and_netmiko_sees_the_refusal(emu: ThreadedEmulator) -> None:
    host = emu.hosts["R2"]
    shell = RawShell(host.port)
    try:
        shell.cmd("configure terminal")
        longest = "b" * 62 + "9"
        assert shell.cmd(f"hostname {longest}").endswith(f"\r\n{longest}(config)#".encode())
        assert shell.cmd("hostname R2-core-9").endswith(b"\r\nR2-core-9(config)#")
        assert shell.cmd("hostname R2").endswith(b"\r\nR2(config)#")
        shell.cmd("end")
    finally:
        shell.close()
    with (
        ConnectHandler(
            device_type="cisco_ios", host="127.0.0.1", port=host.port, username=USER, password=PASSWORD
        ) as conn,
        pytest.raises(Exception, match="Hostname contains"),
    ):
        conn.send_config_set(["hostname R2;reload"], error_pattern=r"% ?Hostname contains")
    assert host.device.config.hostname == "R2"


# --- private state and random salts ------------------------------------------------------------


def test_state_is_private_from_the_start(emu: ThreadedEmulator) -> None:
    state = emu.hosts["R1"].spec.state_dir
    assert stat.S_IMODE(state.stat().st_mode) == 0o700
    assert stat.S_IMODE((state / "ssh_host_ed25519_key").stat().st_mode) == 0o600
    assert stat.S_IMODE((state / "startup-config").stat().st_mode) == 0o600
    assert not [p.name for p in state.iterdir() if p.name.endswith(".tmp")]


def _hashes(emu: ThreadedEmulator, name: str) -> tuple[str, str]:
    cfg = emu.hosts[name].device.config
    user = cfg.users[USER].secret_hash
    assert user is not None and cfg.enable_secret_hash is not None
    return user, cfg.enable_secret_hash


def test_equal_passwords_hash_with_a_random_salt_per_device(emu: ThreadedEmulator) -> None:
    (u1, e1), (u2, e2) = _hashes(emu, "R1"), _hashes(emu, "R2")
    assert len({u1, u2, e1, e2}) == 4, "two hashes share a salt"
    assert len({h.split("$")[2] for h in (u1, u2, e1, e2)}) == 4
    assert verify_type9(PASSWORD, u1) and verify_type9(PASSWORD, u2)
    assert verify_type9(SECRET, e1) and verify_type9(SECRET, e2)


def test_reentering_the_same_secret_keeps_the_hash(emu: ThreadedEmulator) -> None:
    before = _hashes(emu, "R1")
    shell = RawShell(emu.hosts["R1"].port)
    try:
        shell.cmd("configure terminal")
        shell.cmd(f"username {USER} privilege 15 secret {PASSWORD}")
        shell.cmd(f"enable secret {SECRET}")
        assert _hashes(emu, "R1") == before, "an unchanged secret must not drift"
        shell.cmd("username temp secret One-1")
        first = emu.hosts["R1"].device.config.users["temp"].secret_hash
        shell.cmd("username temp secret Two-2")
        second = emu.hosts["R1"].device.config.users["temp"].secret_hash
        assert first != second and second is not None and verify_type9("Two-2", second)
        shell.cmd("no username temp")
        shell.cmd("end")
    finally:
        shell.close()


# --- emulator serve ----------------------------------------------------------------------------


def _serve(state: Path, *args: str, env: dict[str, str] | None = None) -> tuple[subprocess.Popen[str], int]:
    base = {
        k: v for k, v in os.environ.items() if k not in ("MASTERTECH_PASSWORD", "MASTERTECH_ENABLE_SECRET")
    }
    proc = subprocess.Popen(
        [
            sys.executable, "-c", "from automation.cli.app import main; main()",
            "emulator", "serve", "--hostname", "RX", "--port", "0", "--username", USER,
            "--state-dir", str(state), *args,
        ],
        stderr=subprocess.PIPE, text=True, env={**base, **(env or {})},
    )  # fmt: skip
    assert proc.stderr is not None
    lines = []
    for _ in range(5):
        line = proc.stderr.readline()
        lines.append(line)
        m = re.search(r"listening on 127\.0\.0\.1:(\d+)", line)
        if m:
            proc.preamble = "".join(lines)  # type: ignore[attr-defined]
            return proc, int(m.group(1))
        if not line:
            break
    proc.kill()
    raise AssertionError("".join(lines))


def _stop(proc: subprocess.Popen[str]) -> str:
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(20) == 0
    assert proc.stderr is not None
    return proc.stderr.read()


def _check_login(port: int, password: str, secret: str | None = None) -> None:
    with ConnectHandler(
        device_type="cisco_ios", host="127.0.0.1", port=port, username=USER, password=password,
        secret=secret or "",
    ) as conn:  # fmt: skip
        assert conn.find_prompt() == "RX#"


def test_serve_reads_the_password_from_a_file(tmp_path: Path) -> None:
    secret_file = tmp_path / "pw"
    secret_file.write_text("File-pw-1\n")
    enable_file = tmp_path / "en"
    enable_file.write_text("File-en-1\n")
    proc, port = _serve(
        tmp_path / "RX", "--password-file", str(secret_file), "--enable-secret-file", str(enable_file)
    )
    try:
        _check_login(port, "File-pw-1")
        assert _refused(port, "File-pw-1\n") is not None
        assert b"File-pw-1" not in Path(f"/proc/{proc.pid}/cmdline").read_bytes()
    finally:
        err = _stop(proc)
    assert "warning" not in err
    startup = (tmp_path / "RX" / "startup-config").read_text()
    assert "enable secret 9 $9$" in startup and "File-en-1" not in startup


def test_serve_reads_the_password_from_the_environment(tmp_path: Path) -> None:
    proc, port = _serve(tmp_path / "RX", env={"MASTERTECH_PASSWORD": "Env-pw-1"})
    try:
        _check_login(port, "Env-pw-1")
    finally:
        assert "warning" not in _stop(proc)


def test_serve_warns_about_a_password_on_the_command_line(tmp_path: Path) -> None:
    proc, port = _serve(tmp_path / "RX", "--password", "Argv-pw-1")
    try:
        _check_login(port, "Argv-pw-1")
    finally:
        _stop(proc)
    assert "process list" in proc.preamble  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--hostname", "R1;x"], "not an IOS hostname"),
        (["--hostname", "RX", "--password-file", "/nonexistent/pw"], "cannot read --password-file"),
        (["--hostname", "RX"], "no password"),
    ],
)
def test_serve_refuses_bad_input(tmp_path: Path, args: list[str], message: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != "MASTERTECH_PASSWORD"}
    run = subprocess.run(
        [sys.executable, "-c", "from automation.cli.app import main; main()", "emulator", "serve",
         "--state-dir", str(tmp_path / "s"), *args],
        capture_output=True, text=True, timeout=60, env=env,
    )  # fmt: skip
    assert run.returncode == 2, run.stderr
    assert message in run.stderr
