"""Deploy a site: IOS devices through Nornir (remediate, push, verify, save), servers through Ansible.

Results are data (`DeployReport`); the CLI turns them into tables or JSON.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from netmiko import NetmikoAuthenticationException, NetmikoTimeoutException
from nornir.core import Nornir
from nornir.core.processor import Processor
from nornir.core.task import AggregatedResult

from automation.errors import AutomationError
from automation.inventory.nornir import device_nornir, limit_hosts
from automation.models.design import Site
from automation.providers.base import Endpoint
from automation.runlog import MaskedLog, open_log_dir, write_json
from automation.tasks.config import DeployOutcome, deploy_config

log = logging.getLogger(__name__)


class DeployInterrupted(AutomationError):
    """Ctrl-C during a deploy; the message says where each device stopped."""


@dataclass
class HostReport:
    host: str
    changed: bool
    commands: list[str]
    error: str | None
    seconds: float
    saved: bool = False
    rolled_back: bool = False
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage (not in the JSON)

    def as_json(self) -> dict[str, Any]:
        return {
            "host": self.host,
            "changed": self.changed,
            "commands": self.commands,
            "error": self.error,
            "seconds": round(self.seconds, 3),
        }


@dataclass
class DeployReport:
    hosts: list[HostReport] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return all(h.error is None for h in self.hosts)

    def as_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "hosts": [h.as_json() for h in self.hosts]}


def _host_report(name: str, results: AggregatedResult) -> HostReport:
    multi = results[name]
    first = multi[0]
    outcome = first.result
    if isinstance(outcome, DeployOutcome):
        return HostReport(
            host=name,
            changed=outcome.changed and not outcome.error,
            commands=outcome.commands,
            error=outcome.error,
            seconds=outcome.seconds,
            saved=outcome.saved,
            rolled_back=outcome.rolled_back,
            timings=outcome.timings,
        )
    # The task raised before it could report (unreachable, wrong password, timeout).
    exc = first.exception
    reason = f"{type(exc).__name__}: {exc}".splitlines()[0] if exc else str(outcome)
    if isinstance(exc, NetmikoAuthenticationException):
        user = first.host.username if first.host else None
        reason = (
            f"Authentication failed as {user!r}: the device does not accept "
            "MASTERTECH_USERNAME/MASTERTECH_PASSWORD (or the vault's password); an embedded lab keeps its "
            "devices' saved configs, `mastertech down --wipe` boots them fresh"
        )
    elif isinstance(exc, NetmikoTimeoutException):
        reason = f"unreachable: {exc}".splitlines()[0]
    return HostReport(host=name, changed=False, commands=[], error=reason, seconds=0.0)


@contextlib.contextmanager
def _masked_session_logs(nr: Nornir) -> Iterator[None]:
    """Session logs named by path become `MaskedLog`s (0600, hashes masked) for this run."""
    swapped: list[tuple[dict[str, Any], str, MaskedLog]] = []
    try:
        for host in nr.inventory.hosts.values():
            options = host.connection_options.get("netmiko")
            extras = options.extras if options is not None else None
            path = extras.get("session_log") if extras is not None else None
            if extras is None or not isinstance(path, str):
                continue
            writer = MaskedLog(Path(path))
            extras["session_log"] = writer
            swapped.append((extras, path, writer))
        yield
    finally:
        for extras, path, writer in swapped:
            extras["session_log"] = path
            writer.close()


def deploy_devices(
    nr: Nornir,
    site: Site,
    *,
    dry_run: bool = False,
) -> DeployReport:
    """Deploy every IOS host in `nr` in parallel; one host's failure never stops the others."""
    start = time.monotonic()
    stages: dict[str, str] = {}
    cancel = threading.Event()
    box: dict[str, AggregatedResult] = {}

    done = threading.Event()

    def work() -> None:
        try:
            with _masked_session_logs(nr):
                try:
                    box["results"] = nr.run(
                        task=deploy_config,
                        site=site,
                        dry_run=dry_run,
                        stages=stages,
                        cancel=cancel,
                        name="deploy_config",
                    )
                finally:
                    nr.close_connections(on_good=True, on_failed=True)
        finally:
            done.set()

    # The run happens in a worker thread so that Ctrl-C reaches this one: devices in the middle of
    # a change finish their step (push, verify, save or roll back), devices not yet pushed are left
    # alone, and the error says where each one ended.
    worker = threading.Thread(target=work, name="deploy")
    worker.start()
    interrupted = False
    # An Event, not Thread.join: on Python 3.11 a join interrupted by Ctrl-C can report a live
    # thread as finished.
    while not done.is_set():
        try:
            done.wait(0.2)
        except KeyboardInterrupt:
            interrupted = True
            cancel.set()
            log.warning("interrupted: letting the devices in the middle of a change finish it")
    if interrupted:
        nr.close_connections(on_good=True, on_failed=True)
        where = ", ".join(f"{h}: {stages.get(h, 'not started')}" for h in sorted(nr.inventory.hosts))
        raise DeployInterrupted(f"deploy interrupted; devices ended at: {where}")
    results = box["results"]
    report = DeployReport()
    for name in sorted(results):
        report.hosts.append(_host_report(name, results))
        if log.isEnabledFor(logging.DEBUG):
            timings = ", ".join(f"{k} {v:.3f} s" for k, v in report.hosts[-1].timings.items())
            log.debug("%s: %s", name, timings)
    nr.close_connections(on_good=True, on_failed=True)
    report.seconds = time.monotonic() - start
    log.info("deploy: %s", asdict(report) if log.isEnabledFor(logging.DEBUG) else report.ok)
    return report


@dataclass(frozen=True)
class DeployRun:
    """A deploy of a site's devices and where its logs (netmiko sessions, deploy.json) went."""

    report: DeployReport
    logs: Path


def run_log_dir(root: Path, site: Site, verb: str) -> Path:
    """A new private (0700) folder for one run's logs."""
    return open_log_dir(root, site.name, verb)


def deploy_site(
    site: Site,
    endpoints: Mapping[str, Endpoint],
    *,
    log_root: Path,
    dry_run: bool = False,
    limit: str | None = None,
    processors: Sequence[Processor] = (),
) -> DeployRun:
    """Deploy the site's IOS devices (or the `limit`ed ones) reached at `endpoints`."""
    logs = run_log_dir(log_root, site, "deploy")
    nr = limit_hosts(device_nornir(site, endpoints, session_log_dir=logs), limit)
    if processors:
        nr = nr.with_processors(list(processors))
    report = deploy_devices(nr, site, dry_run=dry_run)
    write_json(logs / "deploy.json", report.as_json())
    return DeployRun(report, logs)
