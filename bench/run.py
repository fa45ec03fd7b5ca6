"""Every benchmark in one run, ours beside what users would use instead: `make bench`.

    sudo .venv/bin/python bench/run.py [--repeats 3] [--only deploy,fleet,lab,up,mail]
        [--fleet 10,50,200] [--mail-count 40] [--out bench/results.json] [--plot bench/fleet.png]

- deploy: `mastertech deploy` vs `ansible-playbook playbooks/network.yml` vs a bare asyncssh floor,
  day-0 to intended on fresh emulated devices (bench/deploy_vs_ansible.py), rounds alternating.
- fleet: N standalone emulated devices, a 30-line config pushed, saved and read back, then a drift
  run (bench/emulator_scale.py, one process per sample so that peak memory is its own).
- lab: `lab up` / `lab down` / memory of the site and of a 20-router chain (bench/lab_speed.py).
- up: `mastertech up` per stage, from a wiped lab.
- mail: bench/mail_stress.py with a small count, on the lab the last `up` left running.

Each measure is repeated (`--repeats`) and reported as the median with its spread (min, max).
The lab measures run on a copy of the site under another name (`mtbench`), in their own lab
directories, so a running lab of the site itself is never touched. Needs root for the labs.
Writes bench/results.json and a plot of fleet time against N.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
PY = sys.executable
MASTERTECH = str(Path(PY).parent / "mastertech")
COPY = "mtbench"  # the site's copy: namespaces mt-mtbench-*, never the site's own
SECTIONS = ("deploy", "fleet", "lab", "up", "mail")


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def stats(samples: Iterable[float]) -> dict[str, float]:
    values = list(samples)
    return {"median": round(statistics.median(values), 3), "min": round(min(values), 3),
            "max": round(max(values), 3), "n": len(values)}  # fmt: skip


def json_of(argv: list[str], env: dict[str, str], timeout: float) -> Any:
    """Run a bench script and read the JSON document it prints last."""
    proc = subprocess.run(
        argv, capture_output=True, text=True, env=env, timeout=timeout, cwd=ROOT, check=False
    )
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    for start in range(len(lines)):
        try:
            return json.loads("\n".join(lines[start:]))
        except json.JSONDecodeError:
            continue
    raise RuntimeError(f"{' '.join(argv[1:3])}: exit {proc.returncode}, no JSON: {proc.stderr[-800:]}")


class Bench:
    def __init__(self, args: argparse.Namespace, work: Path) -> None:
        self.args = args
        self.work = work
        work.chmod(0o755)  # the labs' daemons (frr) run as their own users and must reach their dirs
        self.inventory = work / "inventory"
        site_dir = self.inventory / COPY
        shutil.copytree(ROOT / "inventory" / args.site, site_dir)
        data = yaml.safe_load((site_dir / "site.yaml").read_text())
        data["name"] = COPY
        (site_dir / "site.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
        self.site_dir = site_dir

    def env(self, lab: str | None = None) -> dict[str, str]:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "MASTERTECH_INVENTORY": str(self.inventory)}
        if lab is not None:
            env["MASTERTECH_LAB_DIR"] = str(self.work / "lab" / lab)
        return env

    # -- sections ---------------------------------------------------------------------------

    def deploy(self) -> dict[str, Any]:
        rows = json_of(
            [PY, str(BENCH / "deploy_vs_ansible.py"), "--site", self.args.site, "--rounds",
             str(self.args.repeats), "--json"],
            self.env(), 900,
        )  # fmt: skip
        ours, ansible, floor = rows["mastertech deploy"], rows["ansible network.yml"], rows["asyncssh floor"]
        if any(sample[2] for samples in rows.values() for sample in samples):
            raise RuntimeError(f"a deploy left lines to remediate: {rows}")
        o, a, f = stats(s[0] for s in ours), stats(s[0] for s in ansible), stats(s[0] for s in floor)
        o2, a2 = stats(s[1] for s in ours), stats(s[1] for s in ansible)
        return {
            "ours_s": o["median"], "ansible_s": a["median"], "floor_s": f["median"],
            "ours_second_s": o2["median"], "ansible_second_s": a2["median"],
            "ansible_over_ours": round(a["median"] / o["median"], 1),
            "ansible_over_ours_second": round(a2["median"] / o2["median"], 1),
            "ours_over_floor": round(o["median"] / f["median"], 1),
            "spread": {"ours_s": o, "ansible_s": a, "floor_s": f, "ours_second_s": o2,
                       "ansible_second_s": a2},
            "samples": rows,
        }  # fmt: skip

    def fleet(self) -> list[dict[str, Any]]:
        rows = []
        for n in self.args.fleet:
            samples = []
            for _ in range(self.args.repeats):
                samples.append(json_of(
                    [PY, str(BENCH / "emulator_scale.py"), "--devices", str(n), "--json"], self.env(), 600
                ))  # fmt: skip
                if samples[-1]["failed"]:
                    raise RuntimeError(f"fleet {n}: {samples[-1]['failed']} devices failed")
            row: dict[str, Any] = {"n": n}
            keys = ("deploy_s", "drift_s", "cpu_s", "rss_mb", "emulator_cpu_s", "toolkit_cpu_s",
                    "emulator_rss_mb", "toolkit_rss_mb", "boot_s")  # fmt: skip
            spread = {key: stats(s[key] for s in samples) for key in keys}
            row.update({key: spread[key]["median"] for key in keys})
            row["spread"] = spread
            rows.append(row)
            log(f"fleet {n}: deploy {row['deploy_s']:.1f} s, drift {row['drift_s']:.1f} s")
        return rows

    def lab(self) -> dict[str, Any]:
        samples = [
            json_of(
                [PY, str(BENCH / "lab_speed.py"), "--site-dir", str(self.site_dir), "--routers", "20",
                 "--json"],
                self.env(lab="speed"), 600,
            )
            for _ in range(self.args.repeats)
        ]  # fmt: skip
        out: dict[str, Any] = {}
        for index, name in enumerate(("site", "chain20")):
            runs = [sample[index] for sample in samples]
            spread = {
                "up_s": stats(r["lab up (s)"] for r in runs),
                "down_s": stats(r["lab down (s)"] for r in runs),
                "rss_mb": stats(r["PSS (MB)"] for r in runs),
                "push_s": stats(r["push (s)"] for r in runs),
            }
            converged = next(
                k for k in runs[0] if k.endswith(" (s)") and k.startswith(("all PCs", "R1<->RN"))
            )
            spread["converged_s"] = stats(r[converged] for r in runs)
            entry = {key: value["median"] for key, value in spread.items()}
            entry |= {"nodes": runs[0]["nodes"], "processes": runs[0]["processes"], "spread": spread}
            if name == "site":
                out.update(entry)
            else:
                out[name] = entry
        out["memory"] = "PSS of every lab process (controller and everything in the lab's namespaces)"
        return out

    def _mastertech(self, *argv: str, lab: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [MASTERTECH, *argv, "--inventory", str(self.inventory), "--site", COPY], capture_output=True,
            text=True, env=self.env(lab=lab), timeout=timeout, cwd=self.work, check=False,
        )  # fmt: skip

    def up(self, keep_last: bool) -> dict[str, Any]:
        totals: list[float] = []
        stages: dict[str, list[float]] = {}
        for index in range(self.args.repeats):
            shutil.rmtree(self.work / "lab" / "up", ignore_errors=True)  # wiped: day-0 devices, bare servers
            t0 = time.monotonic()
            proc = self._mastertech("up", "--json", "--log-dir", str(self.work / "logs"), lab="up")
            totals.append(time.monotonic() - t0)
            document = json.loads(proc.stdout)
            if not document["ok"]:
                self._mastertech("down", "--wipe", lab="up")
                raise RuntimeError(f"mastertech up failed: {json.dumps(document['stages'])[-1500:]}")
            for stage in document["stages"]:
                stages.setdefault(stage["name"], []).append(stage["seconds"])
            log(f"up {index + 1}: {totals[-1]:.1f} s")
            if not (keep_last and index == self.args.repeats - 1):
                self._mastertech("down", "--wipe", lab="up")
        spread = {name: stats(values) for name, values in stages.items()}
        total = stats(totals)
        return {
            "total_s": total["median"], "stages": {name: s["median"] for name, s in spread.items()},
            "spread": {"total_s": total, "stages": spread},
            "note": "wall time of `mastertech up --json` from a wiped lab (process start included); "
                    "deploy devices and configure servers run at the same time",
        }  # fmt: skip

    def mail(self) -> dict[str, Any]:
        try:
            runs = json_of(
                [PY, str(BENCH / "mail_stress.py"), "--site", COPY, "--count", str(self.args.mail_count),
                 "--workers", "6", "--json"],
                self.env(lab="up"), 600,
            )  # fmt: skip
        finally:
            self._mastertech("down", "--wipe", lab="up")
        steady = runs["steady"]
        return {
            "messages": steady["messages"], "seconds": steady["submit_seconds"],
            "lost": len(steady["lost"]) + len(runs["postfix restarted"]["lost"]),
            "messages_per_second": steady["messages_per_second"],
            "delivery_seconds": steady["delivery_seconds"], "runs": runs,
        }  # fmt: skip


def goals(results: dict[str, Any]) -> list[dict[str, Any]]:
    checks: list[tuple[str, Callable[[dict[str, Any]], float], Callable[[float], bool]]] = [
        ("deploy: ansible-playbook / ours >= 10x", lambda r: r["deploy"]["ansible_over_ours"],
         lambda v: v >= 10),
        ("deploy: ours / floor <= 2x", lambda r: r["deploy"]["ours_over_floor"], lambda v: v <= 2),
        ("fleet 200: deploy < 10 s", lambda r: _fleet(r, 200)["deploy_s"], lambda v: v < 10),
        ("fleet 200: drift < 5 s", lambda r: _fleet(r, 200)["drift_s"], lambda v: v < 5),
        ("up from a wiped lab < 20 s", lambda r: r["up"]["total_s"], lambda v: v < 20),
        ("lab up < 2 s", lambda r: r["lab"]["up_s"], lambda v: v < 2),
    ]  # fmt: skip
    out = []
    for goal, value, met in checks:
        try:
            v = value(results)
        except (KeyError, StopIteration):
            continue
        out.append({"goal": goal, "value": v, "met": met(v)})
    return out


def _fleet(results: dict[str, Any], n: int) -> dict[str, Any]:
    return next(row for row in results["fleet"] if row["n"] == n)


def plot(fleet: list[dict[str, Any]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")  # no display: write the file only
    import matplotlib.pyplot as plt

    ns = [row["n"] for row in fleet]
    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    for key, label in (("deploy_s", "push 30 lines, save, read back"), ("drift_s", "drift run")):
        medians = [row[key] for row in fleet]
        low = [row[key] - row["spread"][key]["min"] for row in fleet]
        high = [row["spread"][key]["max"] - row[key] for row in fleet]
        ax.errorbar(ns, medians, yerr=[low, high], marker="o", capsize=3, label=label)
    ax.set_xlabel("emulated IOS devices (N)")
    ax.set_ylabel("wall time (s), median with min-max")
    ax.set_title(f"Fleet time against N ({os.cpu_count()} cores)")
    ax.grid(True, alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--site", default="mastertech", help="the site copied for the lab measures")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--only", default=",".join(SECTIONS))
    parser.add_argument("--fleet", default="10,50,200")
    parser.add_argument("--mail-count", type=int, default=40)
    parser.add_argument("--out", type=Path, default=BENCH / "results.json")
    parser.add_argument("--plot", type=Path, default=BENCH / "fleet.png")
    parser.add_argument("--markdown", type=Path, help="print the tables of a results.json, run nothing")
    args = parser.parse_args()
    if args.markdown:
        print(markdown(json.loads(args.markdown.read_text())))
        return 0
    args.fleet = [int(n) for n in args.fleet.split(",")]
    only = [s for s in args.only.split(",") if s]
    if unknown := set(only) - set(SECTIONS):
        parser.error(f"unknown sections {sorted(unknown)}; choose from {', '.join(SECTIONS)}")
    if {"lab", "up", "mail"} & set(only) and os.geteuid() != 0:
        parser.error("the lab measures need root")
    os.environ.setdefault("MASTERTECH_PASSWORD", "bench-Pw-1")  # the emulated devices' login
    results: dict[str, Any] = {
        "machine": {"cores": os.cpu_count(), "load_1min_at_start": round(os.getloadavg()[0], 2),
                    "date": time.strftime("%Y-%m-%d %H:%M:%S %Z")},
        "repeats": {"deploy": args.repeats, "fleet": args.repeats, "lab": args.repeats, "up": args.repeats,
                    "mail": 1},
    }  # fmt: skip
    started = time.monotonic()
    failed: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="mastertech-bench-") as tmp:
        bench = Bench(args, Path(tmp))
        for section in SECTIONS:
            if section not in only:
                continue
            log(f"{section} ...")
            t0 = time.monotonic()
            try:
                if section == "up":
                    results["up"] = bench.up(keep_last="mail" in only)
                else:
                    results[section] = getattr(bench, section)()
            except Exception as exc:  # one broken measure must not cost the others their results
                failed[section] = f"{type(exc).__name__}: {exc}"
                log(f"{section} FAILED: {failed[section]}")
                continue
            log(f"{section}: {time.monotonic() - t0:.0f} s")
    results["seconds"] = round(time.monotonic() - started, 1)
    results["goals"] = goals(results)
    if failed:
        results["failed"] = failed
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    if "fleet" in results:
        plot(results["fleet"], args.plot)
    print(table(results))
    return 1 if failed else 0


def table(results: dict[str, Any]) -> str:
    lines = [f"bench on {results['machine']['cores']} cores, {results['seconds']:.0f} s; medians of "
             f"{results['repeats']['deploy']} runs (min-max)"]  # fmt: skip

    def cell(spread: dict[str, float], unit: str = "s") -> str:
        return f"{spread['median']:.2f} {unit} ({spread['min']:.2f}-{spread['max']:.2f})"

    if d := results.get("deploy"):
        s = d["spread"]
        lines.append(f"deploy, day-0 to intended: ours {cell(s['ours_s'])}, ansible-playbook "
                     f"{cell(s['ansible_s'])}, asyncssh floor {cell(s['floor_s'])}: ansible/ours "
                     f"{d['ansible_over_ours']}x, ours/floor {d['ours_over_floor']}x")  # fmt: skip
    for row in results.get("fleet", []):
        s = row["spread"]
        lines.append(f"fleet N={row['n']}: deploy {cell(s['deploy_s'])}, drift {cell(s['drift_s'])}, "
                     f"CPU {row['cpu_s']:.1f} s, peak RSS {row['rss_mb']:.0f} MB")  # fmt: skip
    if lab := results.get("lab"):
        s = lab["spread"]
        lines.append(f"lab ({lab['nodes']} nodes): up {cell(s['up_s'])}, down {cell(s['down_s'])}, "
                     f"PSS {lab['rss_mb']:.0f} MB; chain20: up {lab['chain20']['up_s']:.2f} s, "
                     f"down {lab['chain20']['down_s']:.2f} s, "
                     f"PSS {lab['chain20']['rss_mb']:.0f} MB")  # fmt: skip
    if up := results.get("up"):
        stages = ", ".join(f"{name} {seconds:.1f}" for name, seconds in up["stages"].items())
        lines.append(f"up from a wiped lab: {cell(up['spread']['total_s'])}; stages: {stages}")
    if mail := results.get("mail"):
        lines.append(f"mail: {mail['messages']} messages in {mail['seconds']:.1f} s "
                     f"({mail['messages_per_second']} msg/s), lost {mail['lost']}")  # fmt: skip
    for goal in results.get("goals", []):
        lines.append(f"{'met   ' if goal['met'] else 'MISSED'} {goal['goal']}: {goal['value']}")
    return "\n".join(lines)


def markdown(results: dict[str, Any]) -> str:
    """The results as the Markdown tables of bench/README.md and the README."""

    def cell(spread: dict[str, float], unit: str = "s") -> str:
        return f"{spread['median']:.2f} {unit} ({spread['min']:.2f}-{spread['max']:.2f})"

    machine = results["machine"]
    out = [f"{machine['cores']} cores (load {machine['load_1min_at_start']} at the start), {machine['date']},"
           f" whole run {results['seconds']:.0f} s; median (min-max) of {results['repeats']['deploy']} runs",
           ""]  # fmt: skip
    if d := results.get("deploy"):
        s = d["spread"]
        out += [
            "| deploy, day-0 to intended (5 IOS devices) | first run | second run (nothing to send) |",
            "|---|---|---|",
            f"| `mastertech deploy` | {cell(s['ours_s'])} | {cell(s['ours_second_s'])} |",
            f"| `ansible-playbook network.yml` | {cell(s['ansible_s'])} | {cell(s['ansible_second_s'])} |",
            f"| asyncssh floor (same lines, nothing else) | {cell(s['floor_s'])} | - |",
            f"| ansible / ours | {d['ansible_over_ours']}x | {d['ansible_over_ours_second']}x |",
            f"| ours / floor | {d['ours_over_floor']}x | |",
            "",
        ]
    if fleet := results.get("fleet"):
        out += ["| fleet N | push, save, read back | drift run | CPU (toolkit + emulator) | peak RSS |",
                "|---|---|---|---|---|"]  # fmt: skip
        for row in fleet:
            s = row["spread"]
            out.append(f"| {row['n']} | {cell(s['deploy_s'])} | {cell(s['drift_s'])} | "
                       f"{row['toolkit_cpu_s']:.1f} + {row['emulator_cpu_s']:.1f} s | "
                       f"{row['toolkit_rss_mb']:.0f} + {row['emulator_rss_mb']:.0f} MB |")  # fmt: skip
        out.append("")
    if lab := results.get("lab"):
        s, c = lab["spread"], lab["chain20"]["spread"]
        out += [
            f"| lab | site ({lab['nodes']} nodes) | chain of 20 routers |",
            "|---|---|---|",
            f"| `lab up` (all reachable) | {cell(s['up_s'])} | {cell(c['up_s'])} |",
            f"| push to converged | {cell(s['converged_s'])} | {cell(c['converged_s'])} |",
            f"| `lab down` | {cell(s['down_s'])} | {cell(c['down_s'])} |",
            f"| PSS of the lab | {cell(s['rss_mb'], 'MB')} | {cell(c['rss_mb'], 'MB')} |",
            "",
        ]
    if up := results.get("up"):
        out += ["| `mastertech up` from a wiped lab | seconds |", "|---|---|"]
        for name, spread in up["spread"]["stages"].items():
            out.append(f"| {name} | {cell(spread)} |")
        out += [f"| **total (wall, process start included)** | **{cell(up['spread']['total_s'])}** |", ""]
    if mail := results.get("mail"):
        out += [f"Mail: {mail['messages']} messages submitted in {mail['seconds']:.1f} s "
                f"({mail['messages_per_second']} msg/s), delivered after {mail['delivery_seconds']:.1f} s, "
                f"{mail['lost']} lost (the run with Postfix restarted included).", ""]  # fmt: skip
    if goals_ := results.get("goals"):
        out += ["| goal | value | |", "|---|---|---|"]
        out += [f"| {g['goal']} | {g['value']} | {'met' if g['met'] else '**missed**'} |" for g in goals_]
    return "\n".join(out)


if __name__ == "__main__":
    raise SystemExit(main())
