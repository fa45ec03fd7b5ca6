"""Processes the lab starts: spawned with their own stdio, recorded by PID and start time.

A PID alone can be reused after a crash; the start time from /proc/<pid>/stat makes a record
name one process only, so cleanup never signals a process the lab did not start.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from automation.errors import LabError
from automation.lab.budgets import BUDGETS, INTERVALS
from automation.lab.command import in_netns
from automation.polling import until

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ProcessRecord:
    """One process the lab started: enough to find it again after the controller died."""

    name: str
    pid: int
    start: int  # clock ticks since boot, field 22 of /proc/<pid>/stat
    netns: str | None = None


def start_time(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8")
    except OSError:
        return None
    # The command name (field 2) may contain spaces and parentheses: split after the last ')'.
    fields = stat[stat.rfind(")") + 2 :].split()
    state = fields[0]
    if state in {"Z", "X"}:
        return None
    return int(fields[19])


def alive(record: ProcessRecord) -> bool:
    return start_time(record.pid) == record.start


def record(name: str, pid: int, netns: str | None = None) -> ProcessRecord:
    started = start_time(pid)
    if started is None:
        raise LabError(f"{name}: process {pid} exited right after start")
    return ProcessRecord(name, pid, started, netns)


def spawn(
    name: str, argv: Sequence[str], *, netns: str | None, log_path: Path, env: dict[str, str] | None = None
) -> tuple[subprocess.Popen[bytes], ProcessRecord]:
    """Start `argv` (inside `netns` when given) with stdin from /dev/null and output to `log_path`.

    Daemons must not inherit the caller's stdout/stderr: a pipe held open by a daemon never closes.
    Their own session keeps terminal signals (Ctrl-C on `lab up`) away from them.
    """
    full = in_netns(netns, argv) if netns else list(argv)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as out:
        try:
            proc = subprocess.Popen(
                full,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                close_fds=True,
                env=env,
            )
        except FileNotFoundError as exc:
            raise LabError(f"{name}: {full[0]} is not installed; run `make setup`") from exc
    # `ip netns exec` replaces itself with the program, so the PID is the program's.
    started = start_time(proc.pid)
    if started is None:
        raise LabError(f"{name}: exited at once; see {log_path}")
    log.debug("%s: started pid %d in %s", name, proc.pid, netns or "root namespace")
    return proc, ProcessRecord(name, proc.pid, started, netns)


def stop(
    records: Iterable[ProcessRecord],
    budget: float | None = None,
    children: dict[int, subprocess.Popen[bytes]] | None = None,
) -> None:
    """SIGTERM every live recorded process, wait up to `budget` (default BUDGETS.process_stop),
    then SIGKILL the rest.

    `children` are this process's own Popen handles, reaped here by PID; never `waitpid(-1)`,
    which would steal the exit status of a concurrent `subprocess.run` in another thread.
    """
    children = children or {}
    budget = BUDGETS.process_stop if budget is None else budget
    live = [r for r in records if alive(r)]
    for r in live:
        _signal(r, signal.SIGTERM)

    def all_gone() -> bool:
        nonlocal live
        _reap(children)
        live = [r for r in live if alive(r)]
        return not live

    until(all_gone, budget, INTERVALS.poll)
    for r in live:
        log.warning("%s: pid %d ignored SIGTERM for %.1f s; killing it", r.name, r.pid, budget)
        _signal(r, signal.SIGKILL)
    _reap(children)


def _signal(r: ProcessRecord, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(r.pid, sig)


def _reap(children: dict[int, subprocess.Popen[bytes]]) -> None:
    for proc in children.values():
        proc.poll()
