"""`mastertech deploy` and `mastertech verify`: configure the devices, then prove it from the devices."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from automation.checks import CheckReport
from automation.cli.options import InventoryOption, JsonOption, SiteOption
from automation.cli.output import plain
from automation.cli.target import EndpointsOption, TargetOption, open_target
from automation.deploy import DeployReport, deploy_site
from automation.pipeline import verify_devices
from automation.progress import RichProgress

console = Console(highlight=False)
LimitOption = Annotated[str | None, typer.Option("--limit", help="Only these hosts, comma separated.")]
LogDirOption = Annotated[Path, typer.Option("--log-dir", help="Where run logs go (secrets masked).")]


def deploy(
    site: SiteOption = "mastertech",
    inventory: InventoryOption = None,
    target: TargetOption = "embedded",
    endpoints: EndpointsOption = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print what would be sent; change nothing.")
    ] = False,
    limit: LimitOption = None,
    as_json: JsonOption = False,
    log_dir: LogDirOption = Path("out/logs"),
) -> None:
    """Bring every device to its intended config: remediate, push, verify, save; roll back on error."""
    design, provider = open_target(site, inventory, target, endpoints)
    title = f"deploy {design.name}" + (" (dry run)" if dry_run else "")
    run = deploy_site(
        design, provider.endpoints(), log_root=log_dir, dry_run=dry_run, limit=limit,
        processors=() if as_json else (RichProgress(title),),
    )  # fmt: skip
    if as_json:
        typer.echo(json.dumps(run.report.as_json(), indent=2))
    else:
        print_deploy(run.report, dry_run=dry_run)
        console.print(f"run log: {run.logs}")
    raise typer.Exit(0 if run.report.ok else 1)


def print_deploy(report: DeployReport, *, dry_run: bool) -> None:
    if dry_run:
        for host in report.hosts:
            console.rule(f"{host.host}: {len(host.commands)} commands would be sent")
            console.print("\n".join(host.commands) or "(nothing: already as intended)", markup=False)
    table = Table(title="deploy" + (" (dry run)" if dry_run else ""))
    for column in ("host", "result", "commands", "seconds", "detail"):
        table.add_column(column)
    for host in report.hosts:
        if host.error:
            result = "[red]failed[/red]" + (", rolled back" if host.rolled_back else "")
        elif dry_run:
            result = "would change" if host.commands else "in sync"
        else:
            result = "[green]changed, saved[/green]" if host.changed else "nothing to send"
        table.add_row(
            host.host, result, str(len(host.commands)), f"{host.seconds:.1f}", plain(host.error or "")
        )
    console.print(table)
    if not dry_run and report.ok and not any(h.changed for h in report.hosts):
        console.print("Every device already matches its intended config: nothing was sent.")


def print_checks(report: CheckReport, title: str) -> None:
    table = Table(title=title)
    for column in ("check", "host", "ok", "detail"):
        table.add_column(column)
    for r in report.results:
        table.add_row(r.name, r.host, "[green]yes[/green]" if r.ok else "[red]NO[/red]", plain(r.detail))
    console.print(table)


def show_report(report: CheckReport, title: str, as_json: bool) -> None:
    """A check, verify or drift report as JSON (the §7 shape) or a table; exit 1 when it failed."""
    if as_json:
        typer.echo(json.dumps(report.as_json(), indent=2))
    else:
        print_checks(report, title)
    raise typer.Exit(0 if report.ok else 1)


def verify(
    site: SiteOption = "mastertech",
    inventory: InventoryOption = None,
    target: TargetOption = "embedded",
    endpoints: EndpointsOption = None,
    limit: LimitOption = None,
    as_json: JsonOption = False,
) -> None:
    """Check interfaces, VLANs, trunks, OSPF, DHCP pools and routes against the design."""
    design, provider = open_target(site, inventory, target, endpoints)
    show_report(verify_devices(design, provider, limit), "verify", as_json)


def register(app: typer.Typer) -> None:
    app.command()(deploy)
    app.command()(verify)
