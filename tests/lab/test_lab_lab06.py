"""lab06: one switch, static PCs and the two servers; then the lab's life cycle.

The switch boots with its day-0 config only: a fresh IOSvL2 already switches every port in
VLAN 1, so the static PCs reach each other and the servers before and after the design is pushed.
The last tests take the lab down (also after `kill -9` of its controller) and check that nothing
the lab made is left.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from lab_support import (
    CONVERGE_BUDGET,
    TEST_LABS,
    lab_namespaces,
    needs_root,
    pc_resolv,
    pings,
    poll,
    running_lab,
)

from automation.lab import launcher, process
from automation.lab.state import LabPaths, read_state
from automation.models import load_site

pytestmark = [needs_root]

SITE = "lab06"
MASTERTECH = str(Path(sys.executable).parent / "mastertech")
ROOT = Path(__file__).resolve().parents[2]


def test_static_pcs_reach_each_other_and_the_servers() -> None:
    with running_lab(SITE) as lab:
        pc0, pc1 = lab.netns("PC0"), lab.netns("PC1")
        assert lab.site.dns is not None
        assert "nameserver 192.168.1.5" in pc_resolv(pc0)
        assert poll(lambda: pings(pc0, "192.168.1.3"), CONVERGE_BUDGET, "PC0 -> PC1 on a day-0 switch")
        rejected = lab.push_design()
        assert not any(rejected.values()), rejected
        for src, dst in (
            (pc0, "192.168.1.3"),
            (pc1, "192.168.1.4"),
            (pc0, "192.168.1.2"),
            (pc1, "192.168.1.5"),
        ):
            assert poll(lambda s=src, d=dst: pings(s, d), CONVERGE_BUDGET, f"{src} -> {dst}")
        lab.configure("SW1", ["interface Gi0/2", "shutdown"])
        poll(lambda: not pings(pc0, "192.168.1.3"), CONVERGE_BUDGET, "PC1's port shut")
        lab.configure("SW1", ["interface Gi0/2", "no shutdown"])
        poll(lambda: pings(pc0, "192.168.1.3"), CONVERGE_BUDGET, "PC1's port back")


def _cli(command: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MASTERTECH_LAB_DIR": str(TEST_LABS)}
    return subprocess.run(
        [MASTERTECH, "lab", command, "--site", SITE, "--inventory", str(ROOT / "inventory"), *args],
        capture_output=True, text=True, check=False, env=env, timeout=180,
    )  # fmt: skip


@pytest.fixture()
def clean_start() -> None:
    """No lab06 lab from an earlier run."""
    os.environ["MASTERTECH_LAB_DIR"] = str(TEST_LABS)
    try:
        site = load_site(ROOT / "inventory" / SITE)
        if launcher.leftovers(LabPaths.for_site(SITE), launcher.plan_site(site)):
            launcher.down(site, wipe=True)
    finally:
        os.environ.pop("MASTERTECH_LAB_DIR", None)


def test_cli_up_status_down_leave_nothing(clean_start: None) -> None:
    namespaces_before = lab_namespaces()
    assert _cli("status").returncode == 2  # no lab: a clear message, not a traceback
    up = _cli("up")
    assert up.returncode == 0, up.stderr
    state = read_state(LabPaths(TEST_LABS / SITE))
    assert state is not None
    started = [*state.processes, *([state.controller] if state.controller else [])]
    assert started and all(process.alive(p) for p in started)
    status = json.loads(_cli("status", "--json").stdout)
    assert {n["name"] for n in status["nodes"]} == {"SW1", "DNS", "MAIL", "PC0", "PC1"}
    exec_ = _cli("exec", "PC0", "--", "ip", "-4", "-o", "addr", "show", "eth0")
    assert "192.168.1.4/24" in exec_.stdout
    down = _cli("down", "--wipe")
    assert down.returncode == 0, down.stderr
    assert lab_namespaces() == namespaces_before - {n["netns"] for n in status["nodes"]}
    assert not any(process.alive(p) for p in started)
    # --wipe takes the startup configs; the last run's logs stay for looking into it.
    assert [p.name for p in (TEST_LABS / SITE).iterdir()] == ["last-run"]
    assert (TEST_LABS / SITE / "last-run" / "controller.log").is_file()
    assert _cli("down").returncode == 2


def test_down_after_the_controller_was_killed(clean_start: None) -> None:
    namespaces_before = lab_namespaces()
    assert _cli("up").returncode == 0
    state = read_state(LabPaths(TEST_LABS / SITE))
    assert state is not None and state.controller is not None
    namespaces = set(state.namespaces)
    pids = {pid for ns in namespaces for pid in _netns_pids(ns)}
    os.kill(state.controller.pid, signal.SIGKILL)
    poll(lambda: not process.alive(state.controller), CONVERGE_BUDGET, "controller gone")  # type: ignore[arg-type]
    status = _cli("status")
    assert status.returncode == 2 and "controller died" in status.stderr
    assert _cli("down", "--wipe").returncode == 0
    assert lab_namespaces() == namespaces_before - namespaces
    assert not [p for p in pids if Path(f"/proc/{p}").exists() and _state(p) not in ("Z", "X")]


def _netns_pids(name: str) -> list[int]:
    out = subprocess.run(["ip", "netns", "pids", name], capture_output=True, text=True, check=False).stdout
    return [int(p) for p in out.split()]


def _state(pid: int) -> str:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return "X"
    return stat[stat.rfind(")") + 2]
