"""`mastertech deploy` and `mastertech verify`: configure the devices, then prove it from the devices."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from automation.checks import CheckReport, verify_site
from automation.cli.options import InventoryOption, JsonOption, SiteOption, open_site
from automation.deploy import DeployReport, deploy_devices
from automation.inventory.nornir import init_nornir, ios_devices, limit_hosts
from automation.models.design import Site
from automation.progress import RichProgress
from automation.runlog import open_log_dir, write_json
from automation.secrets import device_credentials
from automation.targets import endpoints

console = Console(highlight=False)
TargetOption = Annotated[str, typer.Option("--target", "-t", help="embedded (default), gns3 or cml.")]
LimitOption = Annotated[str | None, typer.Option("--limit", help="Only these hosts, comma separated.")]
LogDirOption = Annotated[Path, typer.Option("--log-dir", help="Where run logs go (secrets masked).")]


def _log_dir(root: Path, site: Site, verb: str) -> Path:
    """A new private (0700) folder for one run's logs."""
    return open_log_dir(root, site.name, verb)


def run_deploy(
    site: Site, target: str, *, dry_run: bool, limit: str | None, log_root: Path, quiet: bool
) -> tuple[DeployReport, Path]:
    logs = _log_dir(log_root, site, "deploy")
    nr = ios_devices(
        init_nornir(site.directory, device_credentials(), endpoints(site, target), session_log_dir=logs)
    )
    nr = limit_hosts(nr, limit)
    if not quiet:
        nr = nr.with_processors([RichProgress(f"deploy {site.name}" + (" (dry run)" if dry_run else ""))])
    report = deploy_devices(nr, site, dry_run=dry_run)
    write_json(logs / "deploy.json", report.as_json())
    return report, logs


def deploy(
    site: SiteOption = "mastertech",
    inventory: InventoryOption = None,
    target: TargetOption = "embedded",
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print what would be sent; change nothing.")
    ] = False,
    limit: LimitOption = None,
    as_json: JsonOption = False,
    log_dir: LogDirOption = Path("out/logs"),
) -> None:
    """Bring every device to its intended config: remediate, push, verify, save; roll back on error."""
    design = open_site(site, inventory)
    report, logs = run_deploy(design, target, dry_run=dry_run, limit=limit, log_root=log_dir, quiet=as_json)
    if as_json:
        typer.echo(json.dumps(report.as_json(), indent=2))
    else:
        print_deploy(report, dry_run=dry_run)
        console.print(f"run log: {logs}")
    raise typer.Exit(0 if report.ok else 1)


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
        table.add_row(host.host, result, str(len(host.commands)), f"{host.seconds:.1f}", host.error or "")
    console.print(table)
    if not dry_run and report.ok and not any(h.changed for h in report.hosts):
        console.print("Every device already matches its intended config: nothing was sent.")


def run_verify(site: Site, target: str, limit: str | None) -> CheckReport:
    nr = ios_devices(init_nornir(site.directory, device_credentials(), endpoints(site, target)))
    return verify_site(limit_hosts(nr, limit), site)


def print_checks(report: CheckReport, title: str) -> None:
    table = Table(title=title)
    for column in ("check", "host", "ok", "detail"):
        table.add_column(column)
    for r in report.results:
        table.add_row(r.name, r.host, "[green]yes[/green]" if r.ok else "[red]NO[/red]", r.detail)
    console.print(table)


def verify(
    site: SiteOption = "mastertech",
    inventory: InventoryOption = None,
    target: TargetOption = "embedded",
    limit: LimitOption = None,
    as_json: JsonOption = False,
) -> None:
    """Check interfaces, VLANs, trunks, OSPF, DHCP pools and routes against the design."""
    report = run_verify(open_site(site, inventory), target, limit)
    if as_json:
        typer.echo(json.dumps(report.as_json(), indent=2))
    else:
        print_checks(report, "verify")
    raise typer.Exit(0 if report.ok else 1)


def register(app: typer.Typer) -> None:
    app.command()(deploy)
    app.command()(verify)
