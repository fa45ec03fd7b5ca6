"""Entry point of the `mastertech` console script.

Command groups live in their own modules and are registered here. Errors the toolkit raises on
purpose become clear lines and an exit code (2: bad input or usage, 1: a failed check), never a
traceback.
"""

from __future__ import annotations

import sys

import typer
from rich.console import Console

from automation.errors import AutomationError, SiteError, UsageError

app = typer.Typer(
    name="mastertech",
    help="Network automation for the MasterTech site: render, lab, deploy, verify.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def _register() -> None:
    # Imported here so that a broken optional group cannot stop `--help` of the others.
    from automation.cli import emulator, site

    site.register(app)
    emulator.register(app)


def main() -> None:
    _register()
    try:
        app()
    except SiteError as exc:
        for line in exc.problems:
            err.print(f"[red]error:[/red] {line}", markup=True)
        sys.exit(2)
    except UsageError as exc:
        err.print(f"[red]error:[/red] {exc}", markup=True)
        sys.exit(2)
    except AutomationError as exc:
        err.print(f"[red]error:[/red] {exc}", markup=True)
        sys.exit(1)
