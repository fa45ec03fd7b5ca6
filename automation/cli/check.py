"""`mastertech check`: the end-to-end checks from the PCs of the running embedded lab."""

from __future__ import annotations

import json

import typer

from automation.checks.e2e import check_lab
from automation.cli.deploy import print_checks
from automation.cli.options import InventoryOption, JsonOption, SiteOption, open_site


def check(
    site: SiteOption = "mastertech",
    inventory: InventoryOption = None,
    as_json: JsonOption = False,
) -> None:
    """DHCP leases, reachability, DNS, the web site and mail (SMTP, IMAP, POP3), seen from the PCs."""
    report = check_lab(open_site(site, inventory))
    if as_json:
        typer.echo(json.dumps(report.as_json(), indent=2))
    else:
        print_checks(report, "check")
    raise typer.Exit(0 if report.ok else 1)


def register(app: typer.Typer) -> None:
    app.command()(check)
