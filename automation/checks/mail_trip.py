"""The mail round trip of the end-to-end checks: one message sent with SMTP AUTH from a PC of one
department and read back over IMAP and POP3 at a PC of another, exactly once; and the relay test.

Each probe runs on a PC through a host runner (`automation.checks.hosts`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from automation.checks.hosts import HostRunner as Runner
from automation.checks.result import CheckResult
from automation.models.design import PcDesign, Site
from automation.polling import until
from automation.secrets import mail_password

MAIL_BUDGET = 20.0  # seconds for a submitted message to reach the mailbox
POLL = 0.5


def mail_pair(site: Site) -> tuple[PcDesign, PcDesign] | None:
    """A sender and a recipient who sit in different departments (or at different PCs)."""
    users = [pc for pc in site.pcs if pc.mail_user]
    for a in users:
        for b in users:
            if a.name != b.name and (a.vlan != b.vlan or len({p.vlan for p in users}) == 1):
                return a, b
    return None


def pair_label(sender: PcDesign, recipient: PcDesign) -> str:
    """`Backend->Management`, or the PCs' names where the departments do not tell them apart."""
    if sender.department and recipient.department and sender.department != recipient.department:
        return f"{sender.department}->{recipient.department}"
    return f"{sender.name}->{recipient.name}"


class MailRoundTrip:
    """One message sent with SMTP AUTH and read back over IMAP and POP3, step by step.

    Each step runs the steps before it that have not run yet, so any one of them can be run (or
    selected as a test item) alone; each step runs once and keeps its result.
    """

    def __init__(self, site: Site, run: Runner, budget: float = MAIL_BUDGET) -> None:
        assert site.mail is not None
        pair = mail_pair(site)
        assert pair is not None
        self.run, self.budget = run, budget
        self.sender, self.recipient = pair
        assert self.sender.mail_user and self.recipient.mail_user
        self.server = site.mail.hostname
        self.subject = f"mastertech check {uuid.uuid4().hex[:12]}"
        self._done: dict[str, CheckResult] = {}

    def _login(self) -> dict[str, Any]:
        assert self.recipient.mail_user
        user = self.recipient.mail_user.split("@")[0]
        return {"server": self.server, "user": user, "password": mail_password(user), "subject": self.subject}

    def _once(self, step: str, do: Callable[[], CheckResult]) -> CheckResult:
        if step not in self._done:
            self._done[step] = do()
        return self._done[step]

    def submit(self) -> CheckResult:
        return self._once("smtp", self._submit)

    def _submit(self) -> CheckResult:
        assert self.sender.mail_user and self.recipient.mail_user
        user = self.sender.mail_user.split("@")[0]
        sent = self.run(
            self.sender.name,
            "mail_send",
            {
                "server": self.server,
                "user": user,
                "password": mail_password(user),
                "sender": self.sender.mail_user,
                "to": self.recipient.mail_user,
                "subject": self.subject,
            },
        )
        return CheckResult(
            "check_mail_smtp",
            self.sender.name,
            bool(sent.get("sent")),
            f"{self.sender.mail_user} -> {self.recipient.mail_user} over SMTP AUTH (587)"
            + (f": {sent['error']}" if "error" in sent else ""),
        )

    def imap(self) -> CheckResult:
        self.submit()
        return self._once("imap", self._imap)

    def _imap(self) -> CheckResult:
        imap: dict[str, Any] = {}

        def arrived() -> bool:
            nonlocal imap
            imap = self.run(self.recipient.name, "imap_count", self._login())
            return bool(imap.get("count") or imap.get("unreachable"))

        until(arrived, self.budget, POLL)
        return CheckResult(
            "check_mail_imap",
            self.recipient.name,
            imap.get("count") == 1,
            f"IMAP: {imap.get('count', imap.get('error'))} message(s) with the subject",
        )

    def pop3(self) -> CheckResult:
        self.imap()  # the message has arrived (or the budget is spent) before POP3 takes it
        return self._once("pop3", self._pop3)

    def _pop3(self) -> CheckResult:
        pop = self.run(self.recipient.name, "pop3_take", {**self._login(), "delete": True})
        return CheckResult(
            "check_mail_pop3",
            self.recipient.name,
            pop.get("count") == 1,
            f"POP3: {pop.get('count', pop.get('error'))} message(s), deleted",
        )

    def deleted(self) -> CheckResult:
        self.pop3()
        return self._once("deleted", self._deleted)

    def _deleted(self) -> CheckResult:
        after = self.run(self.recipient.name, "imap_count", self._login())
        return CheckResult(
            "check_mail_deleted",
            self.recipient.name,
            after.get("count") == 0,
            f"after POP3 delete, IMAP sees {after.get('count', after.get('error'))}",
        )


def check_no_open_relay(site: Site, run: Runner) -> CheckResult:
    assert site.mail is not None
    pair = mail_pair(site)
    assert pair is not None and pair[0].mail_user
    relay = run(
        pair[0].name,
        "smtp_relay",
        {"server": site.mail.hostname, "sender": pair[0].mail_user, "to": "someone@example.org"},
    )
    return CheckResult(
        "check_no_open_relay",
        site.mail.server,
        500 <= int(relay.get("code", 0)) < 600,
        f"relay to example.org: {relay.get('code')} {relay.get('text', relay.get('error'))}",
    )
