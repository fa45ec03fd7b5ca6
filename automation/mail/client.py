"""Send and fetch mail from the site's PCs, through the provider's host runner.

`MailSession` knows the site's mail users, the PC each one sits at and their passwords; it runs
the recording probes on a PC and returns typed results with the dialogue. Submission is on 587
with STARTTLS and SMTP AUTH; `plain` speaks as the seed's Packet Tracer clients do: SMTP on 25
without AUTH, POP3 on 110 and IMAP on 143 without STARTTLS.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from automation.checks.hosts import HostRunner
from automation.errors import UsageError
from automation.mail.dialogue import Dialogue, dialogue_from, mask, secret_forms
from automation.models.design import Site
from automation.secrets import mail_password

PROTOCOLS = ("pop3", "imap")
PORTS = {("smtp", False): 587, ("smtp", True): 25, ("pop3", False): 110, ("pop3", True): 110}
PORTS |= {("imap", False): 143, ("imap", True): 143}


@dataclass(frozen=True)
class MailUser:
    name: str  # alice
    address: str  # alice@mt.com
    pc: str | None  # the PC the user sits at


def mail_users(site: Site) -> list[MailUser]:
    if site.mail is None:
        return []
    at = {pc.mail_user.split("@")[0]: pc.name for pc in site.pcs if pc.mail_user}
    return [MailUser(u, f"{u}@{site.mail.domain}", at.get(u)) for u in site.mail.users]


def find_user(site: Site, name: str) -> MailUser:
    """A mail user by name or address; UsageError names the site's users."""
    if site.mail is None:
        raise UsageError(f"site {site.name} has no mail server")
    for user in mail_users(site):
        if name.lower() in (user.name.lower(), user.address.lower()):
            return user
    names = ", ".join(u.name for u in mail_users(site))
    raise UsageError(f"no mail user {name!r} in site {site.name}; use one of {names}")


@dataclass(frozen=True)
class SendResult:
    sender: str
    to: tuple[str, ...]
    pc: str
    subject: str
    message_id: str
    accepted: bool  # the server answered 250 after DATA
    code: int
    reply: str
    stage: str  # where it was refused (AUTH, RCPT TO, DATA, connect), "" when accepted
    dialogue: Dialogue

    def as_json(self) -> dict[str, Any]:
        return {
            "sender": self.sender, "to": list(self.to), "pc": self.pc, "subject": self.subject,
            "message_id": self.message_id, "accepted": self.accepted, "code": self.code,
            "reply": self.reply, "stage": self.stage, "dialogue": self.dialogue.as_json(),
        }  # fmt: skip


@dataclass(frozen=True)
class Message:
    id: str  # the POP3 message number or the IMAP sequence number
    sender: str
    to: str
    subject: str
    message_id: str
    date: str

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "from": self.sender, "to": self.to, "subject": self.subject,
            "message_id": self.message_id, "date": self.date,
        }  # fmt: skip


@dataclass(frozen=True)
class FetchResult:
    user: str
    pc: str
    protocol: str
    messages: tuple[Message, ...]
    deleted: bool
    error: str | None
    dialogue: Dialogue

    @property
    def ok(self) -> bool:
        return self.error is None

    def as_json(self) -> dict[str, Any]:
        return {
            "user": self.user, "pc": self.pc, "protocol": self.protocol, "ok": self.ok,
            "messages": [m.as_json() for m in self.messages], "deleted": self.deleted,
            "error": self.error, "dialogue": self.dialogue.as_json(),
        }  # fmt: skip


class MailSession:
    """Mail clients of one site, run on its PCs by `runner`."""

    def __init__(self, site: Site, runner: HostRunner, plain: bool = False) -> None:
        if site.mail is None:
            raise UsageError(f"site {site.name} has no mail server")
        self.site = site
        self.mail = site.mail
        self.runner = runner
        self.plain = plain

    def _pc(self, user: MailUser, pc: str | None) -> str:
        if pc is not None:
            if pc not in {p.name for p in self.site.pcs}:
                pcs = ", ".join(p.name for p in self.site.pcs)
                raise UsageError(f"no PC {pc!r} in site {self.site.name}; use one of {pcs}")
            return pc
        if user.pc is None:
            raise UsageError(f"mail user {user.name} sits at no PC; give one with --pc")
        return user.pc

    def send(
        self, sender: str, to: list[str], subject: str, body: str = "", pc: str | None = None,
        password: str | None = None, message_id: str | None = None,
    ) -> SendResult:  # fmt: skip
        """One message from `sender`'s PC (or `pc`); `password` overrides the user's own."""
        user = find_user(self.site, sender)
        rcpts = [r if "@" in r else find_user(self.site, r).address for r in to]
        host = self._pc(user, pc)
        secret = mail_password(user.name) if password is None else password
        args: dict[str, Any] = {
            "server": self.mail.hostname, "port": PORTS["smtp", self.plain], "starttls": not self.plain,
            "user": user.name, "password": None if self.plain else secret, "sender": user.address,
            "to": ", ".join(rcpts), "subject": subject, "body": body, "message_id": message_id,
        }  # fmt: skip
        answer = self.runner(host, "mail_session_send", args)
        dialogue = dialogue_from("smtp", args["port"], host, answer, secret_forms(user.name, secret))
        return SendResult(
            user.address, tuple(rcpts), host, subject, str(answer.get("message_id", "")),
            bool(answer.get("accepted")), int(answer.get("code") or 0),
            str(answer.get("reply") or answer.get("error") or ""),
            "" if answer.get("accepted") else str(answer.get("stage") or "connect"), dialogue,
        )  # fmt: skip

    def fetch(
        self, user_name: str, protocol: str = "imap", delete: bool = False, subject: str | None = None,
        wait: float = 0.0, pc: str | None = None, password: str | None = None,
    ) -> FetchResult:  # fmt: skip
        """List and read `user_name`'s INBOX from their PC; `wait` polls until `subject` is there."""
        if protocol not in PROTOCOLS:
            raise UsageError(f"unknown protocol {protocol!r}; use pop3 or imap")
        user = find_user(self.site, user_name)
        host = self._pc(user, pc)
        secret = mail_password(user.name) if password is None else password
        args: dict[str, Any] = {
            "server": self.mail.hostname, "protocol": protocol, "port": PORTS[protocol, self.plain],
            "starttls": not self.plain, "user": user.name, "password": secret, "delete": delete,
            "subject": subject, "wait": wait,
        }  # fmt: skip
        answer = self.runner(host, "mail_session_fetch", args)
        messages = tuple(
            Message(
                str(m.get("id", "")), str(m.get("From", "")), str(m.get("To", "")),
                str(m.get("Subject", "")), str(m.get("Message-ID", "")), str(m.get("Date", "")),
            )
            for m in answer.get("messages", [])
        )  # fmt: skip
        error = answer.get("error")
        dialogue = dialogue_from(protocol, int(args["port"]), host, answer, secret_forms(user.name, secret))
        return FetchResult(
            user.address, host, protocol, messages, delete and error is None,
            None if error is None else mask(str(error), secret_forms(user.name, secret)), dialogue,
        )  # fmt: skip


class MailClient:
    """One mail user's client at their PC: what a test needs to send and read mail as that user."""

    def __init__(self, session: MailSession, user: str) -> None:
        self.session = session
        self.user = find_user(session.site, user)

    @property
    def address(self) -> str:
        return self.user.address

    def send(self, to: str | list[str], subject: str, body: str = "") -> SendResult:
        return self.session.send(self.user.name, [to] if isinstance(to, str) else to, subject, body)

    def fetch(
        self, protocol: str = "imap", delete: bool = False, subject: str | None = None, wait: float = 0.0
    ) -> FetchResult:
        return self.session.fetch(self.user.name, protocol, delete=delete, subject=subject, wait=wait)
