"""Playbooks of playbooks/ run with ansible-runner: a private data directory, progress streamed to
a callback, a typed per-host summary back.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from automation.ansible.inventory import PLAYBOOKS_DIR, Endpoints, write_inventory
from automation.errors import AutomationError, UsageError
from automation.models.design import Site

log = logging.getLogger(__name__)


class AnsibleRunError(AutomationError):
    """A playbook could not be run at all (not: a host failed; that is in the summary)."""


@dataclass(frozen=True)
class ProgressEvent:
    """One step of a run as people want to see it: a task started, or a host's result of it."""

    kind: str  # "task", "ok", "changed", "failed", "unreachable", "skipped"
    task: str
    host: str | None = None
    message: str | None = None


@dataclass(frozen=True)
class HostSummary:
    host: str
    ok: int
    changed: int
    failed: int
    unreachable: int
    skipped: int
    changed_tasks: tuple[str, ...] = ()
    failed_tasks: tuple[str, ...] = ()  # "task: message", the message cut short and never a no_log one

    @property
    def succeeded(self) -> bool:
        return self.failed == 0 and self.unreachable == 0


@dataclass(frozen=True)
class PlaybookResult:
    playbook: str
    status: str  # ansible-runner's: successful, failed, timeout, canceled
    rc: int
    seconds: float
    hosts: tuple[HostSummary, ...]
    check: bool = False

    @property
    def ok(self) -> bool:
        return self.status == "successful" and all(h.succeeded for h in self.hosts)

    @property
    def changed(self) -> int:
        return sum(h.changed for h in self.hosts)

    def host(self, name: str) -> HostSummary:
        for summary in self.hosts:
            if summary.host == name:
                return summary
        raise KeyError(name)


@dataclass
class _Collector:
    on_event: Callable[[ProgressEvent], None] | None
    changed: dict[str, list[str]] = field(default_factory=dict)
    failed: dict[str, list[str]] = field(default_factory=dict)

    def __call__(self, event: dict[str, Any]) -> bool:
        kind = event.get("event", "")
        data = event.get("event_data") or {}
        task = str(data.get("task") or data.get("name") or "")
        host = str(data.get("host") or "")
        progress: ProgressEvent | None = None
        if kind == "playbook_on_task_start":
            progress = ProgressEvent("task", task)
        elif kind == "runner_on_ok":
            changed = bool((data.get("res") or {}).get("changed"))
            if changed:
                self.changed.setdefault(host, []).append(task)
            progress = ProgressEvent("changed" if changed else "ok", task, host)
        elif kind == "runner_on_failed" and not data.get("ignore_errors"):
            progress = ProgressEvent("failed", task, host, _message(data))
            self.failed.setdefault(host, []).append(f"{task}: {progress.message}")
        elif kind == "runner_on_unreachable":
            progress = ProgressEvent("unreachable", task, host, _message(data))
            self.failed.setdefault(host, []).append(f"{task}: {progress.message}")
        elif kind == "runner_on_skipped":
            progress = ProgressEvent("skipped", task, host)
        if progress is not None:
            if host:
                log.debug("%s: %s %s", progress.host, progress.kind, progress.task)
            if self.on_event is not None:
                self.on_event(progress)
        return True  # keep the event in the artifacts


def _message(data: dict[str, Any]) -> str | None:
    res = data.get("res") or {}
    if res.get("_ansible_no_log") or res.get("censored"):
        return "output hidden (no_log)"
    msg = res.get("msg") or res.get("stderr") or ""
    return str(msg)[:500] or None


def _runner_env(data_dir: Path) -> dict[str, str]:
    venv_bin = str(Path(sys.executable).parent)
    extra = {k: v for k, v in os.environ.items() if k.startswith(("ANSIBLE_", "MASTERTECH_"))}
    return extra | {
        "PATH": os.pathsep.join([venv_bin, os.environ.get("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")]),
        "ANSIBLE_CONFIG": str(PLAYBOOKS_DIR / "ansible.cfg"),
        "ANSIBLE_HOST_KEY_CHECKING": "False",
        "ANSIBLE_RETRY_FILES_ENABLED": "False",
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_LOOKUP_PLUGINS": str(PLAYBOOKS_DIR / "lookup_plugins"),
        "ANSIBLE_ROLES_PATH": str(PLAYBOOKS_DIR / "roles"),
        # Keep SSH multiplexing sockets (and their masters) inside the run's own directory, so
        # that they are found and closed when the run ends.
        "ANSIBLE_SSH_CONTROL_PATH_DIR": str(data_dir / "cp"),
        "ANSIBLE_LOCAL_TEMP": str(data_dir / "tmp"),
        "ANSIBLE_PERSISTENT_CONTROL_PATH_DIR": str(data_dir / "pc"),
    }


@contextlib.contextmanager
def _data_dir(base: Path | None) -> Iterator[Path]:
    if base is not None:
        path = base / "ansible"
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        yield path
        return
    path = Path(tempfile.mkdtemp(prefix="mastertech-ansible-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def _close_ssh_masters(control_dir: Path) -> None:
    """Stop the SSH ControlPersist masters of a finished run (they would linger for a minute)."""
    if not control_dir.is_dir():
        return
    for sock in control_dir.iterdir():
        subprocess.run(
            ["ssh", "-o", f"ControlPath={sock}", "-O", "exit", "mastertech-lab"],
            capture_output=True, timeout=10, check=False,
        )  # fmt: skip


def run_playbook(
    site: Site,
    playbook: str,
    *,
    endpoints: Endpoints | None = None,
    inventory: Path | None = None,
    limit: Sequence[str] | None = None,
    check: bool = False,
    diff: bool = False,
    data_dir: Path | None = None,
    on_event: Callable[[ProgressEvent], None] | None = None,
    timeout: int | None = None,
    extra_vars: Mapping[str, bool | int | str] | None = None,
) -> PlaybookResult:
    """Run playbooks/<playbook> against the site and summarise it per host.

    The inventory is exported from the site (with the lab's `endpoints`) unless `inventory` names
    one. `data_dir` (a lab directory) keeps the run's artifacts under <data_dir>/ansible; without
    it a temporary directory is used and removed. `check` and `diff` are Ansible's --check and
    --diff: drift detection runs `check=True, diff=True` and reads `changed` per host.
    `extra_vars` are the toolkit's own switches (never site data), e.g. mt_install_packages.
    """
    import ansible_runner

    if not (PLAYBOOKS_DIR / playbook).is_file():
        known = ", ".join(sorted(p.name for p in PLAYBOOKS_DIR.glob("*.yml")))
        raise UsageError(f"no playbook {playbook!r} in {PLAYBOOKS_DIR} (known: {known})")
    with _data_dir(data_dir) as pdd:
        inv = inventory or write_inventory(site, pdd / "inventory", endpoints=endpoints)
        for sub in ("cp", "tmp", "pc"):
            (pdd / sub).mkdir(exist_ok=True, mode=0o700)
        # ansible-runner keeps a run's settings in env/ and reads them back when a later call
        # leaves them out (a --check would stick to every following run): start each run clean.
        shutil.rmtree(pdd / "env", ignore_errors=True)
        cmdline = " ".join(flag for flag, on in (("--check", check), ("--diff", diff)) if on)
        collector = _Collector(on_event)
        log.info("ansible: %s on site %s%s", playbook, site.name, " (check mode)" if check else "")
        t0 = time.monotonic()
        try:
            runner = ansible_runner.run(
                private_data_dir=str(pdd),
                project_dir=str(PLAYBOOKS_DIR),
                playbook=playbook,
                inventory=str(inv),
                limit=",".join(limit) if limit else None,
                cmdline=cmdline or None,
                envvars=_runner_env(pdd),
                event_handler=collector,
                quiet=True,
                timeout=timeout,
                extravars=dict(extra_vars or {}),
                rotate_artifacts=5,
                settings={"suppress_ansible_output": True},
            )
        except Exception as exc:  # ansible-runner raises plain exceptions for setup problems
            raise AnsibleRunError(f"ansible-runner could not run {playbook}: {exc}") from exc
        finally:
            _close_ssh_masters(pdd / "cp")
        seconds = time.monotonic() - t0
        stats: dict[str, dict[str, int]] = runner.stats or {}
        names = sorted({h for counts in stats.values() if isinstance(counts, dict) for h in counts})
        hosts = tuple(
            HostSummary(
                host=name,
                ok=stats.get("ok", {}).get(name, 0),
                changed=stats.get("changed", {}).get(name, 0),
                failed=stats.get("failures", {}).get(name, 0),
                unreachable=stats.get("dark", {}).get(name, 0),
                skipped=stats.get("skipped", {}).get(name, 0),
                changed_tasks=tuple(collector.changed.get(name, ())),
                failed_tasks=tuple(collector.failed.get(name, ())),
            )
            for name in names
        )
        result = PlaybookResult(
            playbook=playbook, status=str(runner.status), rc=int(runner.rc or 0), seconds=seconds,
            hosts=hosts, check=check,
        )  # fmt: skip
        log.info("ansible: %s %s in %.1f s (%d changed)", playbook, result.status, seconds, result.changed)
        return result
