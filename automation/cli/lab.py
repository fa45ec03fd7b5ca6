"""`mastertech lab ...`: the embedded lab of a site (network namespaces on this machine).

lab up | down [--wipe] | status [--json|--wide] (each with --target) | console NODE
| exec NODE -- CMD... | capture NODE IFACE | endpoints --format static [--out FILE]
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.console import Console
from rich.table import Table

from automation.cli.bootstrap import register as register_bootstrap
from automation.cli.options import InventoryOption, JsonOption, SiteOption, open_site
from automation.cli.output import plain
from automation.cli.target import TargetOption
from automation.errors import UsageError
from automation.lab import launcher
from automation.models.design import Site
from automation.providers import provider_for
from automation.providers.base import LabStatus, NodeStatus
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


NAME_WIDTH = 14  # longer node names are cut in the compact table (whole in --wide and --json)


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _health(n: NodeStatus) -> str:
    return n.health.state if n.health else "-"


def _table(status: LabStatus, title: str, wide: bool = False) -> Table:
    """The nodes as a table that fits 80 columns; `wide` adds namespaces, people and reasons."""
    table = Table(title=title, box=box.SIMPLE_HEAD, pad_edge=False, title_justify="left")
    columns = ["node", "kind", "health", "management", "addresses"]
    if wide:
        columns += ["namespace", "department / mail", "why"]
    for col in columns:
        table.add_column(col, overflow="fold", no_wrap=col in ("node", "kind", "health", "management"))
    for n in status.nodes:
        mgmt = f"{n.mgmt.host}:{n.mgmt.port}" if n.mgmt else "-"
        row = [n.name if wide else _cut(n.name, NAME_WIDTH), n.kind, _health(n), mgmt]
        row.append(" ".join(n.addresses) or "-")
        if wide:
            who = " ".join(x for x in (n.department, n.mail) if x) or "-"
            row += [n.netns or "-", who, "; ".join(n.health.reasons) if n.health else "-"]
        table.add_row(*(plain(x) for x in row))
    return table


def _notes(status: LabStatus, wide: bool = False) -> None:
    if not wide:
        for n in status.nodes:
            if n.health and n.health.reasons:
                err.print(plain(f"{n.name} {n.health.state}: {'; '.join(n.health.reasons)}"))
    for note in status.notes:
        err.print(plain(f"note: {note}"))


@lab_app.command("up")
def up(
    site: SiteOption = "mastertech",
    inventory: InventoryOption = None,
    target: TargetOption = "embedded",
    debug: Annotated[bool, typer.Option("--debug", help="Debug logging in the controller log.")] = False,
) -> None:
    """Start the lab (in the background for the embedded target); return when every node is reachable."""
    design = open_site(site, inventory)
    provider = provider_for(target, design)
    if isinstance(provider, EmbeddedProvider):
        launcher.require_root()
        with err.status(f"starting the {design.name} lab ..."):
            status, seconds = provider.start(debug=debug)
        title = f"lab {design.name} up in {seconds:.1f} s: {status.phase}"
    else:
        with err.status(f"building the {design.name} lab on {target} ..."):
            status = provider.up()
        title = f"lab {design.name} on {target}: {status.phase}"
    console.print(_table(status, title))
    _notes(status)


@lab_app.command("down")
def down(
    site: SiteOption = "mastertech",
    inventory: InventoryOption = None,
    target: TargetOption = "embedded",
    wipe: Annotated[bool, typer.Option("--wipe", help="Also delete the devices' startup configs.")] = False,
) -> None:
    """Stop the lab and remove every namespace, process and file it made."""
    design = open_site(site, inventory)
    provider = provider_for(target, design)
    if isinstance(provider, EmbeddedProvider):
        launcher.require_root()
    done = provider.down(wipe=wipe)
    console.print(f"lab {design.name} down" + (f": {', '.join(done)}" if done else ""))


@lab_app.command("status")
def status(
    site: SiteOption = "mastertech",
    inventory: InventoryOption = None,
    target: TargetOption = "embedded",
    as_json: JsonOption = False,
    wide: Annotated[bool, typer.Option("--wide", help="Namespaces, departments and reasons too.")] = False,
) -> None:
    """Nodes, health, management endpoints and live addresses of a running lab."""
    design = open_site(site, inventory)
    current = provider_for(target, design).status()
    if as_json:
        sys.stdout.write(json.dumps(current.as_json(), indent=2) + "\n")
        return
    console.print(_table(current, f"lab {design.name}: {current.phase}", wide=wide))
    _notes(current, wide=wide)


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
    """Run a command on a node: in a server node's own namespaces and files (`lab exec MAIL --
    postconf -n`), in the network namespace of a PC or device (`lab exec BE-PC1 -- ping ...`).
    The exit code is the command's."""
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


register_bootstrap(lab_app)


def register(app: typer.Typer) -> None:
    app.add_typer(lab_app, name="lab")
