"""How fast the embedded lab comes up, converges and goes away, and what it costs in memory.

    sudo .venv/bin/python bench/lab_speed.py [--routers 20] [--only mastertech|chain]
        [--site-dir DIR] [--json]

Two scenarios, each in a fresh lab directory (day-0 devices):
- mastertech: `lab up` until every node is reachable; the rendered design pushed over SSH until
  every PC holds a DHCP lease (relayed ones included); memory; `lab down`.
- a chain of N routers (R1 - R2 - ... - RN, /30 links, OSPF area 0): `lab up`; OSPF configs pushed
  until R1 reaches RN's loopback and back; memory; `lab down`.
Memory is the PSS (proportional set size, shared pages split fairly) of every process of the lab:
the controller and everything running inside its namespaces.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("MASTERTECH_LAB_DIR", "/tmp/mastertech-lab-bench")

from netmiko import ConnectHandler  # noqa: E402

from automation.lab import launcher, netns  # noqa: E402
from automation.lab.state import LabPaths, read_state  # noqa: E402
from automation.models import load_site  # noqa: E402
from automation.models.design import CableDesign, CableEnd, NodeInfo, Site  # noqa: E402
from automation.render import render_device  # noqa: E402
from automation.secrets import device_credentials  # noqa: E402

BUDGET = 120.0


def poll(probe: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + BUDGET
    while not probe():
        if time.monotonic() > deadline:
            raise SystemExit(f"{what}: not within {BUDGET:.0f} s")
        time.sleep(0.05)


def pss_mb(site: str) -> tuple[float, int]:
    state = read_state(LabPaths.for_site(site))
    assert state is not None
    pids = {p for ns in state.namespaces for p in netns.pids(ns)}
    if state.controller:
        pids.add(state.controller.pid)
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024, len(pids)


def push(site: Site, configs: dict[str, list[str]]) -> None:
    mgmt = {
        n.name: {"host": n.mgmt["host"], "port": n.mgmt["port"]}
        for n in launcher.require_running(site.name).nodes
        if n.mgmt
    }
    creds = device_credentials()

    def one(name: str) -> None:
        with ConnectHandler(
            device_type="cisco_ios", host=mgmt[name]["host"], port=mgmt[name]["port"],
            username=creds.username, password=creds.password,
        ) as conn:  # fmt: skip
            conn.send_config_set(configs[name], read_timeout=60)

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(one, configs))


def has_address(namespace: str) -> bool:
    out = subprocess.run(["ip", "-n", namespace, "-4", "-o", "addr", "show", "dev", "eth0"],
                         capture_output=True, text=True, check=False).stdout  # fmt: skip
    return " inet " in out


def pings(namespace: str, dest: str) -> bool:
    argv = ["ip", "netns", "exec", namespace, "ping", "-n", "-q", "-c", "1", "-W", "1", dest]
    return subprocess.run(argv, capture_output=True, check=False).returncode == 0


def run(
    site: Site, configs: dict[str, list[str]], converged: Callable[[], bool], label: str
) -> dict[str, float | int | str]:
    t0 = time.monotonic()
    up = launcher.up(site)
    t_up = time.monotonic() - t0
    try:
        t1 = time.monotonic()
        push(site, configs)
        t_push = time.monotonic() - t1
        poll(converged, label)
        t_conv = time.monotonic() - t1
        mem, procs = pss_mb(site.name)
    finally:
        t2 = time.monotonic()
        launcher.down(site, wipe=True)
        t_down = time.monotonic() - t2
    return {
        "scenario": site.name, "nodes": len(site.nodes), "lab up (s)": up.seconds,
        "up incl. CLI (s)": t_up, "push (s)": t_push, label + " (s)": t_conv,
        "processes": procs, "PSS (MB)": mem, "lab down (s)": t_down,
    }  # fmt: skip


def mastertech(site_dir: Path) -> dict[str, float | int | str]:
    site = load_site(site_dir)
    configs = {
        name: [
            line for line in render_device(site, name).splitlines() if line.strip() not in ("", "!", "end")
        ]
        for name in site.devices()
    }
    plan_ns = launcher.plan_site(site)
    pcs = [plan_ns.node(p.name).netns for p in site.pcs]
    return run(site, configs, lambda: all(has_address(ns) for ns in pcs), "all PCs leased")


def chain(n: int) -> dict[str, float | int | str]:
    nodes = tuple(NodeInfo(name=f"R{i}", kind="router", platform="cisco_ios") for i in range(1, n + 1))
    cables = tuple(
        CableDesign(a=CableEnd(node=f"R{i}", interface="GigabitEthernet0/1"),
                    b=CableEnd(node=f"R{i + 1}", interface="GigabitEthernet0/0"))
        for i in range(1, n)
    )  # fmt: skip
    site = Site(
        name=f"chain{n}", description="benchmark chain", directory=Path("."), domain="chain.lab",
        nodes=nodes, cables=cables, vlans=(), routers=(), switches=(), servers=(), pcs=(),
        dns=None, mail=None, web=None,
    )  # fmt: skip
    configs: dict[str, list[str]] = {}
    for i in range(1, n + 1):
        lines = ["interface Loopback0", f" ip address 10.255.{i // 256}.{i % 256} 255.255.255.255"]
        ospf = [
            "router ospf 1",
            f" router-id 10.255.{i // 256}.{i % 256}",
            " network 10.0.0.0 0.255.255.255 area 0",
        ]
        if i > 1:  # Gi0/0 faces R(i-1) on 10.1.(i-1).0/30 as .2
            lines += [
                "interface GigabitEthernet0/0",
                f" ip address 10.1.{i - 1}.2 255.255.255.252",
                " no shutdown",
            ]
        if i < n:
            lines += [
                "interface GigabitEthernet0/1",
                f" ip address 10.1.{i}.1 255.255.255.252",
                " no shutdown",
            ]
        configs[f"R{i}"] = lines + ospf
    plan = launcher.plan_site(site)
    first, last = plan.node("R1").netns, plan.node(f"R{n}").netns
    far, near = f"10.255.{n // 256}.{n % 256}", "10.255.0.1"
    return run(site, configs, lambda: pings(first, far) and pings(last, near), "R1<->RN routed")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--routers", type=int, default=20)
    parser.add_argument("--only", choices=("mastertech", "chain"), help="run one scenario")
    # A copy of the site under another name leaves a running lab of the site itself alone.
    parser.add_argument("--site-dir", type=Path, default=ROOT / "inventory" / "mastertech")
    parser.add_argument("--json", action="store_true", help="the numbers as JSON, one object per scenario")
    args = parser.parse_args()
    launcher.require_root()
    rows = []
    if args.only in (None, "mastertech"):
        rows.append(mastertech(args.site_dir))
    if args.only in (None, "chain"):
        rows.append(chain(args.routers))
    if args.json:
        print(json.dumps(rows))
        return
    keys = list(dict.fromkeys(k for row in rows for k in row))
    width = max(len(k) for k in keys)
    for key in keys:
        print(f"{key:<{width}}  " + "  ".join(f"{_cell(row.get(key, '-')):>16}" for row in rows))


def _cell(value: float | int | str) -> str:
    return f"{value:.2f}" if isinstance(value, float) else str(value)


if __name__ == "__main__":
    main()
