"""`mastertech render` and `mastertech diagram`: what the design produces, before any device."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from automation.cli.options import InventoryOption, SiteOption, open_site
from automation.diagram import write_diagram
from automation.render import render_site

console = Console(highlight=False)


def render(
    site: SiteOption = "mastertech",
    inventory: InventoryOption = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Output directory.")] = Path("out"),
) -> None:
    """Render every device's and server's intended configuration into OUT/<site>/."""
    design = open_site(site, inventory)
    target = out / design.name
    written = render_site(design, target)
    table = Table(title=f"{design.name}: {len(written)} files in {target}")
    table.add_column("node")
    table.add_column("file")
    table.add_column("lines", justify="right")
    for path in written:
        rel = path.relative_to(target)
        node = rel.parts[0].removesuffix(".cfg")
        table.add_row(node, str(rel), str(len(path.read_text(encoding="utf-8").splitlines())))
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
