"""NAPALM `ios` configuration management against the emulator: SCP to flash, `configure replace`,
merge through `copy flash0:... running-config`, diffs and rollback."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from emulator_support import PASSWORD, USER, RawShell, device_spec, open_napalm

from automation.emulator.server import ThreadedEmulator

pytestmark = pytest.mark.emulator


@pytest.fixture(scope="module")
def emu(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ThreadedEmulator]:
    tmp: Path = tmp_path_factory.mktemp("napalm-config")
    specs = [
        device_spec(tmp, "R1", "router", extra="ip scp server enable\n"),
        device_spec(tmp, "R2", "router"),
    ]
    with ThreadedEmulator(specs) as emu:
        yield emu


@pytest.fixture
def r1(emu: ThreadedEmulator) -> Iterator[Any]:
    device = open_napalm(emu.hosts["R1"].port)
    yield device
    device.close()


def test_replace_merge_and_rollback(r1: Any, emu: ThreadedEmulator) -> None:
    device = emu.hosts["R1"].device
    running = r1.get_config()["running"]
    candidate = running.replace("ip domain name mt.com", "ip domain name replaced.test")
    r1.load_replace_candidate(config=candidate)
    assert r1.compare_config() == "-ip domain name mt.com\n+ip domain name replaced.test"
    r1.commit_config()
    assert device.config.domain_name == "replaced.test"  # `configure replace` builds a new config

    r1.load_merge_candidate(config="interface Loopback5\n ip address 10.5.5.5 255.255.255.255\n")
    assert "+interface Loopback5" in r1.compare_config()
    r1.commit_config()
    assert str(device.config.interfaces["Loopback5"].address) == "10.5.5.5/32"

    r1.rollback()
    assert "Loopback5" not in device.config.interfaces
    assert device.config.domain_name == "replaced.test"
    r1.discard_config()


def test_flash_listing_and_md5(emu: ThreadedEmulator) -> None:
    shell = RawShell(emu.hosts["R1"].port)
    shell.cmd("configure terminal")
    shell.cmd("file prompt quiet")
    shell.cmd("end")
    out = shell.cmd("copy running-config flash0:/saved.cfg").decode()
    assert "bytes copied in" in out
    listing = shell.cmd("dir flash0:").decode()
    assert "saved.cfg" in listing and "bytes free)" in listing
    md5 = shell.cmd("verify /md5 flash0:/saved.cfg").decode()
    assert "verify /md5 (flash0:/saved.cfg) = " in md5
    assert (
        "%Error opening flash0:/nope.cfg (No such file or directory)"
        in shell.cmd("dir flash0:/nope.cfg").decode()
    )
    shell.close()


def test_scp_needs_ip_scp_server_enable(emu: ThreadedEmulator, tmp_path: Path) -> None:
    source = tmp_path / "c.txt"
    source.write_text("hostname X\n")
    base = ["sshpass", "-p", PASSWORD, "scp", "-O", "-o", "StrictHostKeyChecking=no"]
    base += ["-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "-o", "PubkeyAuthentication=no"]
    ok = subprocess.run(
        [*base, "-P", str(emu.hosts["R1"].port), str(source), f"{USER}@127.0.0.1:flash0:/c.txt"],
        capture_output=True, timeout=20, check=False,
    )  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    assert emu.hosts["R1"].device.flash.read("c.txt") == b"hostname X\n"
    refused = subprocess.run(
        [*base, "-P", str(emu.hosts["R2"].port), str(source), f"{USER}@127.0.0.1:flash0:/c.txt"],
        capture_output=True, timeout=20, check=False,
    )  # fmt: skip
    assert refused.returncode != 0
    assert not emu.hosts["R2"].device.flash.exists("c.txt")
