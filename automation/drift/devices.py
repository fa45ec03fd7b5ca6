"""Drift of IOS devices: the remediation each running config would need, per host."""

from __future__ import annotations

from nornir.core import Nornir
from nornir.core.task import Result, Task

from automation.checks.result import CheckReport, CheckResult
from automation.drift.remediation import remediate
from automation.models.design import Site
from automation.render import render_intended
from automation.tasks.config import get_running_config


def diff_config(task: Task, *, site: Site) -> Result:
    running = get_running_config(task).result
    plan = remediate(running, render_intended(site, task.host.name))
    return Result(host=task.host, result=list(plan.commands), changed=not plan.empty)


def device_drift(nr: Nornir, site: Site) -> CheckReport:
    results = nr.run(task=diff_config, site=site, name="diff_config")
    nr.close_connections(on_good=True, on_failed=True)
    report = CheckReport()
    for name in sorted(results):
        multi = results[name]
        if multi.failed:
            exc = multi[0].exception
            report.results.append(
                CheckResult("drift", name, False, f"could not read: {type(exc).__name__}: {exc}")
            )
            continue
        commands: list[str] = multi[0].result
        if commands:
            shown = "; ".join(c.strip() for c in commands if c.strip() != "exit")
            report.results.append(
                CheckResult("drift", name, False, f"{len(commands)} lines to remediate: {shown}")
            )
        else:
            report.results.append(CheckResult("drift", name, True, "running config matches intended"))
    return report
