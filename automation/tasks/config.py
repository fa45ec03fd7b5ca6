"""Configure an IOS device from its intended config: remediate, push, verify, save or roll back."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from nornir.core.task import Result, Task

from automation.models.design import Site
from automation.platforms.cisco_ios import SAVE_OK
from automation.remediation import Remediation, managed_scope, remediate
from automation.render import render_intended
from automation.tasks.running import checked_running_config, get_running_config
from automation.tasks.session import Transcript, session

log = logging.getLogger(__name__)


@dataclass
class DeployOutcome:
    """Per-host facts a deploy reports; stored as the Result's `result`."""

    changed: bool = False
    commands: list[str] = field(default_factory=list)
    error: str | None = None
    rolled_back: bool = False
    saved: bool = False
    stage: str = "start"
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage, in order


def _remediation(running: str, intended: str) -> Remediation:
    """hier_config's remediation, not computed when the managed sections already read the same:
    identical text needs nothing, and hier_config takes about 5 ms of CPU per device to say so."""
    if managed_scope(running) == managed_scope(intended):
        return Remediation(commands=())
    return remediate(running, intended)


def save_config(task: Task) -> Result:
    output = session(task).run("write memory", timeout=120)
    if SAVE_OK not in output:
        return Result(host=task.host, failed=True, result=output)
    return Result(host=task.host, result=output, changed=True)


class ConfigRejected(Exception):
    """The device refused lines of a push (or ended the session before its end)."""

    def __init__(self, transcript: Transcript) -> None:
        self.transcript = transcript
        reasons = [str(r) for r in transcript.rejected]
        if not transcript.complete:
            echoed = transcript.sent[transcript.echoed - 1].strip() if transcript.echoed else "nothing"
            reasons.append(f"the device ended the session after {echoed!r}")
            if transcript.echoed == len(transcript.sent):
                reasons[-1] += " (before the running config could be read back)"
        super().__init__("; ".join(reasons))


def _push(task: Task, commands: Sequence[str]) -> str:
    """Send the lines in one exchange, every refused line named; the running config after them."""
    transcript = session(task).configure(commands, then="show running-config")
    if transcript.rejected or not transcript.complete:
        raise ConfigRejected(transcript)
    return checked_running_config(task, transcript.reply)


def push_config(task: Task, *, commands: Sequence[str]) -> Result:
    """Send config lines in one exchange; the result is the running config after them. Refused
    lines fail the task (`ConfigRejected` names each one); nothing is rolled back or saved."""
    try:
        running = _push(task, commands)
    except ConfigRejected as exc:
        return Result(host=task.host, failed=True, exception=exc, result=str(exc))
    return Result(host=task.host, result=running, changed=True)


def deploy_config(
    task: Task,
    *,
    site: Site,
    dry_run: bool = False,
    stages: dict[str, str] | None = None,
    cancel: threading.Event | None = None,
) -> Result:
    """Make the device match its intended config; never leave it half done.

    Sends only the hier_config remediation (a device already right gets nothing), in one
    exchange. After a push the running config is read again: only when nothing remains to
    remediate is it saved. A rejected line (each one is named) or a failed verification rolls the
    device back to the running config it had, unsaved. `timings` holds the seconds of each stage.
    """
    start = time.monotonic()
    outcome = DeployOutcome()
    stages = stages if stages is not None else {}

    mark = start

    def stage(name: str) -> None:
        # `stages` is shared with the caller, who reports where each device was if interrupted.
        nonlocal mark
        now = time.monotonic()
        if outcome.stage != "start":
            outcome.timings[outcome.stage] = now - mark
        mark = now
        outcome.stage = name
        stages[task.host.name] = name

    stage("render")
    intended = render_intended(site, task.host.name)
    stage("connect")
    session(task)
    stage("read")
    before = get_running_config(task).result
    plan = _remediation(before, intended)
    outcome.commands = list(plan.commands)
    outcome.changed = not plan.empty
    if plan.empty or dry_run:
        stage("unchanged" if plan.empty else "dry run")
        outcome.seconds = time.monotonic() - start
        return Result(host=task.host, result=outcome, changed=False)
    if cancel is not None and cancel.is_set():
        stage("cancelled before any change")
        outcome.error = "cancelled before any change"
        outcome.seconds = time.monotonic() - start
        return Result(host=task.host, result=outcome, failed=True, changed=False)
    stage("push")
    try:
        after = _push(task, plan.commands)
        stage("verify")
        left = _remediation(after, intended)
        if not left.empty:
            raise _VerifyError(f"still differs after the push: {list(left.commands)[:5]}")
    except (ConfigRejected, _VerifyError) as exc:
        outcome.error = str(exc)
        stage("rollback")
        _roll_back(task, before, outcome)
        stage("rolled back" if outcome.rolled_back else "rollback failed")
        outcome.seconds = time.monotonic() - start
        return Result(host=task.host, result=outcome, failed=True, changed=False)
    stage("save")
    saved = save_config(task)
    outcome.saved = not saved.failed
    if saved.failed:
        outcome.error = f"write memory failed: {saved.result!r}"
    stage("saved" if outcome.saved else "pushed, not saved")
    outcome.seconds = time.monotonic() - start
    return Result(host=task.host, result=outcome, failed=bool(outcome.error), changed=True)


class _VerifyError(Exception):
    pass


def _roll_back(task: Task, before: str, outcome: DeployOutcome) -> None:
    """Return to the pre-deploy running config (hier_config from now back to then); do not save."""
    now = get_running_config(task).result
    back = _remediation(now, before)
    if not back.empty:
        try:
            now = _push(task, back.commands)
        except ConfigRejected as exc:
            log.error("%s: rollback line rejected: %s", task.host.name, exc)
            outcome.error = f"{outcome.error}; rollback incomplete: {exc}"
            return
    outcome.rolled_back = _remediation(now, before).empty
    if not outcome.rolled_back:
        outcome.error = f"{outcome.error}; rollback did not restore the previous config"
