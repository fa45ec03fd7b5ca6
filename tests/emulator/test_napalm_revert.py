"""NAPALM `ios` commit with `revert_in` against the emulator's `archive` feature: a confirmed commit
stays, an unconfirmed one is reverted when the timer runs out (a timer minute is shortened here)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from emulator_support import RawShell, device_spec, open_napalm

from automation.emulator import archive
from automation.emulator.server import ThreadedEmulator

pytestmark = pytest.mark.emulator

ARCHIVE = "archive\n path flash:archive\n write-memory\n"
MINUTE = 2.0  # seconds in a revert-timer minute for these tests


@pytest.fixture(scope="module")
def emu(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ThreadedEmulator]:
    tmp: Path = tmp_path_factory.mktemp("napalm-revert")
    specs = [
        device_spec(tmp, "R1", "router", extra=f"ip scp server enable\n{ARCHIVE}"),
        device_spec(tmp, "R2", "router"),
    ]
    with ThreadedEmulator(specs) as emu:
        yield emu


@pytest.fixture
def short_minutes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(archive, "REVERT_MINUTE", MINUTE)


def _commit(r1: Any, old: str, new: str, revert_in: int) -> None:
    """Replace the domain name `old` with `new` by NAPALM, to be confirmed within `revert_in`."""
    running = r1.get_config()["running"]
    r1.load_replace_candidate(config=running.replace(f"ip domain name {old}", f"ip domain name {new}"))
    r1.commit_config(revert_in=revert_in)


def _wait_for(check: Any, budget: float) -> bool:
    deadline = time.monotonic() + budget
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return bool(check())


def test_archive_block_is_stored_and_printed(emu: ThreadedEmulator) -> None:
    shell = RawShell(emu.hosts["R2"].port)
    assert "Archive feature not enabled" in shell.cmd("show archive").decode()
    shell.cmd("configure terminal")
    assert b"R2(config-archive)#" in shell.cmd("archive")
    shell.cmd("path flash:archive")
    shell.cmd("maximum 3")
    shell.cmd("write-memory")
    shell.cmd("end")
    running = shell.cmd("show running-config").decode().replace("\r\n", "\n")
    assert "\narchive\n path flash:archive\n maximum 3\n write-memory\n!\nusername " in running
    for _ in range(4):
        shell.cmd("write memory")
    listing = shell.cmd("show archive").decode().replace("\r\n", "\n")
    assert "The maximum archive configurations allowed is 3." in listing
    assert "The next archive file will be named flash:archive-5" in listing
    assert "   3        flash:archive-4 <- Most Recent" in listing
    assert "flash:archive-1" not in listing  # the oldest went when the fourth came
    assert "archive-4" in shell.cmd("dir flash0:").decode()
    assert "%No Rollback Confirmed Change pending" in shell.cmd("configure confirm").decode()
    shell.close()


def test_commit_with_revert_in_confirmed_and_reverted(emu: ThreadedEmulator, short_minutes: None) -> None:
    device = emu.hosts["R1"].device
    r1 = open_napalm(emu.hosts["R1"].port)
    try:
        assert not r1.has_pending_commit()
        _commit(r1, "mt.com", "kept.test", 60)
        assert device.config.domain_name == "kept.test"
        assert r1.has_pending_commit()
        r1.confirm_commit()
        assert not r1.has_pending_commit()
        time.sleep(MINUTE * 1.5)  # past the timer it would have had
        assert device.config.domain_name == "kept.test"

        _commit(r1, "kept.test", "gone.test", 60)
        assert device.config.domain_name == "gone.test"
        assert r1.has_pending_commit()
        assert _wait_for(lambda: device.config.domain_name == "kept.test", MINUTE * 5)
        assert not r1.has_pending_commit()
        assert "Rolled back to flash:archive-" in "\n".join(device.log_buffer)
    finally:
        r1.close()


def test_rollback_of_a_pending_commit_reverts_now(emu: ThreadedEmulator, short_minutes: None) -> None:
    device = emu.hosts["R1"].device
    r1 = open_napalm(emu.hosts["R1"].port)
    try:
        before = device.config.domain_name
        _commit(r1, str(before), "now.test", 120)
        assert device.config.domain_name == "now.test"
        shell = RawShell(emu.hosts["R1"].port)
        timer = shell.cmd("show archive config rollback timer").decode()
        assert "Timer value: 2 min" in timer and "User: " in timer
        shell.cmd("configure revert timer 3")
        assert "Timer value: 3 min" in shell.cmd("show archive config rollback timer").decode()
        shell.close()
        r1.rollback()  # a pending commit: `configure revert now`
        assert device.config.domain_name == before
        assert not r1.has_pending_commit()
    finally:
        r1.close()


def test_revert_timer_needs_the_archive_path(emu: ThreadedEmulator) -> None:
    shell = RawShell(emu.hosts["R2"].port)
    shell.cmd("configure terminal")
    shell.cmd("no archive")
    shell.cmd("file prompt quiet")
    shell.cmd("end")
    shell.cmd("copy running-config flash0:/c.cfg")
    out = shell.cmd("configure replace flash0:/c.cfg force revert timer 1").decode()
    assert "%Please turn config archive on" in out
    assert "%Please turn config archive on" in shell.cmd("configure terminal revert timer 1").decode()
    assert "%No Rollback Confirmed Change pending" in shell.cmd("configure revert now").decode()
    shell.close()
