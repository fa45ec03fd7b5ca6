"""Deploy speed: `mastertech deploy` (Nornir + netmiko) versus `playbooks/network.yml` (Ansible),
and a floor: a bare asyncssh client that sends the same lines and nothing else.

All three push the same intended configs of a site to the same kind of devices, measured side by
side in one run: each tool gets fresh emulated devices with the same day-0 config, then runs a
second time on the devices it configured (nothing left to send). The floor sends each device the
remediation lines `mastertech deploy` would send it (computed beforehand, not timed), then
`write memory`, over one SSH shell per device, all devices at once; it reads nothing back and
checks nothing, so no tool can be faster. Runs on loopback only.

    .venv/bin/python bench/deploy_vs_ansible.py [--site mastertech] [--rounds 2] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import asyncssh
from netmiko import ConnectHandler

from automation.deploy import deploy_devices
from automation.drift import remediate
from automation.emulator.device import DeviceSpec, day0_config
from automation.emulator.server import ThreadedEmulator
from automation.inventory import PROJECT_INVENTORY
from automation.inventory.nornir import init_nornir, ios_devices
from automation.models import Site, load_site
from automation.render import render_intended
from automation.secrets import device_credentials

Endpoints = dict[str, tuple[str, int]]


def devices(site: Site, root: Path) -> list[DeviceSpec]:
    creds = device_credentials()
    return [
        DeviceSpec(
            name,
            "router" if site.node(name).kind == "router" else "switch",
            root / name,
            day0_config=day0_config(name, creds.username, creds.password, enable_secret=creds.password),
        )
        for name in site.devices()
    ]


def residual(site: Site, endpoints: Endpoints) -> int:
    """Lines still to remediate after a run: both tools must reach the intended config to compare."""
    creds = device_credentials()
    left = 0
    for name, (host, port) in endpoints.items():
        with ConnectHandler(
            device_type="cisco_ios", host=host, port=port, username=creds.username, password=creds.password
        ) as conn:
            left += len(
                remediate(conn.send_command("show running-config"), render_intended(site, name)).commands
            )
    return left


def with_fresh_devices(site: Site, run: Callable[[Endpoints], None]) -> tuple[float, float, int]:
    """Seconds of a first run on fresh devices, of a second run right after it, and lines left."""
    with tempfile.TemporaryDirectory() as tmp, ThreadedEmulator(devices(site, Path(tmp))) as emu:
        endpoints = {name: host.endpoint for name, host in emu.hosts.items()}
        t0 = time.perf_counter()
        run(endpoints)
        t1 = time.perf_counter()
        run(endpoints)
        t2 = time.perf_counter()
        return t1 - t0, t2 - t1, residual(site, endpoints)


def nornir_run(site: Site) -> Callable[[Endpoints], None]:
    def run(endpoints: Endpoints) -> None:
        nr = ios_devices(init_nornir(site.directory, device_credentials(), endpoints))
        report = deploy_devices(nr, site)
        assert report.ok, [(h.host, h.error) for h in report.hosts]

    return run


def ansible_run(site: Site) -> Callable[[Endpoints], None]:
    from automation.ansible.runner import run_playbook

    def run(endpoints: Endpoints) -> None:
        result = run_playbook(site, "network.yml", endpoints=endpoints)
        assert result.ok, result

    return run


async def _floor_device(host: str, port: int, lines: list[str], username: str, password: str) -> None:
    async with asyncssh.connect(
        host, port, username=username, password=password, known_hosts=None
    ) as conn:  # fmt: skip
        process = await conn.create_process(term_type="vt100")
        script = ["configure terminal", *lines, "end", "write memory", "exit"]
        process.stdin.write("\n".join(script) + "\n")
        output = await asyncio.wait_for(process.stdout.read(), timeout=120)  # until the shell ends
        if "[OK]" not in output:
            raise RuntimeError(f"{host}:{port}: write memory did not answer [OK]")


async def _floor_push(endpoints: Endpoints, lines: dict[str, list[str]]) -> None:
    creds = device_credentials()
    await asyncio.gather(*(
        _floor_device(host, port, lines[name], creds.username, creds.password)
        for name, (host, port) in endpoints.items() if lines[name]
    ))  # fmt: skip


def floor_lines(site: Site, name: str, endpoint: tuple[str, int]) -> list[str]:
    creds = device_credentials()
    host, port = endpoint
    with ConnectHandler(
        device_type="cisco_ios", host=host, port=port, username=creds.username, password=creds.password
    ) as conn:  # fmt: skip
        running = conn.send_command("show running-config")
    return list(remediate(running, render_intended(site, name)).commands)


TOOLS = ("mastertech deploy", "ansible network.yml", "asyncssh floor")


def measure(site: Site, rounds: int) -> dict[str, list[tuple[float, float, int]]]:
    """Per tool, per round: (first run s, second run s, lines left). Tools alternate in each round,
    so machine noise hits all alike."""
    rows: dict[str, list[tuple[float, float, int]]] = {tool: [] for tool in TOOLS}
    for _ in range(rounds):
        rows["mastertech deploy"].append(with_fresh_devices(site, nornir_run(site)))
        rows["ansible network.yml"].append(with_fresh_devices(site, ansible_run(site)))
        rows["asyncssh floor"].append(with_fresh_floor(site))
    return rows


def with_fresh_floor(site: Site) -> tuple[float, float, int]:
    """The floor on fresh devices: its lines are read before the clock starts; a second run has
    nothing to send and sends nothing (0 s)."""
    with tempfile.TemporaryDirectory() as tmp, ThreadedEmulator(devices(site, Path(tmp))) as emu:
        endpoints = {name: host.endpoint for name, host in emu.hosts.items()}
        lines = {name: floor_lines(site, name, endpoint) for name, endpoint in endpoints.items()}
        t0 = time.perf_counter()
        asyncio.run(_floor_push(endpoints, lines))
        return time.perf_counter() - t0, 0.0, residual(site, endpoints)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", default="mastertech")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--json", action="store_true", help="every sample as JSON")
    args = parser.parse_args()
    os.environ.setdefault("MASTERTECH_PASSWORD", "bench-Pw-1")
    site = load_site(PROJECT_INVENTORY / args.site)
    rows = measure(site, args.rounds)
    if args.json:
        print(json.dumps({tool: [list(s) for s in samples] for tool, samples in rows.items()}))
        return
    print(f"site {site.name}: {len(site.devices())} IOS devices, {args.rounds} rounds, median seconds")
    print(f"{'tool':<22}{'first run':>12}{'second run':>12}{'lines left':>12}")
    medians = {}
    for tool, samples in rows.items():
        first = statistics.median(s[0] for s in samples)
        second = statistics.median(s[1] for s in samples)
        medians[tool] = (first, second)
        left = max(s[2] for s in samples)
        print(f"{tool:<22}{first:>12.2f}{second:>12.2f}{left:>12}")
    ours, theirs = medians["mastertech deploy"], medians["ansible network.yml"]
    floor = medians["asyncssh floor"]
    print(f"ratio ansible/ours: first run {theirs[0] / ours[0]:.1f}x, second run {theirs[1] / ours[1]:.1f}x")
    print(f"ratio ours/floor: first run {ours[0] / floor[0]:.1f}x")


if __name__ == "__main__":
    main()
