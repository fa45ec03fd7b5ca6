"""Options shared by every command that reads a site."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from automation.inventory import resolve_site_dir
from automation.models import Site, load_site

SiteOption = Annotated[str, typer.Option("--site", "-s", help="Site name under the inventory.")]
InventoryOption = Annotated[
    Path | None,
    typer.Option(
        "--inventory",
        "-i",
        help="Inventory directory (default: ./inventory, $MASTERTECH_INVENTORY).",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


def open_site(site: str, inventory: Path | None) -> Site:
    """Load and validate a site; a bad site raises SiteError, which the app prints with exit 2."""
    return load_site(resolve_site_dir(site, inventory))
