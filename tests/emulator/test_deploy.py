"""Deploy through Nornir + netmiko against emulated IOS devices (the real clients, real SSH).

The data plane is absent here (OSPF and leases need the embedded lab), so these tests cover what
the devices' configs alone decide: a deploy from nothing, idempotency, drift correction, failure
isolation, rollback of a rejected line, and a dry run that touches nothing.
"""

from __future__ import annotations

import json
import shutil
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import jinja2
import pytest
from emulator_support import PASSWORD, SECRET, USER, device_spec
from netmiko import ConnectHandler

from automation.deploy import DeployReport, deploy_devices
from automation.drift import managed_scope
from automation.emulator.server import ThreadedEmulator
from automation.inventory import PROJECT_INVENTORY
from automation.inventory.nornir import init_nornir, ios_devices
from automation.models import Site, load_site
from automation.render import TEMPLATES_DIR, environment, render_intended
from automation.runlog import MaskedLog, open_log_dir, write_json
from automation.secrets import Credentials

SITE = load_site(PROJECT_INVENTORY / "mastertech")


def serve_site(tmp: Path) -> ThreadedEmulator:
    """The site's devices at day 0 on free ports of 127.0.0.1 (not started)."""
    kinds = {name: "router" if name.startswith("R") else "switch" for name in SITE.devices()}
    return ThreadedEmulator([device_spec(tmp, name, kind) for name, kind in kinds.items()])


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, tuple[str, int]]]:
    with serve_site(tmp_path_factory.mktemp("deploy")) as emu:
        yield {name: host.endpoint for name, host in emu.hosts.items()}


def _deploy(
    endpoints: dict[str, tuple[str, int]],
    *,
    dry_run: bool = False,
    password: str = PASSWORD,
    site: Site = SITE,
) -> DeployReport:
    nr = ios_devices(init_nornir(site.directory, Credentials(USER, password, "test"), endpoints))
    return deploy_devices(nr, site, dry_run=dry_run)


def _running(endpoint: tuple[str, int]) -> str:
    host, port = endpoint
    with ConnectHandler(device_type="cisco_ios", host=host, port=port, username=USER, password=PASSWORD) as c:
        return str(c.send_command("show running-config"))


def _startup(endpoint: tuple[str, int]) -> str:
    host, port = endpoint
    with ConnectHandler(device_type="cisco_ios", host=host, port=port, username=USER, password=PASSWORD) as c:
        return str(c.send_command("show startup-config"))


def test_dry_run_touches_nothing(lab: dict[str, tuple[str, int]]) -> None:
    before = {name: _running(ep) for name, ep in lab.items()}
    report = _deploy(lab, dry_run=True)
    assert report.ok
    assert all(h.commands for h in report.hosts), "a fresh device needs commands"
    assert "ip dhcp pool BACKEND" in next(h for h in report.hosts if h.host == "R1").commands
    after = {name: _running(ep) for name, ep in lab.items()}
    assert {n: managed_scope(t) for n, t in before.items()} == {n: managed_scope(t) for n, t in after.items()}


def test_deploy_from_nothing_then_nothing_to_send(lab: dict[str, tuple[str, int]]) -> None:
    first = _deploy(lab)
    assert first.ok, [(h.host, h.error) for h in first.hosts]
    assert all(h.changed and h.saved for h in first.hosts)
    for name, ep in lab.items():
        running = _running(ep)
        assert managed_scope(render_intended(SITE, name)) == managed_scope(running)
        assert managed_scope(_startup(ep)) == managed_scope(running), "saved after verification"
    second = _deploy(lab)
    assert second.ok
    assert [h.commands for h in second.hosts] == [[] for _ in second.hosts]
    assert not any(h.changed for h in second.hosts)


def test_a_hand_made_change_is_corrected(lab: dict[str, tuple[str, int]]) -> None:
    _deploy(lab)
    host, port = lab["R1"]
    with ConnectHandler(device_type="cisco_ios", host=host, port=port, username=USER, password=PASSWORD) as c:
        c.send_config_set(
            [
                "interface GigabitEthernet0/1.10",
                "ip address 192.168.10.254 255.255.255.0",
                "ip dhcp pool ROGUE",
                "network 10.9.9.0 255.255.255.0",
            ]
        )
    report = _deploy(lab)
    r1 = next(h for h in report.hosts if h.host == "R1")
    assert r1.changed and not r1.error
    assert "no ip dhcp pool ROGUE" in r1.commands
    assert any("ip address 192.168.10.1 255.255.255.0" in c for c in r1.commands)
    assert not any(h.changed for h in report.hosts if h.host != "R1")
    assert managed_scope(_running(lab["R1"])) == managed_scope(render_intended(SITE, "R1"))


def test_a_wrong_password_fails_alone(lab: dict[str, tuple[str, int]]) -> None:
    endpoints = dict(lab)
    nr = ios_devices(init_nornir(SITE.directory, Credentials(USER, PASSWORD, "test"), endpoints))
    nr.inventory.hosts["SW2"].password = "wrong-password"
    report = deploy_devices(nr, SITE)
    failed = [h for h in report.hosts if h.error]
    assert [h.host for h in failed] == ["SW2"]
    assert "Authentication" in (failed[0].error or "")
    assert not report.ok


def test_an_invalid_template_line_is_rolled_back_and_reported(
    lab: dict[str, tuple[str, int]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _deploy(lab)
    before = _running(lab["R2"])
    broken = tmp_path / "templates"
    shutil.copytree(TEMPLATES_DIR, broken)
    path = broken / "cisco_ios" / "router_interfaces.j2"
    path.write_text(
        path.read_text().replace(" ip helper-address {{ helper }}", " ip helper-adress {{ helper }}")
    )
    broken_env = environment.__wrapped__(broken)  # a fresh environment over the broken copy
    assert isinstance(broken_env, jinja2.Environment)
    monkeypatch.setattr("automation.render.ios.environment", lambda: broken_env)
    # Something else must change on R2 too, so the rollback has real work to undo.
    with ConnectHandler(
        device_type="cisco_ios", host=lab["R2"][0], port=lab["R2"][1], username=USER, password=PASSWORD
    ) as c:
        c.send_config_set(["interface GigabitEthernet0/1.30", "no ip helper-address 10.0.12.1"])
    before = _running(lab["R2"])
    report = _deploy(lab)
    r2 = next(h for h in report.hosts if h.host == "R2")
    assert r2.error and "ip helper-adress 10.0.12.1" in r2.error and "Invalid input" in r2.error
    assert r2.rolled_back
    assert managed_scope(_running(lab["R2"])) == managed_scope(before)
    assert not report.ok
    assert all(h.error is None for h in report.hosts if h.host != "R2")


INTERRUPTED_DEPLOY = """
import json, sys, time
from automation.tasks.session import Session
from automation.deploy import deploy_devices
from automation.inventory.nornir import init_nornir, ios_devices
from automation.models import load_site
from automation.secrets import Credentials
site = load_site(sys.argv[1])
endpoints = {k: tuple(v) for k, v in json.loads(sys.argv[2]).items()}
nr = ios_devices(init_nornir(site.directory, Credentials(sys.argv[3], sys.argv[4], "test"), endpoints))
real_write = Session._write
def slow_write(self, lines):  # a slow link: each exchange 0.3 s, so a deploy lasts long enough to interrupt
    time.sleep(0.3)
    real_write(self, lines)
Session._write = slow_write
print("started", flush=True)
deploy_devices(nr, site)
"""


def test_ctrl_c_leaves_no_device_half_configured(tmp_path: Path) -> None:
    with serve_site(tmp_path) as emu:
        endpoints = {name: host.endpoint for name, host in emu.hosts.items()}
        before = {name: managed_scope(_running(endpoint)) for name, endpoint in endpoints.items()}
        argv = [sys.executable, "-c", INTERRUPTED_DEPLOY, str(SITE.directory), json.dumps(endpoints), USER]
        proc = subprocess.Popen(
            [*argv, PASSWORD],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "started"
        time.sleep(1.0)  # interrupt while the devices are being read and configured
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=120)
        assert proc.returncode != 0
        assert "deploy interrupted; devices ended at:" in err, err
        assert "failed with traceback" not in err, "a device was cut off in the middle of a step"
        for name in SITE.devices():
            assert f"{name}: " in err
        for name, endpoint in endpoints.items():
            running = managed_scope(_running(endpoint))
            # Either untouched or completely configured: never in between.
            assert running in (before[name], managed_scope(render_intended(SITE, name))), name


def test_deploy_logs_are_private_and_hold_no_secret(lab: dict[str, tuple[str, int]], tmp_path: Path) -> None:
    logs = open_log_dir(tmp_path / "logs", SITE.name, "deploy")
    nr = ios_devices(
        init_nornir(SITE.directory, Credentials(USER, PASSWORD, "test"), lab, session_log_dir=logs)
    )
    report = deploy_devices(nr, SITE)
    write_json(logs / "deploy.json", {**report.as_json(), "note": "username x secret 9 $9$abc$def"})
    assert report.ok, [(h.host, h.error) for h in report.hosts]
    assert stat.S_IMODE(logs.stat().st_mode) == 0o700
    files = sorted(p.name for p in logs.iterdir())
    assert files == sorted([*(f"{name}.log" for name in SITE.devices()), "deploy.json"])
    for path in logs.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
        text = path.read_text()
        for leak in ("$9$", "$1$", PASSWORD, SECRET):
            assert leak not in text, f"{path.name} holds {leak!r}"
    r1 = (logs / "R1.log").read_text()
    # The session really was logged: the running config with its secret lines, values masked.
    assert "show running-config" in r1
    assert "username admin privilege 15 secret 9 <removed>" in r1
    assert "enable secret 9 <removed>" in r1
    assert "secret 9 <removed>" in (logs / "deploy.json").read_text()
    # The nornir object is left as it was: a second deploy logs again, into a new folder.
    again = open_log_dir(tmp_path / "logs", SITE.name, "deploy")
    assert again != logs and stat.S_IMODE(again.stat().st_mode) == 0o700


def test_masked_log_joins_lines_split_across_reads(tmp_path: Path) -> None:
    log = MaskedLog(tmp_path / "s.log")
    for piece in (b"username admin secret 9 $9$ab", b"cdef$ghij\r\nenable sec", b"ret 9 $9$x$y"):
        log.write(piece)
        log.flush()
    log.close()
    text = (tmp_path / "s.log").read_bytes()
    assert text == b"username admin secret 9 <removed>\r\nenable secret 9 <removed>"
    assert stat.S_IMODE((tmp_path / "s.log").stat().st_mode) == 0o600
