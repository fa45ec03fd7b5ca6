"""`mastertech drift`: running versus intended on every device and server, optionally remediated."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from automation.cli.deploy import console, print_checks
from automation.cli.options import InventoryOption, JsonOption, SiteOption
from automation.cli.target import EndpointsOption, TargetOption, open_target
from automation.deploy import deploy_site
from automation.drift.site import site_drift


def drift(
    site: SiteOption = "mastertech",
    inventory: InventoryOption = None,
    target: TargetOption = "embedded",
    endpoints: EndpointsOption = None,
    remediate: Annotated[bool, typer.Option("--remediate", help="Fix the drift found (a deploy).")] = False,
    as_json: JsonOption = False,
) -> None:
    """Compare running with intended configs (IOS: hier_config; servers: Ansible check mode)."""
    design, provider = open_target(site, inventory, target, endpoints)
    eps = provider.endpoints()  # read once for the whole run
    report = site_drift(design, eps)
    if remediate and not report.ok:
        from automation.ansible.runner import run_playbook

        deploy_site(design, eps, log_root=Path("out/logs"))
        if design.servers:
            run_playbook(design, "site.yml", endpoints=eps)
        report = site_drift(design, eps)
    if as_json:
        typer.echo(json.dumps(report.as_json(), indent=2))
    else:
        print_checks(report, "drift" + (" after remediation" if remediate else ""))
        if report.ok:
            console.print("No drift: every device and server matches its intended configuration.")
    raise typer.Exit(0 if report.ok else 1)


def register(app: typer.Typer) -> None:
    app.command()(drift)
