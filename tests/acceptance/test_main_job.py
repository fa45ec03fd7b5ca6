"""The main job on the embedded lab, for both sites: up, idempotent deploy, drift repaired,
failures isolated and rolled back, dry runs that touch nothing, and the checks from the PCs."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import SiteLab, mastertech
from netmiko import ConnectHandler

from automation.deploy import deploy_devices
from automation.drift import managed_scope
from automation.inventory.nornir import init_nornir, ios_devices
from automation.render import TEMPLATES_DIR, environment, render_intended
from automation.secrets import device_credentials

SITES = ["mastertech", "lab06"]


@pytest.fixture(scope="module", params=SITES)
def lab(request: pytest.FixtureRequest, site_lab: Callable[[str], SiteLab]) -> SiteLab:
    return site_lab(request.param)


def _conn(
    lab: SiteLab, name: str, username: str | None = None, password: str | None = None
) -> ConnectHandler:
    creds = device_credentials()
    host, port = lab.endpoints()[name]
    user, secret = username or creds.username, password or creds.password
    return ConnectHandler(device_type="cisco_ios", host=host, port=port, username=user, password=secret)


def _running(lab: SiteLab, name: str) -> str:
    with _conn(lab, name) as conn:
        return str(conn.send_command("show running-config"))


def test_up_passes_every_stage(lab: SiteLab) -> None:
    assert lab.up.get("ok") is True, lab.up_output[-4000:]
    names = [s["name"] for s in lab.up["stages"]]
    assert names[:3] == ["validate", "lab up", "deploy devices"]
    assert names[-2:] == ["verify", "end-to-end check"]


def test_second_deploy_sends_nothing(lab: SiteLab) -> None:
    proc = mastertech("deploy", "--site", lab.site.name, "--json")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = json.loads(proc.stdout)
    assert report["ok"] is True
    assert [h["commands"] for h in report["hosts"]] == [[] for _ in report["hosts"]]
    assert {h["host"] for h in report["hosts"]} == set(lab.site.devices())


def test_verify_and_check_pass_as_json(lab: SiteLab) -> None:
    for verb in ("verify", "check"):
        proc = mastertech(verb, "--site", lab.site.name, "--json")
        document = json.loads(proc.stdout)
        assert proc.returncode == 0 and document["ok"], [r for r in document["results"] if not r["ok"]]
        assert document["results"], f"{verb} reported nothing"


def _unused_port(lab: SiteLab, device: str) -> str:
    for router in lab.site.routers:
        if router.name == device:
            return next(i.name for i in router.interfaces if i.shutdown)
    switch = next(s for s in lab.site.switches if s.name == device)
    return next(p.name for p in switch.ports if p.mode == "unused")


def test_dry_run_touches_nothing(lab: SiteLab) -> None:
    device = lab.site.devices()[0]
    port = _unused_port(lab, device)
    try:
        with _conn(lab, device) as conn:
            conn.send_config_set([f"interface {port}", "description dry-run probe"])
        before = {name: _running(lab, name) for name in lab.site.devices()}
        proc = mastertech("deploy", "--site", lab.site.name, "--dry-run", "--json")
        report = json.loads(proc.stdout)
        commands = {h["host"]: h["commands"] for h in report["hosts"]}
        assert commands[device] == [f"interface {port}", "  no description dry-run probe", "  exit"]
        after = {name: _running(lab, name) for name in lab.site.devices()}
        assert {n: managed_scope(t) for n, t in before.items()} == {
            n: managed_scope(t) for n, t in after.items()
        }
    finally:
        _repair(lab)


def _repair(lab: SiteLab) -> None:
    """Put the shared lab back as the design says, whatever the test left."""
    assert mastertech("deploy", "--site", lab.site.name).returncode == 0


def test_a_hand_made_change_is_corrected(lab: SiteLab) -> None:
    device = lab.site.devices()[-1]
    try:
        with _conn(lab, device) as conn:
            conn.send_config_set(["vlan 3999", "name ROGUE"])
        report = json.loads(mastertech("deploy", "--site", lab.site.name, "--json").stdout)
        changed = {h["host"]: h for h in report["hosts"] if h["changed"]}
        assert list(changed) == [device]
        assert "no vlan 3999" in changed[device]["commands"]
        assert "vlan 3999" not in _running(lab, device)
    finally:
        _repair(lab)


def test_a_device_with_a_wrong_password_fails_alone(lab: SiteLab) -> None:
    creds = device_credentials()
    victim = lab.site.devices()[-1]
    with _conn(lab, victim) as conn:
        conn.send_config_set(["username rescue privilege 15 secret Rescue-pw-1",
                              f"username {creds.username} privilege 15 secret Not-the-vault-1"])  # fmt: skip
    try:
        proc = mastertech("deploy", "--site", lab.site.name, "--json")
        report = json.loads(proc.stdout)
        assert proc.returncode == 1
        failed = [h for h in report["hosts"] if h["error"]]
        assert [h["host"] for h in failed] == [victim]
        assert "Authentication" in failed[0]["error"]
    finally:
        with _conn(lab, victim, "rescue", "Rescue-pw-1") as conn:
            conn.send_config_set([f"username {creds.username} privilege 15 secret {creds.password}",
                                  "no username rescue"])  # fmt: skip
    assert mastertech("deploy", "--site", lab.site.name).returncode == 0


def test_a_rejected_template_line_is_rolled_back_and_reported(
    lab: SiteLab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    device = lab.site.devices()[0]
    intended = render_intended(lab.site, device)
    broken = tmp_path / "templates"
    shutil.copytree(TEMPLATES_DIR, broken)
    base = broken / "cisco_ios" / "base.j2"
    # A new interface with a typo in it: IOS creates the interface, then refuses the line.
    base.write_text(base.read_text() + "interface Loopback99\n ip adress 10.99.99.99 255.255.255.255\n!\n")
    monkeypatch.setattr("automation.render.ios.environment", lambda: environment.__wrapped__(broken))
    before = {name: _running(lab, name) for name in lab.site.devices()}
    nr = ios_devices(init_nornir(lab.site.directory, device_credentials(), lab.endpoints()))
    request.addfinalizer(lambda: _repair(lab))  # a `mastertech deploy` of its own: the real templates
    report = deploy_devices(nr, lab.site)
    assert not report.ok
    for host in report.hosts:
        assert (
            host.error and "'ip adress 10.99.99.99 255.255.255.255' rejected: % Invalid input" in host.error
        )
        assert host.rolled_back and not host.saved
    after = {name: _running(lab, name) for name in lab.site.devices()}
    assert {n: managed_scope(t) for n, t in before.items()} == {n: managed_scope(t) for n, t in after.items()}
    assert "Loopback99" not in after[device]
    assert managed_scope(after[device]) == managed_scope(intended)
