"""Drift of Linux servers: Ansible check mode with diff over site.yml."""

from __future__ import annotations

from collections.abc import Mapping

from automation.checks.result import CheckResult
from automation.models.design import Site
from automation.providers.base import Endpoint


def server_drift(site: Site, endpoints: Mapping[str, Endpoint] | None) -> list[CheckResult]:
    """A server with changes to make has drifted; one that cannot be checked fails."""
    from automation.ansible.runner import run_playbook

    result = run_playbook(site, "site.yml", endpoints=endpoints, check=True, diff=True)
    out = []
    for host in result.hosts:
        if not host.succeeded:
            out.append(CheckResult("drift", host.host, False, "check mode failed or host unreachable"))
        elif host.changed:
            tasks = ", ".join(host.changed_tasks)
            out.append(CheckResult("drift", host.host, False, f"{host.changed} tasks would change: {tasks}"))
        else:
            out.append(CheckResult("drift", host.host, True, "configuration matches the playbooks"))
    return out
