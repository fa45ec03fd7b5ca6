"""`mastertech drift`: running versus intended on every device and server, optionally remediated."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from automation.checks import CheckReport, CheckResult
from automation.cli.deploy import TargetOption, console, print_checks, run_deploy
from automation.cli.options import InventoryOption, JsonOption, SiteOption, open_site
from automation.drift.devices import device_drift
from automation.inventory.nornir import init_nornir, ios_devices
from automation.models.design import Site
from automation.secrets import device_credentials
from automation.targets import endpoints


def server_drift(site: Site, eps: dict[str, tuple[str, int]] | None) -> list[CheckResult]:
    """Ansible check mode with diff over site.yml: a server with changes to make has drifted."""
    from automation.ansible import run_playbook

    result = run_playbook(site, "site.yml", endpoints=eps, check=True, diff=True)
    out = []
    for host in result.hosts:
        if not host.succeeded:
            out.append(CheckResult("drift", host.host, False, "check mode failed or host unreachable"))
        elif host.changed:
            out.append(
                CheckResult(
                    "drift",
                    host.host,
                    False,
                    f"{host.changed} tasks would change: {', '.join(host.changed_tasks)}",
                )
            )
        else:
            out.append(CheckResult("drift", host.host, True, "configuration matches the playbooks"))
    return out


def drift(
    site: SiteOption = "mastertech",
    inventory: InventoryOption = None,
    target: TargetOption = "embedded",
    remediate: Annotated[bool, typer.Option("--remediate", help="Fix the drift found (a deploy).")] = False,
    as_json: JsonOption = False,
) -> None:
    """Compare running with intended configs (IOS: hier_config; servers: Ansible check mode)."""
    design = open_site(site, inventory)
    eps = endpoints(design, target)  # read once: the lab's status walks every namespace

    def measure() -> CheckReport:
        nr = ios_devices(init_nornir(design.directory, device_credentials(), eps))
        found = device_drift(nr, design)
        if design.servers:
            found.results.extend(server_drift(design, eps))
        return found

    report = measure()
    if remediate and not report.ok:
        from automation.ansible import run_playbook

        run_deploy(design, target, dry_run=False, limit=None, log_root=Path("out/logs"), quiet=as_json)
        if design.servers:
            run_playbook(design, "site.yml", endpoints=eps)
        report = measure()
    if as_json:
        typer.echo(json.dumps(report.as_json(), indent=2))
    else:
        print_checks(report, "drift" + (" after remediation" if remediate else ""))
        if report.ok:
            console.print("No drift: every device and server matches its intended configuration.")
    raise typer.Exit(0 if report.ok else 1)


def register(app: typer.Typer) -> None:
    app.command()(drift)
