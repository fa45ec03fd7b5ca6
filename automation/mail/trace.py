"""`mastertech mail trace`: one round trip with its dialogue and a pcap of each PC's interface.

The sender submits a message, the recipient reads it over IMAP (read-only) and then over POP3,
which deletes it, as the seed's client does. Each PC's interface is captured meanwhile. With TLS
(the default: STARTTLS on 587, 110 and 143) the wire is encrypted, so the dialogue is the one the
clients recorded; `plain` runs the seed's unencrypted protocols, and the pcap shows the same
dialogue on the wire. Passwords are masked in the dialogue and scrubbed from the pcaps.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from automation.checks.hosts import HostRunner
from automation.checks.mail_trip import mail_pair
from automation.errors import UsageError
from automation.mail.capture import Capture, capture_on, scrub_pcap
from automation.mail.client import FetchResult, MailSession, SendResult, find_user
from automation.mail.dialogue import Dialogue, secret_forms
from automation.models.design import Site
from automation.providers.base import LabProvider
from automation.secrets import mail_password, server_credentials

ARRIVAL_BUDGET = 20.0  # seconds for the message to reach the recipient's mailbox


@dataclass(frozen=True)
class TraceResult:
    site: str
    plain: bool
    sent: SendResult
    fetched: tuple[FetchResult, ...]
    pcaps: tuple[Path, ...]
    notes: tuple[str, ...]

    @property
    def dialogues(self) -> tuple[Dialogue, ...]:
        return (self.sent.dialogue, *(f.dialogue for f in self.fetched))

    @property
    def origin(self) -> float:
        starts = [d.start for d in self.dialogues if d.lines]
        return min(starts) if starts else 0.0

    @property
    def ok(self) -> bool:
        """Accepted, and every protocol found exactly the message that was sent."""
        return self.sent.accepted and all(
            f.ok and [m.message_id for m in f.messages] == [self.sent.message_id] for f in self.fetched
        )

    def as_json(self) -> dict[str, Any]:
        origin = self.origin
        return {
            "ok": self.ok,
            "site": self.site,
            "plain": self.plain,
            "sender": self.sent.sender,
            "to": list(self.sent.to),
            "message_id": self.sent.message_id,
            "accepted": self.sent.accepted,
            "sessions": [d.as_json(origin) for d in self.dialogues],
            "fetched": [
                {
                    "protocol": f.protocol,
                    "user": f.user,
                    "pc": f.pc,
                    "messages": len(f.messages),
                    "error": f.error,
                }
                for f in self.fetched
            ],
            "pcaps": [str(p) for p in self.pcaps],
            "notes": list(self.notes),
        }


def default_pair(site: Site) -> tuple[str, str]:
    pair = mail_pair(site)
    if pair is None or not pair[0].mail_user or not pair[1].mail_user:
        raise UsageError(f"site {site.name} has no two PCs with mail users; give --from and --to")
    return pair[0].mail_user.split("@")[0], pair[1].mail_user.split("@")[0]


def _capture(provider: LabProvider, site: Site, pc: str, out: Path) -> Capture:
    assert site.mail is not None
    bpf = f"tcp and host {site.mail.address}"
    capture_argv = getattr(provider, "capture_argv", None)
    if capture_argv is not None:

        def argv_for(node: str, iface: str, path: Path) -> list[str]:
            return list(capture_argv(node, iface, path, None))

        return capture_on(pc, out, bpf, argv_for, None)
    try:
        endpoint = provider.status().node(pc).mgmt
    except KeyError:
        endpoint = None
    if endpoint is None:
        return capture_on(pc, out, bpf, None, None)
    creds = server_credentials(generate=False)
    return capture_on(pc, out, bpf, None, (endpoint, creds.username, creds.password))


def trace_round_trip(
    site: Site, provider: LabProvider, runner: HostRunner, sender: str | None = None,
    to: str | None = None, plain: bool = False, out_dir: Path = Path("out/traces"),
    protocols: tuple[str, ...] = ("imap", "pop3"), budget: float = ARRIVAL_BUDGET,
) -> TraceResult:  # fmt: skip
    """Send from `sender`'s PC to `to`, read it at `to`'s PC, capturing both PCs meanwhile."""
    if site.mail is None:
        raise UsageError(f"site {site.name} has no mail server")
    first, second = default_pair(site)
    s_user, r_user = find_user(site, sender or first), find_user(site, to or second)
    if s_user.pc is None or r_user.pc is None:
        raise UsageError(f"{s_user.name} and {r_user.name} must each sit at a PC to trace their mail")
    session = MailSession(site, runner, plain=plain)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    pcs = list(dict.fromkeys([s_user.pc, r_user.pc]))
    captures = {pc: _capture(provider, site, pc, out_dir / f"{site.name}-{stamp}-{pc}.pcap") for pc in pcs}
    for capture in captures.values():
        capture.start()
    subject = f"mastertech trace {uuid.uuid4().hex[:8]}"
    body = f"Hello {r_user.name}, this is {s_user.name} at {s_user.pc}.\n"
    fetched: list[FetchResult] = []
    try:
        sent = session.send(s_user.name, [r_user.address], subject, body)
        if sent.accepted:
            for protocol in protocols:
                fetched.append(
                    session.fetch(
                        r_user.name, protocol, delete=protocol == "pop3", subject=subject, wait=budget
                    )
                )
    finally:
        pcaps = {pc: c.stop() for pc, c in captures.items()}
    secrets = [*secret_forms(s_user.name, mail_password(s_user.name))]
    secrets += secret_forms(r_user.name, mail_password(r_user.name))
    notes = [c.note for pc, c in captures.items() if pcaps[pc] is None]
    for path in pcaps.values():
        if path is not None and scrub_pcap(path, secrets):
            notes.append(f"{path.name}: passwords overwritten with * (TCP checksums fixed)")
    if not plain:
        notes.append("the wire is TLS after STARTTLS: the dialogue is shown from the clients' side")
    if not sent.accepted:
        notes.append(f"not accepted at {sent.stage}: {sent.code} {sent.reply}")
    saved = tuple(p for p in pcaps.values() if p is not None)
    return TraceResult(site.name, plain, sent, tuple(fetched), saved, tuple(notes))
