"""Negative mail checks: what the mail server must refuse, and what breaks when Dovecot is down.

Each is a `PlannedCheck` like the end-to-end ones (the pytest plugin makes one test item of each):
a wrong password refused on SMTP AUTH, POP3 and IMAP; relaying to an outside domain refused even
after AUTH; mail to an unknown user rejected at RCPT TO; and (disruptive, only when asked) mail
that stops arriving while Dovecot is stopped, with the reason, Dovecot started again afterwards.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import partial

from automation.checks.e2e import CheckContext, PlannedCheck
from automation.checks.mail_trip import mail_pair
from automation.checks.result import CheckResult
from automation.mail.client import FetchResult, MailSession, SendResult
from automation.mail.server import MailServerControl
from automation.models.design import PcDesign, Site

OUTSIDE = "someone@example.org"  # a domain the server is not the destination for
DOWN_BUDGET = 5.0  # seconds to wait for mail that must not arrive while Dovecot is down


def _wrong() -> str:
    return f"not-the-password-{uuid.uuid4().hex[:8]}"


def _refusal(sent: SendResult) -> str:
    if sent.accepted:
        return f"accepted: {sent.code} {sent.reply}"
    return f"{sent.code} {sent.reply} (at {sent.stage})".strip()


def _users(site: Site) -> tuple[PcDesign, PcDesign, str, str]:
    pair = mail_pair(site)
    assert pair is not None and pair[0].mail_user and pair[1].mail_user
    return pair[0], pair[1], pair[0].mail_user.split("@")[0], pair[1].mail_user.split("@")[0]


def check_wrong_password_smtp(ctx: CheckContext) -> CheckResult:
    sender, recipient, s_user, _ = _users(ctx.site)
    assert recipient.mail_user
    sent = MailSession(ctx.site, ctx.run).send(
        s_user, [recipient.mail_user], "wrong password", password=_wrong()
    )
    ok = not sent.accepted and sent.stage == "AUTH" and 500 <= sent.code < 600
    return CheckResult(
        "check_wrong_password_smtp", sender.name, ok, f"AUTH with a wrong password: {_refusal(sent)}"
    )


def _fetch_refused(protocol: str, ctx: CheckContext) -> CheckResult:
    _, recipient, _, r_user = _users(ctx.site)
    got: FetchResult = MailSession(ctx.site, ctx.run).fetch(r_user, protocol, password=_wrong())
    ok = got.error is not None and "auth" in got.error.lower()
    saw = got.error or f"logged in, {len(got.messages)} message(s)"
    return CheckResult(
        f"check_wrong_password_{protocol}",
        recipient.name,
        ok,
        f"{protocol.upper()} login with a wrong password: {saw}",
    )


def check_relay_refused(ctx: CheckContext) -> CheckResult:
    sender, _, s_user, _ = _users(ctx.site)
    sent = MailSession(ctx.site, ctx.run).send(s_user, [OUTSIDE], "relay attempt")
    ok = not sent.accepted and sent.stage == "RCPT TO" and 500 <= sent.code < 600
    return CheckResult(
        "check_relay_refused", sender.name, ok, f"authenticated, to {OUTSIDE}: {_refusal(sent)}"
    )


def check_unknown_user_rejected(ctx: CheckContext) -> CheckResult:
    sender, _, s_user, _ = _users(ctx.site)
    assert ctx.site.mail is not None
    nobody = f"nobody-{uuid.uuid4().hex[:6]}@{ctx.site.mail.domain}"
    sent = MailSession(ctx.site, ctx.run).send(s_user, [nobody], "to nobody")
    ok = (
        not sent.accepted and sent.stage == "RCPT TO" and sent.code == 550 and "unknown" in sent.reply.lower()
    )
    return CheckResult("check_unknown_user_rejected", sender.name, ok, f"to {nobody}: {_refusal(sent)}")


def check_mail_stops_without_dovecot(
    control_of: Callable[[], MailServerControl], ctx: CheckContext
) -> CheckResult:
    """With Dovecot stopped no mail arrives: SMTP AUTH (Dovecot's SASL) and the mailboxes are gone.
    Passes when the round trip fails and says why; Dovecot is started again whatever happens."""
    _, recipient, s_user, r_user = _users(ctx.site)
    assert recipient.mail_user
    session = MailSession(ctx.site, ctx.run)
    control = control_of()
    control.service("dovecot", "stop")
    try:
        sent = session.send(s_user, [recipient.mail_user], f"while dovecot is down {uuid.uuid4().hex[:6]}")
        got = session.fetch(r_user, "imap", subject=sent.subject, wait=DOWN_BUDGET if sent.accepted else 0)
    finally:
        control.service("dovecot", "start")
        back = control.wait_ready("dovecot")
    if sent.accepted and back:  # Postfix took it while Dovecot was down: leave no trace of the check
        session.fetch(r_user, "pop3", delete=True, subject=sent.subject, wait=DOWN_BUDGET)
    arrived = bool(got.messages)
    reasons = [f"SMTP {_refusal(sent)}", f"IMAP {got.error or f'{len(got.messages)} message(s)'}"]
    if not back:
        reasons.append("Dovecot did not answer again after its start")
    detail = f"round trip with Dovecot stopped: {'arrived' if arrived else 'failed'}: {'; '.join(reasons)}"
    return CheckResult(
        "check_mail_stops_without_dovecot",
        ctx.site.mail.server if ctx.site.mail else "",
        not arrived and back,
        detail,
    )


def plan_negative_checks(
    site: Site, control: Callable[[], MailServerControl] | None = None
) -> list[PlannedCheck]:
    """The negative checks of the site; the Dovecot one only given how to `control` the server
    (called when that check runs)."""
    if site.mail is None or mail_pair(site) is None:
        return []
    sender, recipient, _, _ = _users(site)
    server = site.mail.server
    plan = [
        PlannedCheck(
            "check_wrong_password_smtp", sender.name, "test_wrong_password_refused[smtp]", sender.department,
            "SMTP AUTH on 587 with a wrong password refused with a 5xx reply", check_wrong_password_smtp,
        ),
        PlannedCheck(
            "check_wrong_password_pop3", recipient.name, "test_wrong_password_refused[pop3]",
            recipient.department, "POP3 PASS with a wrong password refused (-ERR [AUTH])",
            partial(_fetch_refused, "pop3"),
        ),
        PlannedCheck(
            "check_wrong_password_imap", recipient.name, "test_wrong_password_refused[imap]",
            recipient.department, "IMAP LOGIN with a wrong password refused (NO [AUTHENTICATIONFAILED])",
            partial(_fetch_refused, "imap"),
        ),
        PlannedCheck(
            "check_relay_refused", sender.name, "test_relay_refused[authenticated-587]", sender.department,
            f"RCPT TO {OUTSIDE} refused with a 5xx reply even after AUTH", check_relay_refused,
        ),
        PlannedCheck(
            "check_unknown_user_rejected", sender.name, f"test_unknown_user_rejected[{server}]",
            sender.department, "RCPT TO an unknown user of the domain rejected: 550 ... User unknown",
            check_unknown_user_rejected,
        ),
    ]  # fmt: skip
    if control is not None:
        plan.append(
            PlannedCheck(
                "check_mail_stops_without_dovecot", server, f"test_mail_stops_without_dovecot[{server}]",
                None,
                "no mail arrives while Dovecot is stopped, with the reason; Dovecot answers again after",
                partial(check_mail_stops_without_dovecot, control),
            )
        )  # fmt: skip
    return plan
