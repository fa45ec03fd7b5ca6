"""`mastertech mail send|fetch|trace`: mail as the people at the PCs use it, on any target.

The clients run on the PCs through the provider's host runner; `trace` shows the SMTP, POP3 and
IMAP dialogue command by command with a timeline, and saves a pcap of each PC's interface.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from rich.text import Text

from automation.checks.hosts import HostRunner
from automation.cli.options import InventoryOption, JsonOption, SiteOption
from automation.cli.output import plain
from automation.cli.target import EndpointsOption, TargetOption, open_target
from automation.mail import Dialogue, FetchResult, MailSession, SendResult, TraceResult, trace_round_trip
from automation.models.design import Site
from automation.providers import LabProvider

console = Console(highlight=False)
mail_app = typer.Typer(help="Send, fetch and trace mail from the site's PCs.", no_args_is_help=True)

PlainOption = Annotated[
    bool,
    typer.Option(
        "--plain",
        help="Speak like the seed's clients: SMTP on 25 without AUTH, POP3 110 and IMAP 143 without "
        "STARTTLS (the wire shows the protocol).",
    ),
]
PcOption = Annotated[
    str | None, typer.Option("--pc", help="The PC to run the client on (default: the user's own).")
]
DialogueOption = Annotated[bool, typer.Option("--dialogue", help="Also print the protocol dialogue.")]
NAMES = {"smtp": "SMTP", "pop3": "POP3", "imap": "IMAP"}


T = TypeVar("T")


def _on_pcs(
    site: str, inventory: Path | None, target: str, endpoints: Path | None,
    work: Callable[[Site, LabProvider, HostRunner], T],
) -> T:  # fmt: skip
    """Open the target and its host runner, do `work`, close the runner."""
    design, provider = open_target(site, inventory, target, endpoints)
    runner = provider.runner()
    try:
        return work(design, provider, runner)
    finally:
        runner.close()


def print_dialogue(dialogue: Dialogue, origin: float | None = None) -> None:
    base = dialogue.start if origin is None else origin
    wire = "TLS after STARTTLS" if dialogue.encrypted else "plain text on the wire"
    name = NAMES.get(dialogue.protocol, dialogue.protocol)
    console.rule(f"{name} from {dialogue.host}, port {dialogue.port} ({wire})")
    for line in dialogue.lines:
        row = Text(f"{(line.at - base) * 1000:>9.1f} ms  ")
        row.append("tls " if line.tls else "    ", style="dim")
        side = {"C": "C: ", "S": "S: "}.get(line.side, "-- ")
        row.append(side, style={"C": "bold cyan", "S": "green"}.get(line.side, "yellow"))
        row.append_text(plain(line.text))
        console.print(row)


R = TypeVar("R", SendResult, FetchResult)


def _show(result: R, ok: bool, as_json: bool, dialogue: bool, show: Callable[[R], None]) -> None:
    if as_json:
        typer.echo(json.dumps(result.as_json(), indent=2))
    else:
        if dialogue:
            print_dialogue(result.dialogue)
        show(result)
    raise typer.Exit(0 if ok else 1)


def _print_send(result: SendResult) -> None:
    to = ", ".join(result.to)
    if result.accepted:
        console.print(plain(f"sent from {result.pc}: {result.sender} -> {to}: {result.code} {result.reply}"))
        console.print(plain(f"Message-ID {result.message_id}"))
    else:
        where = f"{result.sender} -> {to}, from {result.pc}"
        console.print(plain(f"refused at {result.stage} ({where}): {result.code} {result.reply}"))


def send(
    sender: Annotated[str, typer.Option("--from", help="The sending mail user (alice or alice@mt.com).")],
    to: Annotated[list[str], typer.Option("--to", help="A recipient (user or address); repeat for more.")],
    subject: Annotated[
        str | None, typer.Option("--subject", help="The subject (default: a unique one).")
    ] = None,
    body: Annotated[str, typer.Option("--body", help="The text of the message.")] = "",
    pc: PcOption = None,
    plain_: PlainOption = False,
    dialogue: DialogueOption = False,
    site: SiteOption = "mastertech",
    inventory: InventoryOption = None,
    target: TargetOption = "embedded",
    endpoints: EndpointsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Submit a message from the sender's PC: 587 with STARTTLS and SMTP AUTH (or --plain on 25)."""
    title = subject or f"mastertech mail {uuid.uuid4().hex[:8]}"
    result = _on_pcs(
        site, inventory, target, endpoints,
        lambda design, _, runner: MailSession(design, runner, plain_).send(sender, to, title, body, pc=pc),
    )  # fmt: skip
    _show(result, result.accepted, as_json, dialogue, _print_send)


def _print_fetch(result: FetchResult) -> None:
    if result.error:
        console.print(plain(f"{NAMES[result.protocol]} as {result.user} at {result.pc}: {result.error}"))
        return
    verb = "read and deleted" if result.deleted else "read"
    who = f"{NAMES[result.protocol]} as {result.user} at {result.pc}"
    console.print(plain(f"{who}: {len(result.messages)} message(s) {verb}"))
    for m in result.messages:
        console.print(plain(f"  {m.id:>4}  {m.date}  {m.sender}  {m.subject}  {m.message_id}"))


def fetch(
    user: Annotated[str, typer.Option("--user", help="The mail user whose INBOX to read.")],
    protocol: Annotated[str, typer.Option("--protocol", help="pop3 or imap.")] = "imap",
    delete: Annotated[bool, typer.Option("--delete", help="Delete what was read.")] = False,
    pc: PcOption = None,
    plain_: PlainOption = False,
    dialogue: DialogueOption = False,
    site: SiteOption = "mastertech",
    inventory: InventoryOption = None,
    target: TargetOption = "embedded",
    endpoints: EndpointsOption = None,
    as_json: JsonOption = False,
) -> None:
    """List and read a user's INBOX from their PC over POP3 or IMAP (STARTTLS unless --plain)."""
    result = _on_pcs(
        site, inventory, target, endpoints,
        lambda design, _, runner: MailSession(design, runner, plain=plain_).fetch(
            user, protocol, delete=delete, pc=pc
        ),
    )  # fmt: skip
    _show(result, result.ok, as_json, dialogue, _print_fetch)


def print_trace(result: TraceResult) -> None:
    sent = result.sent
    mode = (
        "plain: SMTP 25, POP3 110, IMAP 143"
        if result.plain
        else "STARTTLS: SMTP AUTH 587, POP3 110, IMAP 143"
    )
    console.print(
        plain(
            f"mail trace, site {result.site}: {sent.sender} at {sent.pc} -> {', '.join(sent.to)}"
            + (f" at {result.fetched[0].pc}" if result.fetched else "")
            + f" ({mode})"
        )
    )
    origin = result.origin
    for dialogue in result.dialogues:
        print_dialogue(dialogue, origin)
    console.rule("result")
    _print_send(sent)
    for fetched in result.fetched:
        _print_fetch(fetched)
    for pcap in result.pcaps:
        console.print(plain(f"pcap: {pcap} (open it in Wireshark)"))
    for note in result.notes:
        console.print(plain(f"note: {note}"))
    console.print("round trip: " + ("ok" if result.ok else "FAILED"))


def trace(
    sender: Annotated[
        str | None, typer.Option("--from", help="The sender (default: the site's mail pair).")
    ] = None,
    to: Annotated[
        str | None, typer.Option("--to", help="The recipient (default: the site's mail pair).")
    ] = None,
    plain_: PlainOption = False,
    out: Annotated[Path, typer.Option("--out", help="Where the pcaps go.")] = Path("out/traces"),
    site: SiteOption = "mastertech",
    inventory: InventoryOption = None,
    target: TargetOption = "embedded",
    endpoints: EndpointsOption = None,
    as_json: JsonOption = False,
) -> None:
    """A round trip (SMTP, then IMAP and POP3) with its dialogue, a timeline and pcaps, passwords masked."""
    result = _on_pcs(
        site, inventory, target, endpoints,
        lambda design, provider, runner: trace_round_trip(
            design, provider, runner, sender, to, plain=plain_, out_dir=out
        ),
    )  # fmt: skip
    if as_json:
        typer.echo(json.dumps(result.as_json(), indent=2))
    else:
        print_trace(result)
    raise typer.Exit(0 if result.ok else 1)


mail_app.command()(send)
mail_app.command()(fetch)
mail_app.command()(trace)


def register(app: typer.Typer) -> None:
    app.add_typer(mail_app, name="mail")
