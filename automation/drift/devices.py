"""Drift of IOS devices: the remediation each running config would need, per host."""

from __future__ import annotations

from nornir.core import Nornir
from nornir.core.task import Result, Task

from automation.checks.result import CheckReport, CheckResult
from automation.checks.runner import judge_hosts
from automation.models.design import Site
from automation.remediation import remediate
from automation.render import render_intended
from automation.tasks.running import get_running_config


def diff_config(task: Task, *, site: Site) -> Result:
    running = get_running_config(task).result
    plan = remediate(running, render_intended(site, task.host.name))
    return Result(host=task.host, result=list(plan.commands), changed=not plan.empty)


def device_drift(nr: Nornir, site: Site) -> CheckReport:
    return judge_hosts(nr, diff_config, "drift", _judge, site=site)


def _judge(host: str, commands: list[str]) -> list[CheckResult]:
    if not commands:
        return [CheckResult("drift", host, True, "running config matches intended")]
    shown = "; ".join(c.strip() for c in commands if c.strip() != "exit")
    return [CheckResult("drift", host, False, f"{len(commands)} lines to remediate: {shown}")]
