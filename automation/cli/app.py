"""Entry point of the `mastertech` console script.

Command groups live in their own modules and are registered here. Errors the toolkit raises on
purpose become clear lines and an exit code (2: bad input or usage, 1: a failed check), never a
traceback.
"""

from __future__ import annotations

import sys

import typer
from rich.console import Console

from automation.errors import AutomationError, SiteError, UsageError, printable, shorten

app = typer.Typer(
    name="mastertech",
    help="Network automation for the MasterTech site: render, lab, deploy, verify.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def _register() -> None:
    from automation.cli import check, deploy, drift, emulator, lab, mail, site, up

    for group in (site, deploy, check, drift, up, emulator, lab, mail):
        group.register(app)


def _fail(message: str) -> None:
    err.print("[bold red]error:[/bold red] ", end="")
    # Messages echo input (names, paths): escaped so no byte of it can drive the terminal.
    err.print(printable(message), markup=False, emoji=False)


def main() -> None:
    _register()
    try:
        app()
    except SiteError as exc:
        for line in exc.problems:
            _fail(line)
        err.print(f"{exc.total} problem(s); nothing was touched.", markup=False)
        sys.exit(2)
    except UsageError as exc:
        _fail(str(exc))
        sys.exit(2)
    except OSError as exc:
        if exc.filename is None:  # not a file-system failure (e.g. a refused connection)
            raise
        # A path given on the command line or in the inventory that cannot be read or written.
        _fail(f"{shorten(str(exc.filename), 200)}: {exc.strerror or exc}; check the path and its permissions")
        sys.exit(2)
    except AutomationError as exc:
        _fail(str(exc))
        sys.exit(1)
