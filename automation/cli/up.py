"""`mastertech up` and `mastertech down`: the main job (`automation.pipeline`), shown to people or
machines.

up: validate -> lab up -> deploy devices -> configure servers -> verify (polled until converged)
-> end-to-end check, on any target. Each stage is timed and shown as it ends; the first failing
stage stops the run with exit 1 (2 for bad input) and says why. `--json` prints one document
`{"ok", "stages": [{"name", "ok", "seconds", "detail", "error"}]}`, also when a stage raised.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.status import Status
from rich.table import Table

from automation.cli.deploy import LogDirOption, print_checks, print_deploy
from automation.cli.options import InventoryOption, JsonOption, SiteOption, open_site
from automation.cli.output import plain
from automation.cli.target import EndpointsOption, TargetOption
from automation.pipeline import Checked, DevicesDeployed, JobRequest, JobResult, StageRecord, run_main_job
from automation.progress import RichProgress
from automation.providers import provider_for

console = Console(highlight=False)
DEPLOY = "deploy devices"  # shows its own per-host progress instead of a spinner


class _Progress:
    """Observer: one spinner naming every stage that runs (stages of a lane group run side by
    side), one line per stage as it ends. While the devices deploy, their own per-host table is
    the display (two live displays at once would draw over each other)."""

    def __init__(self) -> None:
        self._running: list[str] = []
        self._status: Status | None = None

    def _show(self) -> None:
        if not self._running or DEPLOY in self._running:
            if self._status is not None:
                self._status.stop()
                self._status = None
            return
        text = " + ".join(f"[bold]{name}[/bold]" for name in self._running) + " ..."
        if self._status is None:
            self._status = console.status(text)
            self._status.start()
        else:
            self._status.update(text)

    def started(self, name: str) -> None:
        self._running.append(name)
        self._show()

    def finished(self, record: StageRecord) -> None:
        if record.name in self._running:
            self._running.remove(record.name)
        mark = "[green]ok[/green]" if record.ok else "[red]FAILED[/red]"
        console.print(f"{mark}  {record.name} ({record.seconds:.1f} s): ", end="")
        console.print(plain(record.detail))
        self._show()


def up(
    site: SiteOption = "mastertech",
    inventory: InventoryOption = None,
    target: TargetOption = "embedded",
    endpoints: EndpointsOption = None,
    as_json: JsonOption = False,
    log_dir: LogDirOption = Path("out/logs"),
) -> None:
    """Build the network and its services from the inventory, then prove it works."""
    request = JobRequest(
        site=site, inventory=inventory, target=target, endpoints=endpoints, log_root=log_dir,
        deploy_processors=() if as_json else (RichProgress(f"deploy {site}"),),
    )  # fmt: skip
    result = run_main_job(request, observer=None if as_json else _Progress())
    if as_json:
        typer.echo(json.dumps(result.as_json(), indent=2))
        raise typer.Exit(result.exit_code)
    first = result.records[0]
    if first.error is not None and result.exit_code == 2:
        raise first.error  # bad input: the app prints every problem, as for any other command
    _details(result)
    _summary(result)
    raise typer.Exit(result.exit_code)


def _details(result: JobResult) -> None:
    deployed = result.outcome(DevicesDeployed)
    if deployed is not None and not deployed.ok:
        print_deploy(deployed.run.report, dry_run=False)
    for record in result.records:
        if isinstance(record.outcome, Checked) and not record.ok:
            print_checks(record.outcome.report, record.name)


def _summary(result: JobResult) -> None:
    verdict = "[green]all stages passed[/green]" if result.ok else "[red]failed[/red]"
    table = Table(title=f"mastertech up: {verdict}")
    for column in ("stage", "result", "seconds", "detail"):
        table.add_column(column)
    for r in result.records:
        table.add_row(
            r.name, "[green]ok[/green]" if r.ok else "[red]FAILED[/red]", f"{r.seconds:.1f}", plain(r.detail)
        )
    console.print(table)


def down(
    site: SiteOption = "mastertech",
    inventory: InventoryOption = None,
    wipe: Annotated[bool, typer.Option("--wipe", help="Also forget the devices' startup configs.")] = False,
) -> None:
    """Take the embedded lab of a site away: namespaces, daemons, links and files."""
    design = open_site(site, inventory)
    removed = provider_for("embedded", design).down(wipe=wipe)
    console.print(f"lab {design.name} is down ({len(removed)} items removed)")


def register(app: typer.Typer) -> None:
    app.command()(up)
    app.command()(down)
