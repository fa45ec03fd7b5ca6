"""Terminal line discipline with a raw PTY: `?` help, Tab, history, Ctrl-C/Z, paging, exec channel."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator

import pytest
from emulator_support import PASSWORD, USER, RawShell

from automation.emulator.server import ThreadedEmulator

pytestmark = pytest.mark.emulator


@pytest.fixture
def r1(emulator: ThreadedEmulator) -> Iterator[RawShell]:
    shell = RawShell(emulator.hosts["R1"].port)
    yield shell
    shell.close()


def test_help_lists_next_words_and_redraws_the_line(r1: RawShell) -> None:
    r1.send(b"show running-config ?")
    out = r1.read_until(rb"R1#show running-config $")
    assert b"  all " in out and b"  interface " in out
    assert b"  |   " in out and b"  <cr>" in out
    assert out.endswith(b"\r\n\r\nR1#show running-config ")
    # The redrawn line still runs on Enter.
    r1.send(b"| include hostname\r")
    assert r1.read_until(rb"R1#$").endswith(b"hostname R1\r\nR1#")


def test_help_on_a_partial_word_lists_the_keywords_it_starts(r1: RawShell) -> None:
    r1.send(b"sh?")
    assert r1.read_until(rb"R1#sh$") == b"sh?\r\nshow  \r\n\r\nR1#sh"
    r1.send(b"\x15")
    r1.read_until(rb"\x08 \x08\x08 \x08$")
    r1.send(b"show ip ?")
    out = r1.read_until(rb"R1#show ip $")
    assert b"  route " in out and b"  interface " in out
    r1.send(b"\x03")
    r1.read_until(rb"R1#$")
    r1.send(b"show bogus ?")
    out = r1.read_until(rb"R1#show bogus $")
    assert b"% Invalid input detected at '^' marker." in out
    r1.send(b"\x03")
    r1.read_until(rb"R1#$")


def test_help_answers_quickly(r1: RawShell) -> None:
    r1.cmd("configure terminal")
    best = 1.0
    for _ in range(5):
        started = time.perf_counter()
        r1.send(b"?")
        r1.read_until(rb"R1\(config\)#$")
        best = min(best, time.perf_counter() - started)
    assert best < 0.05
    r1.send(b"\x1a")
    r1.read_until(rb"R1#$")


def test_help_in_config_sub_mode(r1: RawShell) -> None:
    r1.cmd("configure terminal")
    r1.cmd("router ospf 1")
    r1.send(b"?")
    out = r1.read_until(rb"R1\(config-router\)#$")
    assert b"  network " in out and b"  router-id " in out
    r1.send(b"\x03")
    assert r1.read_until(rb"R1#$").endswith(b"^C\r\nR1#")


def test_tab_completes_a_unique_keyword(r1: RawShell) -> None:
    r1.send(b"sh\t")
    assert r1.read_until(rb"show $") == b"show "
    r1.send(b"cl\t")
    assert r1.read_until(rb"clock $") == b"clock "
    r1.send(b"\r")
    assert b"UTC" in r1.read_until(rb"R1#$")


def test_history_recall_with_arrows_and_ctrl_p(r1: RawShell) -> None:
    r1.cmd("show privilege")
    r1.cmd("show clock")
    r1.send(b"\x1b[A")
    assert r1.read_until(rb"show clock$") == b"show clock"
    r1.send(b"\x10")  # Ctrl-P: one further back
    assert r1.read_until(rb"show privilege$").endswith(b"show privilege")
    r1.send(b"\x0e")  # Ctrl-N: forward again
    assert r1.read_until(rb"show clock$").endswith(b"show clock")
    r1.send(b"\x1b[B")  # past the newest: an empty line
    r1.read_until(rb"(\x08 \x08){10}$")
    r1.send(b"\x10\r")
    assert b"UTC" in r1.read_until(rb"R1#$")
    out = r1.cmd("show history")
    assert out.endswith(b"  show privilege\r\n  show clock\r\n  show history\r\nR1#")


def test_ctrl_c_in_config_returns_to_privileged_exec(r1: RawShell) -> None:
    r1.cmd("configure terminal")
    r1.cmd("interface Loopback77")
    r1.send(b"descr\x03")
    assert r1.read_until(rb"[>#]$").endswith(b"descr^C\r\nR1#")
    r1.cmd("configure terminal")
    r1.send(b"\x1a")
    assert r1.read_until(rb"[>#]$").endswith(b"^Z\r\nR1#")


def test_invalid_line_in_sub_mode_keeps_the_mode(r1: RawShell) -> None:
    r1.cmd("configure terminal")
    r1.cmd("router ospf 1")
    out = r1.cmd("vtp mode transparent")  # a global word the router grammar has no form of
    assert b"% Invalid input" in out and out.endswith(b"R1(config-router)#")
    out = r1.cmd("router-id 1.1.1.1")
    assert out.endswith(b"R1(config-router)#")
    r1.cmd("no router ospf 1")
    r1.cmd("end")


def test_paging_with_more(r1: RawShell) -> None:
    r1.cmd("terminal length 10")
    r1.send(b"show running-config\r")
    first = r1.read_until(rb" --More-- $")
    assert first.count(b"\r\n") == 10  # the echo line plus 9 lines of output
    r1.send(b"\r")  # one more line
    one = r1.read_until(rb" --More-- $")
    assert one.count(b"\r\n") == 1
    r1.send(b" ")
    r1.read_until(rb" --More-- $")
    r1.send(b"q")
    out = r1.read_until(rb"R1#$")
    assert b"end\r\n" not in out
    r1.cmd("terminal length 0")
    out = r1.cmd("show running-config")
    assert b"--More--" not in out
    assert out.endswith((b"end\r\n\r\nR1#", b"end\r\nR1#"))


def test_show_terminal_reports_length_and_width(r1: RawShell) -> None:
    r1.cmd("terminal length 0")
    r1.cmd("terminal width 132")
    out = r1.cmd("show terminal")
    assert b"Length: 0 lines, Width: 132 columns" in out
    assert b"History is enabled, history size is 20." in out


@pytest.mark.skipif(shutil.which("sshpass") is None, reason="needs the sshpass and ssh programs")
@pytest.mark.parametrize("stdin_flag", ["-n", "-T"])
def test_exec_channel_answers_and_closes(emulator: ThreadedEmulator, stdin_flag: str) -> None:
    port = emulator.hosts["R1"].port
    done = subprocess.run(
        [
            "sshpass", "-p", PASSWORD, "ssh", stdin_flag, "-p", str(port),
            "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
            "-o", "LogLevel=ERROR", "-o", "PubkeyAuthentication=no",
            f"{USER}@127.0.0.1", "show clock",
        ],
        stdin=subprocess.DEVNULL, capture_output=True, timeout=20, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert b"UTC" in done.stdout
