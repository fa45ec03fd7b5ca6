"""Options that choose the lab a command works on, and the one way the CLI opens it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from automation.cli.options import open_site
from automation.models.design import Site
from automation.models.targets import intended_site
from automation.providers import LabProvider, provider_for

TargetOption = Annotated[
    str, typer.Option("--target", "-t", help="embedded (default), static (needs --endpoints), gns3 or cml.")
]
EndpointsOption = Annotated[
    Path | None,
    typer.Option(
        "--endpoints", help="The endpoints file of a lab you built (--target static).", show_default=False
    ),
]


def open_target(
    site: str, inventory: Path | None, target: str, endpoints: Path | None
) -> tuple[Site, LabProvider]:
    """The validated site as the target configures it, and its provider; bad input of either is an
    error before anything runs."""
    design = open_site(site, inventory)
    provider = provider_for(target, design, endpoints)
    return intended_site(design, target), provider
