"""`mastertech render` and `mastertech diagram`: what the design produces, before any device."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from automation.cli.options import InventoryOption, SiteOption, open_site
from automation.diagram import write_diagram
from automation.render.site import render_site, rendered_files

console = Console(highlight=False)


def render(
    site: SiteOption = "mastertech",
    inventory: InventoryOption = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Output directory.")] = Path("out"),
) -> None:
    """Render every device's and server's intended configuration into OUT/<site>/."""
    design = open_site(site, inventory)
    target = out / design.name
    rendered = rendered_files(design)
    render_site(design, target, rendered)
    table = Table(title=f"{design.name}: {len(rendered)} files in {target}")
    table.add_column("node")
    table.add_column("file")
    table.add_column("lines", justify="right")
    for rel, content in rendered.items():
        table.add_row(rel.split("/")[0].removesuffix(".cfg"), rel, str(len(content.splitlines())))
    console.print(table)


def diagram(
    site: SiteOption = "mastertech",
    inventory: InventoryOption = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="SVG file (default out/<site>.svg).")
    ] = None,
) -> None:
    """Draw the topology with departments, VLANs, subnets and servers as an SVG."""
    design = open_site(site, inventory)
    path = out or Path("out") / f"{design.name}.svg"
    write_diagram(design, path)
    console.print(f"wrote {path}")


def register(app: typer.Typer) -> None:
    app.command()(render)
    app.command()(diagram)
