"""`mastertech up` and `mastertech down`: the main job as one ordered pipeline of named stages.

up: validate -> lab up (embedded) -> deploy IOS devices -> configure servers (Ansible) ->
verify (polled until the network has converged, within a budget) -> end-to-end checks from the
PCs (leases, reachability, DNS, web, mail). Each stage is timed and shown;
the first failing stage stops the run with exit 1 and says why.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from automation.checks import CheckReport
from automation.checks.e2e import check_lab
from automation.cli.deploy import (
    LogDirOption,
    TargetOption,
    print_checks,
    print_deploy,
    run_deploy,
    run_verify,
)
from automation.cli.options import InventoryOption, JsonOption, SiteOption, open_site
from automation.models.design import Site
from automation.targets import endpoints

console = Console(highlight=False)
CONVERGE_BUDGET = 60.0  # seconds for OSPF adjacencies and routes after a deploy
POLL = 1.0


@dataclass
class Stage:
    name: str
    ok: bool
    seconds: float
    detail: str


def _run_stage(
    stages: list[Stage], name: str, quiet: bool, action: Callable[[], tuple[bool, str]], spinner: bool = True
) -> bool:
    start = time.monotonic()
    if quiet or not spinner:  # a stage with its own per-host display shows that instead
        ok, detail = action()
    else:
        with console.status(f"[bold]{name}[/bold] ..."):
            ok, detail = action()
    stages.append(Stage(name, ok, time.monotonic() - start, detail))
    if not quiet:
        mark = "[green]ok[/green]" if ok else "[red]FAILED[/red]"
        console.print(f"{mark}  {name} ({stages[-1].seconds:.1f} s): {detail}")
    return ok


def _lab_up(site: Site) -> tuple[bool, str]:
    from automation.lab import launcher
    from automation.lab.state import LabPaths

    if launcher.running_state(LabPaths.for_site(site.name)) is not None:
        return True, "already running; reusing it"
    result = launcher.up(site)
    return True, f"{len(result.state.nodes)} nodes reachable in {result.seconds:.1f} s"


def _servers(site: Site, target: str) -> tuple[bool, str]:
    from automation.ansible import run_playbook

    result = run_playbook(site, "site.yml", endpoints=endpoints(site, target))
    hosts = ", ".join(f"{h.host} {h.changed} changed" for h in result.hosts)
    failed = [
        f"{h.host}: {'; '.join(h.failed_tasks) or 'unreachable'}" for h in result.hosts if not h.succeeded
    ]
    return (
        result.ok,
        f"site.yml: {hosts}" if result.ok else f"site.yml failed: {', '.join(failed) or result.status}",
    )


def converge(site: Site, target: str, budget: float = CONVERGE_BUDGET) -> CheckReport:
    """Verify until it passes or the budget runs out; the last report is returned either way."""
    deadline = time.monotonic() + budget
    while True:
        report = run_verify(site, target, None)
        if report.ok or time.monotonic() > deadline:
            return report
        time.sleep(POLL)


def up(
    site: SiteOption = "mastertech",
    inventory: InventoryOption = None,
    target: TargetOption = "embedded",
    as_json: JsonOption = False,
    log_dir: LogDirOption = Path("out/logs"),
) -> None:
    """Build the network and its services from the inventory, then prove it works."""
    design = open_site(site, inventory)
    stages: list[Stage] = [Stage("validate", True, 0.0, f"site {design.name}: {len(design.nodes)} nodes")]
    if not as_json:
        console.print(f"[green]ok[/green]  validate: {stages[0].detail}")
    results: dict[str, Any] = {}

    def deploy_stage() -> tuple[bool, str]:
        report, logs = run_deploy(design, target, dry_run=False, limit=None, log_root=log_dir, quiet=as_json)
        results["deploy"] = report
        changed = sum(h.changed for h in report.hosts)
        failed = [f"{h.host}: {h.error}" for h in report.hosts if h.error]
        return report.ok, "; ".join(
            failed
        ) if failed else f"{changed} of {len(report.hosts)} devices changed (log {logs})"

    def verify_stage() -> tuple[bool, str]:
        report = converge(design, target)
        results["verify"] = report
        bad = [f"{r.host} {r.name}: {r.detail}" for r in report.results if not r.ok]
        return report.ok, "; ".join(bad) if bad else f"{len(report.results)} checks passed"

    def check_stage() -> tuple[bool, str]:
        report = check_lab(design)
        results["check"] = report
        bad = [f"{r.host} {r.name}: {r.detail}" for r in report.results if not r.ok]
        return report.ok, "; ".join(bad) if bad else f"{len(report.results)} checks passed from the PCs"

    pipeline: list[tuple[str, Callable[[], tuple[bool, str]]]] = []
    if target == "embedded":
        pipeline.append(("lab up", lambda: _lab_up(design)))
    pipeline.append(("deploy devices", deploy_stage))
    if design.servers:
        pipeline.append(("configure servers", lambda: _servers(design, target)))
    pipeline.append(("verify", verify_stage))
    if target == "embedded":
        pipeline.append(("end-to-end check", check_stage))
    for name, action in pipeline:
        if not _run_stage(stages, name, as_json, action, spinner=name != "deploy devices"):
            break
    ok = all(s.ok for s in stages) and len(stages) == len(pipeline) + 1
    if as_json:
        typer.echo(json.dumps({"ok": ok, "stages": [s.__dict__ for s in stages]}, indent=2))
    else:
        if "deploy" in results and not results["deploy"].ok:
            print_deploy(results["deploy"], dry_run=False)
        for name in ("verify", "check"):
            if name in results and not results[name].ok:
                print_checks(results[name], name)
        _summary(stages, ok)
    raise typer.Exit(0 if ok else 1)


def _summary(stages: list[Stage], ok: bool) -> None:
    table = Table(
        title="mastertech up: " + ("[green]all stages passed[/green]" if ok else "[red]failed[/red]")
    )
    for column in ("stage", "result", "seconds", "detail"):
        table.add_column(column)
    for s in stages:
        table.add_row(
            s.name, "[green]ok[/green]" if s.ok else "[red]FAILED[/red]", f"{s.seconds:.1f}", s.detail
        )
    console.print(table)


def down(
    site: SiteOption = "mastertech",
    inventory: InventoryOption = None,
    wipe: Annotated[bool, typer.Option("--wipe", help="Also forget the devices' startup configs.")] = False,
) -> None:
    """Take the embedded lab of a site away: namespaces, daemons, links and files."""
    from automation.lab import launcher

    design = open_site(site, inventory)
    removed = launcher.down(design, wipe=wipe)
    console.print(f"lab {design.name} is down ({len(removed)} items removed)")


def register(app: typer.Typer) -> None:
    app.command()(up)
    app.command()(down)
