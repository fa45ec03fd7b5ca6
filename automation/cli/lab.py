"""`mastertech lab ...`: the embedded lab of a site (network namespaces on this machine).

lab up | down [--wipe] | status [--json] | console NODE | exec NODE -- CMD... | capture NODE IFACE
| endpoints --format static [--out FILE]
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from automation.cli.options import InventoryOption, JsonOption, SiteOption, open_site
from automation.errors import UsageError
from automation.lab import launcher
from automation.models.design import Site
from automation.providers import provider_for
from automation.providers.base import LabStatus
from automation.providers.embedded import EmbeddedProvider

console = Console(highlight=False)
err = Console(stderr=True, highlight=False)

lab_app = typer.Typer(help="The embedded lab: the site's network in namespaces, devices on the IOS emulator.",
                      no_args_is_help=True)  # fmt: skip


def _embedded(design: Site) -> EmbeddedProvider:
    """The site's embedded lab, opened through the one door like every other target."""
    provider = provider_for("embedded", design)
    assert isinstance(provider, EmbeddedProvider)
    return provider


def _table(status: LabStatus, title: str) -> Table:
    table = Table(title=title)
    for col in ("node", "kind", "namespace", "management", "addresses", "department / mail"):
        table.add_column(col, overflow="fold")
    for n in status.nodes:
        mgmt = f"{n.mgmt.host}:{n.mgmt.port}" if n.mgmt else "-"
        who = " ".join(x for x in (n.department, n.mail) if x) or "-"
        table.add_row(n.name, n.kind, n.netns or "-", mgmt, "\n".join(n.addresses) or "-", who)
    return table


def _notes(status: LabStatus) -> None:
    for note in status.notes:
        err.print(f"note: {note}", markup=False)


@lab_app.command("up")
def up(
    site: SiteOption = "mastertech",
    inventory: InventoryOption = None,
    debug: Annotated[bool, typer.Option("--debug", help="Debug logging in the controller log.")] = False,
) -> None:
    """Start the lab in the background; return when every node is reachable."""
    launcher.require_root()
    design = open_site(site, inventory)
    with err.status(f"starting the {design.name} lab ..."):
        status, seconds = _embedded(design).start(debug=debug)
    console.print(_table(status, f"lab {design.name} up in {seconds:.1f} s"))
    _notes(status)


@lab_app.command("down")
def down(
    site: SiteOption = "mastertech",
    inventory: InventoryOption = None,
    wipe: Annotated[bool, typer.Option("--wipe", help="Also delete the devices' startup configs.")] = False,
) -> None:
    """Stop the lab and remove every namespace, process and file it made."""
    launcher.require_root()
    design = open_site(site, inventory)
    done = _embedded(design).down(wipe=wipe)
    console.print(f"lab {design.name} down" + (f": {', '.join(done)}" if done else ""))


@lab_app.command("status")
def status(
    site: SiteOption = "mastertech", inventory: InventoryOption = None, as_json: JsonOption = False
) -> None:
    """Nodes, namespaces, management endpoints and live addresses of a running lab."""
    design = open_site(site, inventory)
    current = _embedded(design).status()
    if as_json:
        sys.stdout.write(json.dumps(current.as_json(), indent=2) + "\n")
        return
    console.print(_table(current, f"lab {design.name}: {current.phase}"))
    _notes(current)


@lab_app.command("console")
def console_(
    node: Annotated[
        str, typer.Argument(help="A router or switch (its CLI over SSH), or a PC/server (a shell).")
    ],
    site: SiteOption = "mastertech",
    inventory: InventoryOption = None,
) -> None:
    """Open a node's console: the device CLI over SSH, or a shell in a host's namespace."""
    design = open_site(site, inventory)
    cmd = _embedded(design).console(node)
    _exec(list(cmd.argv), cmd.env)


@lab_app.command(
    "exec", context_settings={"allow_extra_args": True, "ignore_unknown_options": True}
)  # fmt: skip
def exec_(
    node: Annotated[str, typer.Argument(help="The node whose namespace runs the command.")],
    command: Annotated[list[str] | None, typer.Argument(help="The command, after `--`.")] = None,
    site: SiteOption = "mastertech",
    inventory: InventoryOption = None,
) -> None:
    """Run a command inside a node's network namespace (`lab exec BE-PC1 -- ping 192.168.20.1`)."""
    _exec(_embedded(open_site(site, inventory)).exec_argv(node, list(command or [])))


@lab_app.command("capture")
def capture(
    node: Annotated[str, typer.Argument(help="The node.")],
    iface: Annotated[str, typer.Argument(help="Its interface: IOS (Gi0/1) or kernel (Gi0-1.10, eth0) name.")],
    site: SiteOption = "mastertech",
    inventory: InventoryOption = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="pcap file (default NODE-IFACE.pcap).")
    ] = None,
    count: Annotated[int | None, typer.Option("--count", "-c", help="Stop after N packets.")] = None,
) -> None:
    """Write the packets of one interface to a pcap file with tcpdump, until Ctrl-C or --count."""
    provider = _embedded(open_site(site, inventory))
    path = out or Path(f"{node}-{iface.replace('/', '-')}.pcap")
    argv = provider.capture_argv(node, iface, path.resolve(), count)
    err.print(f"capturing {node} {iface} to {path} (Ctrl-C to stop)", markup=False)
    _exec(argv)


@lab_app.command("endpoints")
def endpoints(
    site: SiteOption = "mastertech",
    inventory: InventoryOption = None,
    format_: Annotated[
        str, typer.Option("--format", help="The file format; `static`: the static target's endpoints file.")
    ] = "static",
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write to FILE (default stdout).")] = None,
) -> None:
    """Write the endpoints file of the running lab, for `--target static --endpoints FILE`."""
    if format_ != "static":
        raise UsageError(f"unknown format {format_!r}; the one format is `static`")
    text = _embedded(open_site(site, inventory)).endpoints_file()
    if out is None:
        sys.stdout.write(text)
        return
    out.write_text(text, encoding="utf-8")
    err.print(
        f"wrote {out}; try: mastertech up --site {site} --target static --endpoints {out}", markup=False
    )


def _exec(argv: list[str], env: dict[str, str] | None = None) -> None:
    """Replace this process with `argv`, so its terminal, signals and exit code are the user's."""
    sys.stdout.flush()
    try:
        os.execvpe(argv[0], argv, {**os.environ, **(env or {})})
    except FileNotFoundError as exc:
        raise UsageError(f"{argv[0]} is not installed; run `make setup`") from exc


def register(app: typer.Typer) -> None:
    app.add_typer(lab_app, name="lab")
