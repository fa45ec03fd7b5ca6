"""FRR pushes against daemons that are slow to start or refuse a line (needs root).

Two routers in namespaces of their own (site `frrpush`), one veth between them, and the lab's
`FrrInstance` for each, driven the way the emulator drives it during a deploy: one apply that
starts ospfd, then at once the next apply with the rest of `router ospf`.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from lab_support import TEST_LABS, needs_root, poll, sh

from automation.lab import frr, netns
from automation.lab.frr import FrrInstance
from automation.lab.frr_config import Block, FrrConfig
from automation.lab.names import netns_name

pytestmark = [pytest.mark.lab, needs_root]

SITE = "frrpush"
CONVERGE_BUDGET = 20.0  # seconds for two routers on one veth to reach FULL (about 2 s unloaded)
# How late the wrapped ospfd starts: a loaded machine, made certain. The push that follows an
# ospfd start comes within milliseconds, so any delay longer than that exposes the race.
OSPFD_DELAY = "1"


def _router(n: int) -> tuple[str, str]:
    return netns_name(SITE, f"r{n}"), f"10.255.0.{n}"


def _ospfd(log_dir: Path, rid: str, networks: list[str], extra: tuple[str, ...] = ()) -> list[Block]:
    """Blocks shaped like `frr_config.render` makes them for a router with one p2p link."""
    iface: Block = (
        "interface Gi0-0",
        ("ip ospf hello-interval 1", "ip ospf dead-interval 3", "ip ospf network point-to-point"),
    )
    body = (f"ospf router-id {rid}", "timers throttle lsa all 0", *extra, *networks)
    return [(None, (f"log file {log_dir / 'ospfd.log'}",)), iface, ("router ospf", body)]


def _config(inst: FrrInstance, blocks: list[Block]) -> FrrConfig:
    return FrrConfig(zebra=inst.pushed.zebra, ospfd=blocks)


def _full(inst: FrrInstance) -> bool:
    data = inst.show_json("show ip ospf neighbor")
    rows = [r for rows in (data.get("neighbors") or {}).values() for r in rows]
    return any(str(r.get("nbrState", "")).startswith("Full") for r in rows)


@pytest.fixture
def routers(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[FrrInstance, FrrInstance]]:
    for n in (1, 2):
        if netns.exists(_router(n)[0]):
            pytest.skip(f"namespace {_router(n)[0]} exists: another run of this test is up")
    root = TEST_LABS / f"{SITE}-{os.getpid()}"
    bin_dir = root / "bin"
    bin_dir.mkdir(parents=True)
    root.chmod(0o755)  # the daemons run as user frr and write their logs below it
    for daemon in ("zebra", "staticd", "ospfd"):
        delay = f"sleep {OSPFD_DELAY}\n" if daemon == "ospfd" else ""
        wrapper = bin_dir / daemon
        wrapper.write_text(f'#!/bin/sh\n{delay}exec {frr.FRR_BIN / daemon} "$@"\n', encoding="utf-8")
        wrapper.chmod(0o755)
    monkeypatch.setattr(frr, "FRR_BIN", bin_dir)
    instances: list[FrrInstance] = []
    try:
        for n in (1, 2):
            ns, rid = _router(n)
            netns.create(ns, f"R{n}", str(root))
        (ns1, _), (ns2, _) = _router(1), _router(2)
        assert (
            sh(
                "ip", "-n", ns1, "link", "add", "Gi0-0", "type", "veth", "peer", "Gi0-0", "netns", ns2
            ).returncode
            == 0
        )
        for n in (1, 2):
            ns, rid = _router(n)
            sh("ip", "-n", ns, "addr", "add", f"10.0.12.{n}/30", "dev", "Gi0-0")
            sh("ip", "-n", ns, "addr", "add", f"{rid}/32", "dev", "lo")
            sh("ip", "-n", ns, "link", "set", "Gi0-0", "up")
            inst = FrrInstance(ns, root / f"R{n}")
            instances.append(inst)
            inst.start()
        for inst in instances:
            inst.wait_ready()
        yield instances[0], instances[1]
    finally:
        for inst in instances:
            inst.stop()
            inst.remove_files()
        for n in (1, 2):
            netns.delete(_router(n)[0])
        shutil.rmtree(root, ignore_errors=True)


def test_network_lines_right_after_ospfd_start_are_not_lost(
    routers: tuple[FrrInstance, FrrInstance],
) -> None:
    """A deploy's first apply starts ospfd with `router ospf` and its router ID only; the next
    apply (the `network` lines) follows at once, before a slow ospfd listens on its vty."""
    for n, inst in enumerate(routers, start=1):
        _, rid = _router(n)
        inst.apply(_config(inst, _ospfd(inst.dir, rid, [])))
        inst.apply(
            _config(inst, _ospfd(inst.dir, rid, ["network 10.0.12.0/30 area 0", f"network {rid}/32 area 0"]))
        )
    for inst in routers:
        poll(
            lambda inst=inst: (
                "network 10.0.12.0/30 area 0" in inst.vtysh(["show running-config"], check=False)
            ),
            CONVERGE_BUDGET,
            f"{inst.netns}: ospfd holds the network pushed right after it started",
        )
        poll(lambda inst=inst: _full(inst), CONVERGE_BUDGET, f"{inst.netns}: OSPF neighbour FULL")


def test_refused_line_is_logged_and_the_daemon_restarted(
    routers: tuple[FrrInstance, FrrInstance], caplog: pytest.LogCaptureFixture
) -> None:
    """vtysh stops at a refused line: what the lab logs says why, and the lines after it still
    reach ospfd (restarted from its whole configuration) instead of being lost."""
    inst = routers[0]
    _, rid = _router(1)
    inst.apply(_config(inst, _ospfd(inst.dir, rid, [])))
    caplog.set_level(logging.WARNING, logger="automation.lab.frr")
    nets = ["network 10.0.12.0/30 area 0"]
    inst.apply(_config(inst, _ospfd(inst.dir, rid, nets, extra=("no-such-ospf-command",))))
    failed = [r.getMessage() for r in caplog.records if "push failed" in r.getMessage()]
    assert failed and "Unknown command" in failed[0], caplog.text
    assert "no-such-ospf-command" in failed[0]
    assert any("restarting ospfd" in r.getMessage() for r in caplog.records), caplog.text
    poll(
        lambda: "network 10.0.12.0/30 area 0" in inst.vtysh(["show running-config"], check=False),
        CONVERGE_BUDGET,
        f"{inst.netns}: ospfd runs the lines after the refused one",
    )
