"""Configure an IOS device from its intended config: remediate, push, verify, save or roll back."""

from __future__ import annotations

import logging
import re
import threading
import time
from dataclasses import dataclass, field

from netmiko import ConfigInvalidException
from nornir.core.task import Result, Task

from automation.models.design import Site
from automation.platforms.cisco_ios import ERROR_PATTERN, SAVE_OK
from automation.remediation import remediate
from automation.render import render_intended
from automation.tasks.running import get_running_config

log = logging.getLogger(__name__)

_NETMIKO_REJECT = re.compile(r"at command: (?P<cmd>.*?), matched error: (?P<err>.*)", re.S)


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


def _connection(task: Task):  # type: ignore[no-untyped-def]
    return task.host.get_connection("netmiko", task.nornir.config)


def save_config(task: Task) -> Result:
    output = _connection(task).save_config()
    if SAVE_OK not in output:
        return Result(host=task.host, failed=True, result=output)
    return Result(host=task.host, result=output, changed=True)


def _push(task: Task, commands: tuple[str, ...]) -> str:
    conn = _connection(task)
    conn.enable()
    try:
        output: str = conn.send_config_set(list(commands), error_pattern=ERROR_PATTERN, read_timeout=60)
    finally:
        # netmiko stops at a rejected line still inside config mode; leave it, or the next
        # `show running-config` would itself be rejected.
        if conn.check_config_mode():
            conn.exit_config_mode()
    return output


def _rejected_line(exc: ConfigInvalidException) -> str:
    """`'<line>' rejected: <IOS message>` from netmiko's exception text."""
    match = _NETMIKO_REJECT.search(str(exc))
    if not match:
        return str(exc).strip()
    return f"{match['cmd'].strip()!r} rejected: {match['err'].strip()}"


def deploy_config(
    task: Task,
    *,
    site: Site,
    dry_run: bool = False,
    stages: dict[str, str] | None = None,
    cancel: threading.Event | None = None,
) -> Result:
    """Make the device match its intended config; never leave it half done.

    Sends only the hier_config remediation (a device already right gets nothing). After a push the
    running config is read again: only when nothing remains to remediate is it saved. A rejected
    line or a failed verification rolls the device back to the running config it had, unsaved.
    """
    start = time.monotonic()
    outcome = DeployOutcome()
    stages = stages if stages is not None else {}

    def stage(name: str) -> None:
        # `stages` is shared with the caller, who reports where each device was if interrupted.
        outcome.stage = name
        stages[task.host.name] = name

    intended = render_intended(site, task.host.name)
    stage("read")
    before = get_running_config(task).result
    plan = remediate(before, intended)
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
        _push(task, plan.commands)
        stage("verify")
        after = get_running_config(task).result
        left = remediate(after, intended)
        if not left.empty:
            raise _VerifyError(f"still differs after the push: {list(left.commands)[:5]}")
    except (ConfigInvalidException, _VerifyError) as exc:
        outcome.error = _rejected_line(exc) if isinstance(exc, ConfigInvalidException) else str(exc)
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
    back = remediate(now, before)
    if not back.empty:
        try:
            _push(task, back.commands)
        except ConfigInvalidException as exc:
            log.error("%s: rollback line rejected: %s", task.host.name, exc)
            outcome.error = f"{outcome.error}; rollback incomplete: {_rejected_line(exc)}"
            return
    outcome.rolled_back = remediate(get_running_config(task).result, before).empty
    if not outcome.rolled_back:
        outcome.error = f"{outcome.error}; rollback did not restore the previous config"
