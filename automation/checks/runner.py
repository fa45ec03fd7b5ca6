"""Run a collecting Nornir task on every host and judge each host's result into check results."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nornir.core import Nornir

from automation.checks.result import CheckReport, CheckResult


def judge_hosts(
    nr: Nornir,
    task: Callable[..., Any],
    check: str,
    judge: Callable[[str, Any], list[CheckResult]],
    **kwargs: Any,
) -> CheckReport:
    """A host whose task raised (unreachable, refused login) fails the check with the reason."""
    results = nr.run(task=task, name=check, **kwargs)
    nr.close_connections(on_good=True, on_failed=True)
    report = CheckReport()
    for name in sorted(results):
        multi = results[name]
        if multi.failed:
            exc = multi[0].exception
            reason = f"{type(exc).__name__}: {exc}" if exc else str(multi[0].result)
            report.results.append(CheckResult(check, name, False, f"could not collect: {reason}"))
        else:
            report.results.extend(judge(name, multi[0].result))
    return report
