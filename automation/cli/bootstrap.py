"""`mastertech lab bootstrap --target gns3|cml --print`: every device's day-0, to paste by hand.

Touches nothing: no API call, no lab. The text holds the device login and enable secret
(MASTERTECH_PASSWORD / MASTERTECH_ENABLE_SECRET, else the vault), as a console paste needs them.
"""

from __future__ import annotations

from typing import Annotated

import typer

from automation.cli.options import InventoryOption, SiteOption, open_site
from automation.errors import UsageError


def bootstrap(
    target: Annotated[str, typer.Option(help="gns3 or cml: whose management plan to use.")] = "gns3",
    print_: Annotated[bool, typer.Option("--print", help="Print every node's day-0 config.")] = False,
    site: SiteOption = "mastertech",
    inventory: InventoryOption = None,
) -> None:
    """Print each node's day-0 config (hostname, user, domain, RSA keys, SSH, management address)."""
    from automation.models.targets import load_targets
    from automation.providers.day0 import day0_configs
    from automation.secrets import device_credentials, enable_secret, server_credentials

    if target not in ("gns3", "cml"):
        raise UsageError(f"--target must be gns3 or cml, not {target!r}")
    if not print_:
        raise UsageError("give --print: bootstrap only prints the day-0 configs (`lab up` applies them)")
    design = open_site(site, inventory)
    configs = day0_configs(
        design, load_targets(design), device_credentials(), enable_secret(), hosts=server_credentials()
    )
    for day0 in configs.values():
        comment = "!" if day0.platform == "cisco_ios" else "#"
        typer.echo(f"{comment} ---- {day0.node} ({day0.kind}, {day0.platform}) ----")
        typer.echo(day0.text.rstrip("\n"))
        typer.echo("")


def register(lab_app: typer.Typer) -> None:
    lab_app.command("bootstrap")(bootstrap)
