"""Drift of a whole site on a target: every IOS device (hier_config) and every server (Ansible)."""

from __future__ import annotations

from automation.checks.result import CheckReport
from automation.drift.devices import device_drift
from automation.drift.servers import server_drift
from automation.inventory.nornir import device_nornir
from automation.models.design import Site
from automation.providers.base import Endpoint


def site_drift(site: Site, endpoints: dict[str, Endpoint]) -> CheckReport:
    report = device_drift(device_nornir(site, endpoints), site)
    if site.servers:
        report.results.extend(server_drift(site, endpoints))
    return report
