"""Start, stop and inspect a site's lab from the command line, tests and benchmarks.

`up()` writes the plan, starts the controller as a daemon (its own session, output to its log)
and returns when the controller reports every node reachable. `down()` asks the controller to
tear down and then removes whatever is left, which also covers a controller that was killed.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from ipaddress import IPv4Interface
from pathlib import Path
from typing import Any

from automation.errors import LabError, UsageError
from automation.lab import cleanup, netns, process
from automation.lab.budgets import BUDGETS, INTERVALS
from automation.lab.command import ip_json
from automation.lab.names import port_ifname
from automation.lab.process import ProcessRecord
from automation.lab.state import LabPaths, LabState, read_state
from automation.lab.topology import LabPlan, plan_site, plan_to_json
from automation.models.design import Site
from automation.platforms.cisco_ios import long_name
from automation.polling import until
from automation.secrets import device_credentials, enable_secret, linux_lab_credentials

log = logging.getLogger(__name__)


# Controllers this process started: polled after `down` so that a long-lived caller (a test
# session) does not keep them as zombies.
_controllers: list[subprocess.Popen[bytes]] = []


def require_root() -> None:
    if os.geteuid() != 0:
        raise UsageError("the embedded lab needs root (network namespaces); run it with sudo or as root")


@dataclass(frozen=True)
class UpResult:
    state: LabState
    seconds: float


def running_state(paths: LabPaths) -> LabState | None:
    """The state of a lab whose controller is alive, else None."""
    state = read_state(paths)
    if state is None or state.controller is None or not process.alive(state.controller):
        return None
    return state


def leftovers(paths: LabPaths, plan: LabPlan) -> bool:
    """Something of this lab directory's lab exists (a state file or its namespaces)."""
    mine = {None, str(paths.root)}
    return paths.state.exists() or any(netns.exists(n) and netns.owner(n) in mine for n in plan.namespaces())


def up(site: Site, *, debug: bool = False, budget: float = BUDGETS.up) -> UpResult:
    return up_plan(plan_site(site), debug=debug, budget=budget)


def up_plan(plan: LabPlan, *, debug: bool = False, budget: float = BUDGETS.up) -> UpResult:
    require_root()
    paths = LabPaths.for_site(plan.site)
    if running_state(paths) is not None:
        raise UsageError(
            f"the lab of site {plan.site} is already running; `mastertech lab down --site {plan.site}` first"
        )
    others = sorted(
        {o for n in plan.namespaces() if netns.exists(n) and (o := netns.owner(n))} - {str(paths.root)}
    )
    if others:
        raise UsageError(
            f"the namespaces of site {plan.site} belong to the lab in {others[0]}; take that one down first "
            f"(MASTERTECH_LAB_DIR={Path(others[0]).parent} mastertech lab down --site {plan.site})"
        )
    if leftovers(paths, plan):
        log.warning("%s: removing what a previous lab left behind", plan.site)
        cleanup.teardown(paths, plan.namespaces())
    # Generate and store the secrets now, before the controller reads them (and fail before
    # anything is built when the Linux login cannot be the lab's).
    device_credentials()
    enable_secret()
    linux_lab_credentials()
    paths.root.mkdir(parents=True, exist_ok=True)
    paths.plan.write_text(plan_to_json(plan), encoding="utf-8")
    argv = [sys.executable, "-m", "automation.lab.controller", "--lab-dir", str(paths.root)]
    if debug:
        argv.append("--debug")
    t0 = time.monotonic()
    with paths.log.open("ab") as out:
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            close_fds=True,
            cwd="/",
            env={**os.environ, "PYTHONPATH": _package_root()},
        )
    _controllers.append(proc)

    def settled() -> LabState | None:
        """The state once the lab is up (degraded: up, its health says why) or has failed."""
        state = read_state(paths)
        if state is not None and state.phase in ("ready", "degraded", "failed"):
            return state
        return None if proc.poll() is None else (state or LabState(site=plan.site, phase="failed"))

    state = until(settled, budget, INTERVALS.launcher)
    if state is not None and state.phase in ("ready", "degraded"):
        return UpResult(state, time.monotonic() - t0)
    exited = proc.poll() is not None
    why = state.error if state and state.error else None
    if not exited:
        why = why or f"not ready within {budget:.0f} s"
    tail = _tail(paths.log)
    cleanup.teardown(paths, plan.namespaces())
    raise LabError(f"lab {plan.site} did not come up: {why or 'the controller exited'}\n{tail}")


def _package_root() -> str:
    root = str(Path(__file__).resolve().parents[2])
    current = os.environ.get("PYTHONPATH")
    return f"{root}:{current}" if current else root


def _tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def down(site: Site, *, wipe: bool = False) -> list[str]:
    require_root()
    plan = plan_site(site)
    paths = LabPaths.for_site(site.name)
    if not leftovers(paths, plan) and not (wipe and paths.root.exists()):
        raise UsageError(f"no lab of site {site.name} is running (nothing to take down)")
    done = cleanup.teardown(paths, plan.namespaces(), wipe=wipe)
    reap_controllers()
    return done


def reap_controllers() -> None:
    for proc in list(_controllers):
        if proc.poll() is not None:
            _controllers.remove(proc)


def require_running(site: str) -> LabState:
    paths = LabPaths.for_site(site)
    state = read_state(paths)
    if state is None:
        raise UsageError(f"no lab of site {site} is running; start it with `mastertech lab up --site {site}`")
    if state.controller is None or not process.alive(state.controller):
        raise UsageError(
            f"the lab of site {site} is not running (its controller died); "
            f"`mastertech lab down --site {site}` cleans up what it left"
        )
    return state


def live_addresses(namespace: str) -> list[str]:
    """Global IPv4 addresses of every interface in the namespace, as CIDR strings."""
    if not netns.exists(namespace):
        return []
    out: list[str] = []
    for row in ip_json(namespace, "-4", "addr", "show"):
        for a in row.get("addr_info", []):
            if a.get("family") == "inet" and not str(a.get("local", "")).startswith("127."):
                out.append(str(IPv4Interface(f"{a['local']}/{a['prefixlen']}")))
    return sorted(set(out), key=lambda c: IPv4Interface(c))


def node_record(state: LabState, name: str) -> Any:
    for n in state.nodes:
        if n.name.lower() == name.lower():
            return n
    raise UsageError(
        f"no node {name!r} in the lab of site {state.site}; nodes: {', '.join(n.name for n in state.nodes)}"
    )


def exec_argv(state: LabState, node: str, command: list[str]) -> list[str]:
    if not command:
        raise UsageError("give the command to run after `--`, e.g. `mastertech lab exec PC1 -- ip addr`")
    rec = node_record(state, node)
    if rec.kind == "server" and rec.init is not None:
        # A server node is its own host: its mount, PID, UTS and IPC namespaces and its root,
        # as `docker exec` enters a container; PID 1 is checked so a reused PID is never entered.
        # `--wd` alone is PID 1's own cwd: `--wd=/` would resolve / before entering the root.
        init = ProcessRecord(f"{rec.name}/init", int(rec.init["pid"]), int(rec.init["start"]))
        if not process.alive(init):
            raise UsageError(f"{rec.name} is not running (see `mastertech lab status`)")
        return [
            "nsenter", f"--target={init.pid}", "--mount", "--uts", "--ipc", "--net", "--pid",
            "--root", "--wd", "--", *command,
        ]  # fmt: skip
    return ["ip", "netns", "exec", rec.netns, *command]


def capture_argv(state: LabState, node: str, iface: str, out: Path, count: int | None) -> list[str]:
    rec = node_record(state, node)
    ifname = iface if iface in _ifnames(rec.netns) else port_ifname(long_name(iface) or iface)
    if ifname not in _ifnames(rec.netns):
        raise UsageError(
            f"{rec.name} has no interface {iface!r}; it has {', '.join(sorted(_ifnames(rec.netns)))}"
        )
    argv = ["ip", "netns", "exec", rec.netns, "tcpdump", "-n", "-U", "-i", ifname, "-w", str(out)]
    if count:
        argv += ["-c", str(count)]
    return argv


def _ifnames(namespace: str) -> set[str]:
    return {row["ifname"] for row in ip_json(namespace, "link", "show")}
