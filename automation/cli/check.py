"""`mastertech check`: the end-to-end checks from the PCs (or test hosts) of the site's lab."""

from __future__ import annotations

import typer

from automation.cli.deploy import show_report
from automation.cli.options import InventoryOption, JsonOption, SiteOption
from automation.cli.target import EndpointsOption, TargetOption, open_target
from automation.pipeline import check_end_to_end


def check(
    site: SiteOption = "mastertech",
    inventory: InventoryOption = None,
    target: TargetOption = "embedded",
    endpoints: EndpointsOption = None,
    as_json: JsonOption = False,
) -> None:
    """DHCP leases, reachability, DNS, the web site and mail (SMTP, IMAP, POP3), seen from the PCs."""
    design, provider = open_target(site, inventory, target, endpoints)
    show_report(check_end_to_end(design, provider).report, "check", as_json)


def register(app: typer.Typer) -> None:
    app.command()(check)
