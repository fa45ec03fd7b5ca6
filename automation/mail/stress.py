"""Many messages at once, from every department to every user, and every one counted by Message-ID.

Each sending PC submits its share with its own concurrent SMTP clients (587, STARTTLS, AUTH), all
PCs at the same time; then every recipient's INBOX is read over IMAP until what the server
accepted has arrived (or the budget is spent). Every message the server accepted (250 after DATA)
must be there exactly once: none lost, none duplicated. With `restart`, Postfix is restarted
`restart_after` seconds into the run: a client whose connection is refused meanwhile tries again
for a while, as mail clients do (never after MAIL FROM, which could send a message twice); one
cut off in the middle counts as refused, and a message that arrived although its client saw no
250 is reported, not failed. The messages
of the run are removed from the mailboxes at the end.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from automation.checks.hosts import HostRunner
from automation.errors import UsageError
from automation.mail.client import MailUser, mail_users
from automation.models.design import Site
from automation.secrets import mail_password

CHUNK = 100  # messages per probe call: one call stays well inside the runner's probe timeout
RETRY_FOR = 20.0  # seconds a client keeps trying a server that refuses connections (restarting)
DELIVERY_BUDGET = 120.0  # seconds for accepted messages to arrive
POLL = 1.0


@dataclass(frozen=True)
class StressResult:
    messages: int
    workers: int
    accepted: int
    refused: int
    delivered: int  # accepted messages found exactly once
    lost: tuple[str, ...]  # accepted, never arrived
    duplicated: tuple[str, ...]  # arrived more than once
    unconfirmed: tuple[str, ...]  # arrived although the client saw no 250
    submit_seconds: float
    delivery_seconds: float
    restarted: str | None  # what the Postfix restart said, when there was one
    refusals: dict[str, int] = field(default_factory=dict)  # reason -> count

    @property
    def ok(self) -> bool:
        return self.accepted > 0 and not self.lost and not self.duplicated

    @property
    def rate(self) -> float:
        """Accepted messages per second of submission."""
        return self.accepted / self.submit_seconds if self.submit_seconds else 0.0

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok, "messages": self.messages, "workers": self.workers, "accepted": self.accepted,
            "refused": self.refused, "delivered_once": self.delivered, "lost": list(self.lost),
            "duplicated": list(self.duplicated), "unconfirmed": list(self.unconfirmed),
            "submit_seconds": round(self.submit_seconds, 2),
            "delivery_seconds": round(self.delivery_seconds, 2),
            "messages_per_second": round(self.rate, 1), "postfix_restart": self.restarted,
            "refusals": self.refusals,
        }  # fmt: skip


def _shares(total: int, parts: int) -> list[int]:
    """`total` split into `parts` nearly equal whole shares.

    >>> _shares(20, 6)
    [4, 4, 3, 3, 3, 3]
    """
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def _jobs(site: Site, users: list[MailUser], count: int, marker: str) -> dict[str, list[dict[str, Any]]]:
    """`count` messages, senders and recipients cycling through every user, grouped by sending PC."""
    assert site.mail is not None
    by_pc: dict[str, list[dict[str, Any]]] = {}
    n = len(users)
    for i in range(count):
        sender, recipient = users[i % n], users[(i + 1 + i // n) % n]
        assert sender.pc is not None
        by_pc.setdefault(sender.pc, []).append(
            {
                "user": sender.name, "password": mail_password(sender.name), "sender": sender.address,
                "to": recipient.address, "subject": f"{marker} {i}",
                "message_id": f"<{i}.{marker}@{site.mail.domain}>", "body": f"message {i} of {count}\n",
            }
        )  # fmt: skip
    return by_pc


def run_stress(
    site: Site, runner: HostRunner, count: int = 1000, workers: int = 20,
    restart: Callable[[], str] | None = None, restart_after: float = 1.0,
    delivery_budget: float = DELIVERY_BUDGET,
) -> StressResult:  # fmt: skip
    """Submit `count` messages with `workers` concurrent clients over all sending PCs; count them."""
    if site.mail is None:
        raise UsageError(f"site {site.name} has no mail server")
    users = [u for u in mail_users(site) if u.pc is not None]
    if len(users) < 2:
        raise UsageError(f"site {site.name} needs two mail users at PCs")
    marker = f"stress-{uuid.uuid4().hex[:10]}"
    by_pc = _jobs(site, users, count, marker)
    per_pc = dict(zip(by_pc, _shares(max(workers, len(by_pc)), len(by_pc)), strict=True))

    server = site.mail.hostname

    def submit(pc: str) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        jobs = by_pc[pc]
        for at in range(0, len(jobs), CHUNK):
            chunk = jobs[at : at + CHUNK]
            answer = runner(
                pc, "mail_batch",
                {"server": server, "jobs": chunk, "workers": per_pc[pc], "retry_for": RETRY_FOR},
            )  # fmt: skip
            results = answer.get("results")
            if not isinstance(results, list):  # the whole probe failed: none of the chunk was accepted
                why = str(answer.get("error", "no answer"))
                results = [{"message_id": j["message_id"], "accepted": False, "reply": why} for j in chunk]
            out.extend(results)
        return out

    restarted: list[str] = []
    timer = None
    if restart is not None:
        timer = threading.Timer(restart_after, lambda: restarted.append(restart()))
    start = time.monotonic()
    if timer is not None:
        timer.start()
    with ThreadPoolExecutor(max_workers=len(by_pc)) as pool:
        outcomes = [r for rs in pool.map(submit, list(by_pc)) for r in rs]
    if timer is not None:
        timer.join()
    submitted = time.monotonic() - start
    accepted = {str(r["message_id"]) for r in outcomes if r.get("accepted")}
    refusals = Counter(
        f"{r.get('code', 0)} {r.get('reply', '')}".strip()[:120] for r in outcomes if not r.get("accepted")
    )
    recipients = [u for u in users if any(j["to"] == u.address for jobs in by_pc.values() for j in jobs)]
    delivered, waited = _collect(site, runner, recipients, marker, len(accepted), delivery_budget)
    _remove(site, runner, recipients, marker)
    seen = Counter(delivered)
    return StressResult(
        messages=count, workers=sum(per_pc.values()), accepted=len(accepted), refused=count - len(accepted),
        delivered=sum(1 for m in accepted if seen[m] == 1),
        lost=tuple(sorted(m for m in accepted if seen[m] == 0)),
        duplicated=tuple(sorted(m for m, n in seen.items() if n > 1)),
        unconfirmed=tuple(sorted(m for m in seen if m not in accepted)),
        submit_seconds=submitted, delivery_seconds=waited,
        restarted=restarted[0] if restarted else None, refusals=dict(refusals.most_common(5)),
    )  # fmt: skip


def _read(site: Site, runner: HostRunner, user: MailUser, marker: str, expunge: bool = False) -> list[str]:
    assert site.mail is not None and user.pc is not None
    answer = runner(
        user.pc, "mail_ids",
        {"server": site.mail.hostname, "user": user.name, "password": mail_password(user.name),
         "marker": marker, "expunge": expunge},
    )  # fmt: skip
    return [str(i) for i in answer.get("ids", [])]


def _collect(
    site: Site, runner: HostRunner, users: list[MailUser], marker: str, expected: int, budget: float
) -> tuple[list[str], float]:
    """Every Message-ID of the run in the mailboxes, once all expected arrived or nothing more came
    for a while; how long that took."""
    start = time.monotonic()
    last: list[str] = []
    quiet_since = start
    while True:
        with ThreadPoolExecutor(max_workers=len(users)) as pool:
            ids = [i for got in pool.map(lambda u: _read(site, runner, u, marker), users) for i in got]
        now = time.monotonic()
        if len(ids) != len(last):
            quiet_since = now
        last = ids
        # More than expected can be there (unconfirmed ones): wait until nothing changes for a bit.
        settled = len(set(ids)) >= expected and now - quiet_since >= 2 * POLL
        if settled or now - start > budget or (now - quiet_since > 15 and len(ids) >= expected):
            return ids, now - start
        time.sleep(POLL)


def _remove(site: Site, runner: HostRunner, users: list[MailUser], marker: str) -> None:
    with ThreadPoolExecutor(max_workers=len(users)) as pool:
        list(pool.map(lambda u: _read(site, runner, u, marker, expunge=True), users))
