"""Mail as the people at the PCs use it, on any target: send, fetch, and trace a round trip.

Every client runs on a PC (or its department's test host) through the provider's host runner,
with the probes of `automation.checks.probe`; `trace` also captures the PC's interface and shows
the SMTP, POP3 and IMAP dialogue command by command, passwords masked.
"""

from __future__ import annotations

from automation.mail.client import (
    FetchResult,
    MailClient,
    MailSession,
    MailUser,
    SendResult,
    find_user,
    mail_users,
)
from automation.mail.dialogue import Dialogue, DialogueLine
from automation.mail.trace import TraceResult, trace_round_trip

__all__ = [
    "Dialogue",
    "DialogueLine",
    "FetchResult",
    "MailClient",
    "MailSession",
    "MailUser",
    "SendResult",
    "TraceResult",
    "find_user",
    "mail_users",
    "trace_round_trip",
]
