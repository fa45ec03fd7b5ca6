"""Scale benchmark: one emulator process serving N devices, driven by a threaded Nornir run.

    .venv/bin/python bench/emulator_scale.py [--devices 200] [--workers 50] [--json]

The emulator runs in a child process (so its CPU and memory are measured alone); Nornir with the
toolkit's own tasks (automation.tasks: the deploy's session, one-write push) pushes 30 config
lines to every device, reads `show running-config` back in the same exchange, and saves.
Then a drift run: every device's running config read again (`get_running_config`, as `mastertech
drift` does) and compared (hier_config remediation) with the config read back after the push; no
device may differ.
Prints wall time, the emulator's CPU seconds, RSS/PSS and its share of all CPU time used;
`--json` prints the numbers as one JSON object (bench/run.py reads it).
Only 127.0.0.1 is used. Not a test: nothing is asserted beyond the run succeeding.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

USER = "bench"
PASSWORD = "bench-pw"


def serve(count: int, state: Path, endpoints: Path) -> None:
    """Child process: serve `count` devices until SIGTERM, write their ports to `endpoints`."""
    from automation.emulator.device import DeviceSpec, day0_config
    from automation.emulator.server import EmulatorServer

    specs = [
        DeviceSpec(
            hostname=f"D{i:03d}",
            kind="router" if i % 2 else "switch",
            state_dir=state / f"D{i:03d}",
            day0_config=day0_config(f"D{i:03d}", USER, PASSWORD),
        )
        for i in range(count)
    ]

    async def run() -> None:
        stop = asyncio.Event()
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
        async with EmulatorServer(specs) as server:
            ports = {name: host.port for name, host in server.hosts.items()}
            endpoints.write_text(json.dumps(ports))
            await stop.wait()

    asyncio.run(run())


def proc_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def proc_peak_rss(pid: int) -> int:
    """The process's peak RSS (VmHWM) in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def proc_memory(pid: int) -> tuple[int, int]:
    """(RSS, PSS) in KiB from smaps_rollup."""
    values: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0].endswith(":") and parts[1].isdigit():
            values[parts[0][:-1]] = int(parts[1])
    return values.get("Rss", 0), values.get("Pss", 0)


def config_lines(index: int) -> list[str]:
    lines: list[str] = []
    for n in range(10):
        lines += [
            f"interface Loopback{n + 10}",
            f"description bench loopback {n}",
            f"ip address 10.{index % 250}.{n}.1 255.255.255.255",
        ]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=200)
    parser.add_argument("--workers", type=int, default=50)
    parser.add_argument("--json", action="store_true", help="the numbers as one JSON object")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--state", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--endpoints", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve is not None:
        serve(args.serve, args.state, args.endpoints)
        return

    import yaml
    from nornir import InitNornir

    from automation.remediation import remediate
    from automation.tasks import get_running_config, push_config, save_config

    with tempfile.TemporaryDirectory(prefix="emulator-bench-") as tmp_name:
        tmp = Path(tmp_name)
        endpoints = tmp / "endpoints.json"
        started = time.monotonic()
        child = subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--serve",
                str(args.devices),
                "--state",
                str(tmp / "state"),
                "--endpoints",
                str(endpoints),
            ],
        )
        try:
            while not endpoints.exists():
                if child.poll() is not None:
                    raise SystemExit("the emulator process exited early")
                time.sleep(0.1)
            boot_seconds = time.monotonic() - started
            boot_cpu = proc_cpu(child.pid)
            ports: dict[str, int] = json.loads(endpoints.read_text())
            hosts = {
                name: {
                    "hostname": "127.0.0.1",
                    "port": port,
                    "username": USER,
                    "password": PASSWORD,
                    "platform": "cisco_ios",
                    "data": {"index": i},
                }
                for i, (name, port) in enumerate(sorted(ports.items()))
            }
            (tmp / "hosts.yaml").write_text(yaml.safe_dump(hosts))
            (tmp / "groups.yaml").write_text("dummy: {}\n")
            nr = InitNornir(
                runner={"plugin": "threaded", "options": {"num_workers": args.workers}},
                inventory={
                    "plugin": "SimpleInventory",
                    "options": {"host_file": str(tmp / "hosts.yaml"), "group_file": str(tmp / "groups.yaml")},
                },
                logging={"enabled": False},
            )

            intended: dict[str, str] = {}

            def job(task):  # type: ignore[no-untyped-def]
                pushed = task.run(task=push_config, commands=config_lines(task.host["index"]))
                if "interface Loopback19" not in pushed.result:
                    raise RuntimeError("pushed config missing from show running-config")
                task.run(task=save_config)
                intended[task.host.name] = pushed.result

            def drift(task):  # type: ignore[no-untyped-def]
                result = task.run(task=get_running_config)
                commands = remediate(result.result, intended[task.host.name]).commands
                if commands:
                    raise RuntimeError(f"drift: {len(commands)} lines differ")

            cpu_before = proc_cpu(child.pid)
            self_before = resource.getrusage(resource.RUSAGE_SELF)
            t0 = time.monotonic()
            results = nr.run(task=job)
            wall = time.monotonic() - t0
            t1 = time.monotonic()
            drift_results = nr.run(task=drift)
            drift_wall = time.monotonic() - t1
            nr.close_connections()
            self_after = resource.getrusage(resource.RUSAGE_SELF)
            emulator_cpu = proc_cpu(child.pid) - cpu_before
            client_cpu = (self_after.ru_utime + self_after.ru_stime) - (
                self_before.ru_utime + self_before.ru_stime
            )
            rss, pss = proc_memory(child.pid)
            emulator_peak = proc_peak_rss(child.pid)
            failed = [name for name, res in results.items() if res.failed]
            failed += [name for name, res in drift_results.items() if res.failed]
        finally:
            child.send_signal(signal.SIGTERM)
            child.wait(30)

    share = emulator_cpu / (emulator_cpu + client_cpu) if emulator_cpu + client_cpu else 0.0
    if args.json:
        client_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
        print(json.dumps({
            "n": args.devices, "workers": args.workers, "failed": len(failed), "boot_s": boot_seconds,
            "deploy_s": wall, "drift_s": drift_wall, "emulator_cpu_s": emulator_cpu,
            "toolkit_cpu_s": client_cpu, "cpu_s": emulator_cpu + client_cpu,
            "emulator_rss_mb": emulator_peak / 1024, "toolkit_rss_mb": client_peak / 1024,
            "rss_mb": (emulator_peak + client_peak) / 1024, "emulator_pss_mb": pss / 1024,
        }))  # fmt: skip
        raise SystemExit(1 if failed else 0)
    rows = [
        ("devices", f"{args.devices}"),
        ("nornir workers", f"{args.workers}"),
        ("failed hosts", f"{len(failed)}"),
        ("emulator boot (wall / CPU)", f"{boot_seconds:.1f} s / {boot_cpu:.1f} s"),
        ("nornir run wall time", f"{wall:.1f} s"),
        ("drift run wall time", f"{drift_wall:.1f} s"),
        ("emulator CPU during run", f"{emulator_cpu:.1f} s"),
        ("client (Nornir) CPU during run", f"{client_cpu:.1f} s"),
        ("emulator share of CPU", f"{share:.0%}"),
        ("emulator RSS / PSS", f"{rss / 1024:.0f} MiB / {pss / 1024:.0f} MiB"),
        ("per device (PSS)", f"{pss / 1024 / args.devices:.2f} MiB"),
    ]
    width = max(len(k) for k, _ in rows)
    print(f"{'metric':<{width}}  value")
    print(f"{'-' * width}  {'-' * 20}")
    for key, value in rows:
        print(f"{key:<{width}}  {value}")
    if failed:
        print("failed:", ", ".join(failed[:10]), file=sys.stderr)
        raise SystemExit(1)


if __name__ == "__main__":
    main()
