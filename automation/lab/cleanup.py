"""Tear a lab down from what it recorded: also after the controller died (`kill -9`).

Only what the lab started is stopped: processes by the PID and start time it recorded, and the
processes inside the namespaces it created (nothing else runs there). Then the namespaces go, with
their /etc/netns files, FRR's per-lab directories and the lab's run directory. Startup configs
(the devices' NVRAM) stay unless `wipe`. The controller log and the daemons' logs and generated
configs are kept in `last-run/` (even with `wipe`) until the next lab goes down.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Iterable

from automation.lab import frr, netns, process
from automation.lab.budgets import BUDGETS, INTERVALS
from automation.lab.names import NETNS_PREFIX, frr_pathspace
from automation.lab.process import ProcessRecord
from automation.lab.servers import cleanup_servers
from automation.lab.state import CorruptState, LabPaths, LabState, read_state
from automation.polling import until

log = logging.getLogger(__name__)

# What `last-run/` keeps of the run directory: small text files only. Never a server node's
# `root`, which is a mount of the host's file system.
KEPT_RUN_FILES = ("frr/*/*", "dhcp/*/*", "pcs/*.log", "servers/*/console.log")
KEPT_SUFFIXES = {".log", ".out", ".conf", ".leases"}


def _state(paths: LabPaths) -> LabState | None:
    """The state file, or None when there is none or it is corrupt: cleanup then goes by the
    plan's namespaces and what runs in them."""
    try:
        return read_state(paths)
    except CorruptState as exc:
        log.warning("%s", exc)
        return None


def stop_controller(paths: LabPaths) -> bool:
    """Ask a live controller to tear its lab down; True when one was running."""
    state = _state(paths)
    ctl = state.controller if state else None
    if ctl is None or ctl.pid == os.getpid() or not process.alive(ctl):
        return False
    process.stop([ctl], budget=BUDGETS.controller_stop)
    return True


def namespace_processes(names: Iterable[str]) -> list[ProcessRecord]:
    out: list[ProcessRecord] = []
    for name in names:
        for pid in netns.pids(name):
            started = process.start_time(pid)
            if started is not None and pid != os.getpid():
                out.append(ProcessRecord(f"{name}/pid{pid}", pid, started, name))
    return out


def teardown(
    paths: LabPaths, namespaces: Iterable[str] = (), wipe: bool = False, keep_record: bool = False
) -> list[str]:
    """Remove everything of the lab at `paths`; returns what was removed, for people.

    `keep_record` leaves the state file and controller log, so that a failed start can be
    reported before the final cleanup removes them.
    """
    done: list[str] = []
    if stop_controller(paths):
        done.append("controller stopped")
    state = _state(paths)
    names = sorted({*namespaces, *(state.namespaces if state else [])})
    names = [n for n in names if n.startswith(NETNS_PREFIX)]
    foreign = [n for n in names if netns.owner(n) not in (None, str(paths.root))]
    if foreign:
        # Same site, another lab directory: that lab's namespaces are not ours to remove.
        log.warning("leaving %d namespaces of the lab in %s", len(foreign), netns.owner(foreign[0]))
        done.append(f"{len(foreign)} namespaces of another lab directory left alone")
        names = [n for n in names if n not in foreign]
    if state and state.processes:
        process.stop(state.processes)
    cleanup_servers(paths.run)
    leftovers = namespace_processes(names)
    if leftovers:
        process.stop(leftovers)
        done.append(f"{len(leftovers)} processes stopped")
    deleted = 0
    for name in names:
        existed = netns.exists(name)
        netns.delete(name)
        frr.remove_pathspace(frr_pathspace(name))
        deleted += existed
    if deleted:
        done.append(f"{deleted} namespaces deleted")
    _wait_gone(names)
    if keep_logs(paths):
        done.append(f"logs kept in {paths.last_run}")
    shutil.rmtree(paths.run, ignore_errors=True)
    if not keep_record:
        for f in (paths.state, paths.log, paths.plan, paths.state.with_suffix(".tmp")):
            f.unlink(missing_ok=True)
    if wipe:
        # The logs stay: a CI run that failed and wiped its lab can still be looked into.
        for entry in paths.root.iterdir() if paths.root.is_dir() else []:
            if entry != paths.last_run:
                if entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    entry.unlink(missing_ok=True)
        done.append("startup configs wiped")
    return done


def keep_logs(paths: LabPaths) -> bool:
    """Copy the controller log and the daemons' logs and configs to `last-run/`.

    A run directory with logs replaces the previous `last-run/` as a whole; without one (the
    second teardown after a failed start, which kept its record) only the controller log is
    refreshed, so that the daemons' logs saved the first time stay. True when anything was kept.
    """
    files = [
        f
        for pattern in KEPT_RUN_FILES
        for f in (paths.run.glob(pattern) if paths.run.is_dir() else [])
        if f.is_file() and not f.is_symlink() and f.suffix in KEPT_SUFFIXES
    ]
    if not files and not paths.log.is_file():
        return False
    try:
        if files:
            shutil.rmtree(paths.last_run, ignore_errors=True)
        paths.last_run.mkdir(parents=True, exist_ok=True)
        for f in files:
            dest = paths.last_run / f.relative_to(paths.run)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(f, dest)
        if paths.log.is_file():
            shutil.copyfile(paths.log, paths.last_run / paths.log.name)
    except OSError as exc:
        # Losing the logs must not stop the teardown.
        log.warning("could not keep the logs in %s: %s", paths.last_run, exc)
        return False
    return True


def _wait_gone(names: list[str]) -> None:
    """`ip netns delete` returns before the kernel has released the namespace's links."""
    until(lambda: not any(netns.exists(n) for n in names), BUDGETS.namespace_gone, INTERVALS.poll)
