"""The main job as a library: an ordered list of named stages, each a plain function.

    validate -> lab up (provide) -> [deploy devices -> verify] | configure servers -> end-to-end check

Every stage reaches the lab through its provider (`provider_for(target, site)`), whatever the
target, and returns a typed outcome with `ok` and a one-line `detail`. `run_stages` runs them in
order, times each one, stops at the first that fails, and turns a stage that raises into a failed
stage carrying its error, so a caller always gets one complete `JobResult`. Neighbouring stages
that share a `group` run at the same time, one thread per `lane` (the stages of one lane in
order): the devices' lane (deploy, then verify) and the servers' lane (Ansible) touch disjoint
nodes. Each stage is still timed and reported on its own, in the listed order; a failed stage ends
its lane, and the job stops after the group. Presenting it (rich
tables, `--json`) is the CLI's business; wait budgets live in one frozen `Settings`.
"""

from __future__ import annotations

import queue
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from nornir.core.processor import Processor
from pydantic import BaseModel, ConfigDict

from automation.checks import CheckReport, verify_site
from automation.checks.e2e import run_checks
from automation.deploy import DeployRun, deploy_site
from automation.errors import SiteError, UsageError
from automation.inventory import resolve_site_dir
from automation.inventory.nornir import device_nornir, limit_hosts
from automation.models import load_site
from automation.models.design import Site
from automation.models.targets import OOB_TARGETS, intended_site
from automation.polling import poll
from automation.providers import LabProvider, LabStatus, provider_for

if TYPE_CHECKING:
    from automation.ansible.runner import PlaybookResult

T = TypeVar("T")


class Settings(BaseModel):
    """The job's wait budgets, in seconds."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    converge: float = 60.0  # OSPF adjacencies and routes after a deploy
    converge_poll: float = 1.0
    mail: float = 20.0  # a submitted message reaching the recipient's mailbox


SETTINGS = Settings()


class Outcome(Protocol):
    """What every stage function returns."""

    @property
    def ok(self) -> bool: ...

    @property
    def detail(self) -> str: ...


# --- the stages --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Validated:
    site: Site
    provider: LabProvider
    ok: bool = True

    @property
    def detail(self) -> str:
        return f"site {self.site.name}: {len(self.site.nodes)} nodes, target {self.provider.name}"


def validate(site: str, inventory: Path | None, target: str, endpoints: Path | None) -> Validated:
    """Load the site (SiteError lists every problem) and open the target (a bad endpoints file is
    rejected the same way); nothing is touched yet. The site is the one the target configures
    (`intended_site`: on gns3 and cml the management ports stay up)."""
    design = load_site(resolve_site_dir(site, inventory))
    provider = provider_for(target, design, endpoints)
    return Validated(intended_site(design, target), provider)


@dataclass(frozen=True)
class Provided:
    status: LabStatus
    ok: bool = True

    @property
    def detail(self) -> str:
        notes = f" ({'; '.join(self.status.notes)})" if self.status.notes else ""
        return f"{len(self.status.nodes)} nodes reachable{notes}"


def provide(provider: LabProvider) -> Provided:
    return Provided(provider.up())


@dataclass(frozen=True)
class DevicesDeployed:
    run: DeployRun

    @property
    def ok(self) -> bool:
        return self.run.report.ok

    @property
    def detail(self) -> str:
        hosts = self.run.report.hosts
        failed = [f"{h.host}: {h.error}" for h in hosts if h.error]
        if failed:
            return "; ".join(failed)
        return f"{sum(h.changed for h in hosts)} of {len(hosts)} devices changed (log {self.run.logs})"


def deploy_devices(
    site: Site, provider: LabProvider, log_root: Path, processors: Sequence[Processor] = ()
) -> DevicesDeployed:
    return DevicesDeployed(deploy_site(site, provider.endpoints(), log_root=log_root, processors=processors))


@dataclass(frozen=True)
class ServersConfigured:
    result: PlaybookResult

    @property
    def ok(self) -> bool:
        return self.result.ok

    @property
    def detail(self) -> str:
        hosts = self.result.hosts
        if self.result.ok:
            return "site.yml: " + ", ".join(f"{h.host} {h.changed} changed" for h in hosts)
        failed = [f"{h.host}: {'; '.join(h.failed_tasks) or 'unreachable'}" for h in hosts if not h.succeeded]
        return f"site.yml failed: {', '.join(failed) or self.result.status}"


def configure_servers(site: Site, provider: LabProvider) -> ServersConfigured:
    from automation.ansible.runner import run_playbook  # ansible-runner is slow to import: only when used

    # Nodes the gns3 and cml targets built run a stock Linux image: the playbooks install the
    # daemons there first.
    fresh = {"mt_install_packages": provider.name in OOB_TARGETS}
    return ServersConfigured(run_playbook(site, "site.yml", endpoints=provider.endpoints(), extra_vars=fresh))


@dataclass(frozen=True)
class Checked:
    """A verify or end-to-end report; `attempts` counts the polls until it passed or gave up."""

    report: CheckReport
    what: str
    attempts: int = 1

    @property
    def ok(self) -> bool:
        return self.report.ok

    @property
    def detail(self) -> str:
        bad = [f"{r.host} {r.name}: {r.detail}" for r in self.report.results if not r.ok]
        return "; ".join(bad) if bad else f"{len(self.report.results)} checks passed{self.what}"


def verify_devices(site: Site, provider: LabProvider, limit: str | None = None) -> CheckReport:
    """Show commands of every IOS device, parsed and compared with the design."""
    return verify_site(limit_hosts(device_nornir(site, provider.endpoints()), limit), site)


def verify_converged(site: Site, provider: LabProvider, settings: Settings = SETTINGS) -> Checked:
    """Verify until the network has converged, within the budget."""
    report, attempts = poll(
        partial(verify_devices, site, provider), lambda r: r.ok, settings.converge, settings.converge_poll
    )
    return Checked(report, "", attempts)


def check_end_to_end(site: Site, provider: LabProvider, settings: Settings = SETTINGS) -> Checked:
    """Every end-to-end check, run on the PCs (or test hosts) by the provider's host runner."""
    runner = provider.runner()
    try:
        report = run_checks(site, runner, settings.mail)
    finally:
        runner.close()
    return Checked(report, " from the PCs")


# --- running stages ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Stage:
    """A named step; neighbouring stages with the same `group` run concurrently, those of one
    `lane` of the group one after the other."""

    name: str
    run: Callable[[], Outcome]
    group: str | None = None
    lane: str | None = None


@dataclass(frozen=True)
class StageRecord:
    name: str
    ok: bool
    seconds: float
    detail: str
    outcome: Outcome | None = None
    error: BaseException | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "ok": self.ok,
            "seconds": round(self.seconds, 3),
            "detail": self.detail,
            "error": _error_text(self.error) if self.error else None,
        }


@dataclass(frozen=True)
class JobResult:
    records: tuple[StageRecord, ...]
    planned: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return len(self.records) == len(self.planned) and all(r.ok for r in self.records)

    @property
    def exit_code(self) -> int:
        """0 every stage passed; 2 bad input (the site or the command line); 1 any other failure."""
        if self.ok:
            return 0
        failed = next((r for r in self.records if not r.ok), None)
        return 2 if failed is not None and isinstance(failed.error, SiteError | UsageError) else 1

    def outcome(self, kind: type[T]) -> T | None:
        for record in self.records:
            if isinstance(record.outcome, kind):
                return record.outcome
        return None

    def as_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "stages": [r.as_json() for r in self.records]}

    def __add__(self, other: JobResult) -> JobResult:
        return JobResult(self.records + other.records, self.planned + other.planned)


class Observer(Protocol):
    """Told as each stage starts and ends (a progress display)."""

    def started(self, name: str) -> None: ...

    def finished(self, record: StageRecord) -> None: ...


def _error_text(exc: BaseException) -> str:
    if isinstance(exc, SiteError):
        return "; ".join(exc.problems)
    return str(exc) or type(exc).__name__


def _run_one(stage: Stage) -> StageRecord:
    start = time.monotonic()
    try:
        outcome = stage.run()
    except Exception as exc:  # any stage's error is data: reported with its stage, never lost
        return StageRecord(stage.name, False, time.monotonic() - start, _error_text(exc), error=exc)
    return StageRecord(stage.name, outcome.ok, time.monotonic() - start, outcome.detail, outcome)


def _batches(stages: Sequence[Stage]) -> list[list[Stage]]:
    """`stages` cut into runs of neighbours sharing a group (a stage without one runs alone)."""
    batches: list[list[Stage]] = []
    for stage in stages:
        if batches and stage.group is not None and batches[-1][-1].group == stage.group:
            batches[-1].append(stage)
        else:
            batches.append([stage])
    return batches


def _run_batch(batch: list[Stage], observer: Observer | None) -> list[StageRecord]:
    """The stages of one batch, a thread per lane; records in the stages' order, whatever finished
    first. The observer is called from this thread only, as stages start and end."""
    if len(batch) == 1:
        if observer:
            observer.started(batch[0].name)
        record = _run_one(batch[0])
        if observer:
            observer.finished(record)
        return [record]
    lanes: dict[str, list[Stage]] = {}
    for stage in batch:
        lanes.setdefault(stage.lane or stage.name, []).append(stage)
    events: queue.Queue[str | StageRecord | None] = queue.Queue()

    def run_lane(stages: list[Stage]) -> None:
        try:
            for stage in stages:
                events.put(stage.name)
                record = _run_one(stage)
                events.put(record)
                if not record.ok:
                    return  # a failed stage ends its lane; the other lanes run to their end
        finally:
            events.put(None)

    done: dict[str, StageRecord] = {}
    with ThreadPoolExecutor(max_workers=len(lanes), thread_name_prefix="stage") as pool:
        for stages in lanes.values():
            pool.submit(run_lane, stages)
        running = len(lanes)
        while running:
            event = events.get()
            if event is None:
                running -= 1
            elif isinstance(event, str):
                if observer:
                    observer.started(event)
            else:
                done[event.name] = event
                if observer:
                    observer.finished(event)
    return [done[stage.name] for stage in batch if stage.name in done]


def run_stages(stages: Sequence[Stage], observer: Observer | None = None) -> JobResult:
    """Run `stages` in order until one fails; an exception fails its stage and stops the job.
    A batch of concurrent stages (one `group`) runs to its end; a failure in it stops the job
    after it."""
    records: list[StageRecord] = []
    for batch in _batches(stages):
        batch_records = _run_batch(batch, observer)
        records.extend(batch_records)
        if not all(r.ok for r in batch_records):
            break
    return JobResult(tuple(records), tuple(s.name for s in stages))


@dataclass(frozen=True)
class JobRequest:
    """What `mastertech up` was asked for."""

    site: str = "mastertech"
    inventory: Path | None = None
    target: str = "embedded"
    endpoints: Path | None = None
    log_root: Path = Path("out/logs")
    deploy_processors: tuple[Processor, ...] = ()


CONFIGURE = "configure"  # the group of the stages that work on disjoint nodes at the same time
DEVICES, SERVERS = "devices", "servers"  # its lanes


def main_stages(
    site: Site, provider: LabProvider, request: JobRequest, settings: Settings = SETTINGS
) -> list[Stage]:
    """The stages after validation, in order; `configure servers` only for a site with servers.

    Deploy and verify (IOS devices) and server configuration (Linux servers) touch disjoint nodes
    and neither reads what the other writes, so they share a group and run at the same time, in
    two lanes: the main job waits for the slower lane, not for the sum of all three. The
    end-to-end check needs both."""
    deploy = partial(deploy_devices, site, provider, request.log_root, request.deploy_processors)
    stages = [
        Stage("lab up", partial(provide, provider)),
        Stage("deploy devices", deploy, group=CONFIGURE, lane=DEVICES),
    ]
    if site.servers:
        stages.append(
            Stage(
                "configure servers", partial(configure_servers, site, provider), group=CONFIGURE, lane=SERVERS
            )
        )
    verify = partial(verify_converged, site, provider, settings)
    stages.append(Stage("verify", verify, group=CONFIGURE, lane=DEVICES))
    stages.append(Stage("end-to-end check", partial(check_end_to_end, site, provider, settings)))
    return stages


def run_main_job(
    request: JobRequest, settings: Settings = SETTINGS, observer: Observer | None = None
) -> JobResult:
    """The whole main job on the requested target: one JobResult, whatever happened."""
    first = run_stages(
        [
            Stage(
                "validate",
                partial(validate, request.site, request.inventory, request.target, request.endpoints),
            )
        ],
        observer,
    )
    validated = first.outcome(Validated)
    if validated is None:
        return first
    return first + run_stages(main_stages(validated.site, validated.provider, request, settings), observer)
