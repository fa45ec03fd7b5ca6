"""End-to-end checks from the hosts' side: what the people at the PCs would see.

Every probe runs on a PC (or its department's test host) through a host runner
(`automation.checks.hosts`: the PC's namespace on the embedded lab, SSH elsewhere), with that
host's own address and resolver. A host that cannot be reached fails each of its checks, by name.
The checks: DHCP leases per department, reachability across departments
and routers, DNS (A and MX) through the resolver the PC was given, the web site, and mail sent
with SMTP AUTH from one department and read over IMAP and POP3 in another (once, exactly).

The mail round trip is `automation.checks.mail_trip`.

`plan_checks(site)` lists every check as a `PlannedCheck` that runs alone (the pytest plugin makes
one test item of each); `run_checks` runs the plan into one report, in the plan's order.

Each probe is a process on the host (a Python start, a few hundred milliseconds) and the checks
do not wait for each other, so `run_checks` runs them in a thread pool. The mail round trip is
one chain (submit, then IMAP, POP3, the delete seen): its steps run in order in one thread while
the other checks run beside it.
"""

from __future__ import annotations

import ipaddress
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial

from automation.checks.hosts import HostRunner as Runner
from automation.checks.mail_trip import MAIL_BUDGET, MailRoundTrip, check_no_open_relay, mail_pair, pair_label
from automation.checks.result import CheckReport, CheckResult
from automation.models.design import PcDesign, Site, VlanDesign

# Probes at once: each is mostly a Python start on the host; a few more than the cores keep them
# busy while others wait on the network (ping, the mail delivery).
WORKERS = 8


@dataclass
class CheckContext:
    """What the checks of one run share: the site, the runner, and what one check learnt that a
    later one needs (the PCs' peer addresses, the mail sent for the round trip)."""

    site: Site
    run: Runner
    mail_budget: float = MAIL_BUDGET
    _peers: dict[int, str | None] | None = None
    _mail: MailRoundTrip | None = None
    # Checks run in threads: what is learnt once is learnt by one of them while the others wait.
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def peer_addresses(self) -> dict[int, str | None]:
        """The address of the first PC of every VLAN, read once."""
        with self._lock:
            if self._peers is None:
                self._peers = {v: _address_of(self.run, pc) for v, pc in _first_of_vlan(self.site).items()}
            return self._peers

    def mail(self) -> MailRoundTrip:
        with self._lock:
            if self._mail is None:
                self._mail = MailRoundTrip(self.site, self.run, self.mail_budget)
            return self._mail


@dataclass(frozen=True)
class PlannedCheck:
    """One end-to-end check on one host, runnable on its own (earlier steps it needs run first)."""

    name: str  # as in `check --json`: check_lease, check_mail_imap, ...
    host: str
    test: str  # the test item it becomes: test_lease[BE-PC1]
    department: str | None
    expected: str  # what passing proves, said to the user when it fails
    execute: Callable[[CheckContext], CheckResult] = field(repr=False)
    # Checks of one chain share steps and run in plan order, one after the other (the mail round
    # trip); checks without one run independently.
    chain: str | None = None

    def run(self, ctx: CheckContext) -> CheckResult:
        return self.execute(ctx)


def _vlan_of(site: Site, pc: PcDesign) -> VlanDesign:
    return next(v for v in site.vlans if v.id == pc.vlan)


def check_lease(site: Site, run: Runner, pc: PcDesign) -> CheckResult:
    facts = run(pc.name, "host", {})
    vlan = _vlan_of(site, pc)
    problems = []
    addresses = [ipaddress.IPv4Interface(a) for a in facts.get("addresses", [])]
    inside = [a for a in addresses if a.ip in vlan.subnet]
    if "error" in facts:
        return CheckResult("check_lease", pc.name, False, str(facts["error"]))
    if not inside:
        problems.append(f"no address in {vlan.subnet} (has {[str(a) for a in addresses] or 'none'})")
    if pc.address is None and vlan.gateway and facts.get("gateway") != str(vlan.gateway):
        problems.append(f"default gateway {facts.get('gateway')}, not {vlan.gateway}")
    if site.dns and str(site.dns.address) not in facts.get("nameservers", []):
        problems.append(f"DNS server {facts.get('nameservers')}, not {site.dns.address}")
    if pc.address is None and site.domain not in facts.get("search", []):
        problems.append(f"domain {facts.get('search')}, not {site.domain}")
    how = "DHCP" if pc.address is None else "static"
    detail = f"{how} {inside[0]} via {facts.get('gateway')}, DNS {facts.get('nameservers')}" if inside else ""
    return CheckResult("check_lease", pc.name, not problems, "; ".join(problems) or detail)


def check_leases(site: Site, run: Runner) -> list[CheckResult]:
    return [check_lease(site, run, pc) for pc in site.pcs]


def _address_of(run: Runner, pc: PcDesign) -> str | None:
    facts = run(pc.name, "host", {})
    for a in facts.get("addresses", []):
        return str(ipaddress.IPv4Interface(a).ip)
    return None


def _first_of_vlan(site: Site) -> dict[int, PcDesign]:
    first: dict[int, PcDesign] = {}
    for pc in site.pcs:
        first.setdefault(pc.vlan, pc)
    return first


def check_reachability_of(
    site: Site, run: Runner, pc: PcDesign, peer_address: dict[int, str | None]
) -> CheckResult:
    """The PC reaches its gateway, every server and one PC of every other VLAN."""
    targets: dict[str, str] = {}
    if pc.gateway:
        targets[str(pc.gateway)] = "gateway"
    for server in site.servers:
        targets[str(server.address.ip)] = server.name
    for vid, other in _first_of_vlan(site).items():
        if other.name != pc.name and peer_address[vid]:
            targets[str(peer_address[vid])] = other.name
    result = run(pc.name, "ping", {"targets": list(targets)})
    reach = result.get("reachable", {})
    lost = [f"{targets[t]} ({t})" for t in targets if not reach.get(t)]
    detail = f"reaches {', '.join(targets.values())}" if not lost else f"cannot reach {', '.join(lost)}"
    if "error" in result:
        detail = str(result["error"])
    return CheckResult("check_reachability", pc.name, bool(targets) and not lost, detail)


def check_reachability(site: Site, run: Runner) -> list[CheckResult]:
    """Each PC reaches its gateway, every server and one PC of every other VLAN."""
    peers = CheckContext(site, run).peer_addresses()
    return [check_reachability_of(site, run, pc, peers) for pc in site.pcs]


def _dns_expected(site: Site) -> dict[str, list[str]]:
    expected: dict[str, list[str]] = {}
    assert site.dns is not None
    for zone in site.dns.zones:
        for r in zone.records:
            name = zone.name if r.name == "@" else f"{r.name}.{zone.name}"
            value = f"{r.priority} {r.value}" if r.type == "MX" else r.value
            expected.setdefault(f"{name} {r.type}", []).append(value)
    return expected


def check_dns_of(site: Site, run: Runner, pc: PcDesign) -> CheckResult:
    expected = _dns_expected(site)
    queries = [key.split(" ") for key in expected]
    got = run(pc.name, "dns", {"queries": queries})
    answers = got.get("answers", {})
    if "error" in got:
        return CheckResult("check_dns", pc.name, False, str(got["error"]))
    wrong = [
        f"{k}: {answers.get(k)} (want {sorted(v)})"
        for k, v in expected.items()
        if sorted(answers.get(k, [])) != sorted(v)
    ]
    return CheckResult(
        "check_dns", pc.name, not wrong, "; ".join(wrong) or f"{len(expected)} names resolve as designed"
    )


def check_dns(site: Site, run: Runner) -> list[CheckResult]:
    if site.dns is None or not site.pcs:
        return []
    return [check_dns_of(site, run, pc) for pc in _one_pc_per_vlan(site)]


def check_web_of(site: Site, run: Runner, pc: PcDesign) -> CheckResult:
    assert site.web is not None
    url = f"http://{site.web.hostname}/"
    got = run(pc.name, "http", {"url": url})
    ok = got.get("status") == 200 and site.web.title in got.get("body", "")
    detail = f"GET {url}: {got.get('status')}" + ("" if ok else f" {got.get('error') or 'wrong page'}")
    return CheckResult("check_web", pc.name, ok, detail)


def check_web(site: Site, run: Runner) -> list[CheckResult]:
    if site.web is None:
        return []
    return [check_web_of(site, run, pc) for pc in _one_pc_per_vlan(site)]


def _one_pc_per_vlan(site: Site) -> list[PcDesign]:
    return list(_first_of_vlan(site).values())


def _on_pc(
    check: Callable[[Site, Runner, PcDesign], CheckResult], pc: PcDesign, ctx: CheckContext
) -> CheckResult:
    return check(ctx.site, ctx.run, pc)


def _reach(pc: PcDesign, ctx: CheckContext) -> CheckResult:
    return check_reachability_of(ctx.site, ctx.run, pc, ctx.peer_addresses())


def _mail_step(step: Callable[[MailRoundTrip], CheckResult], ctx: CheckContext) -> CheckResult:
    return step(ctx.mail())


MAIL_CHAIN = "mail round trip"


def _mail_plan(site: Site) -> list[PlannedCheck]:
    if site.mail is None:
        return []
    pair = mail_pair(site)
    if pair is None:
        fail = CheckResult("check_mail", site.mail.server, False, "no two PCs with mail users")
        return [
            PlannedCheck(
                "check_mail", site.mail.server, "test_mail_round_trip", None,
                "two PCs with mail users to mail between", lambda ctx: fail,
            )
        ]  # fmt: skip
    sender, recipient = pair
    label = pair_label(sender, recipient)
    trip = f"{sender.mail_user} at {sender.name} mails {recipient.mail_user} at {recipient.name}"
    steps: list[tuple[str, str, str, str, Callable[[MailRoundTrip], CheckResult]]] = [
        ("smtp", "check_mail_smtp", sender.name, f"{trip}: accepted on 587 (STARTTLS, AUTH)",
         MailRoundTrip.submit),
        ("imap", "check_mail_imap", recipient.name,
         f"{trip}: exactly 1 message with the subject in the INBOX over IMAP", MailRoundTrip.imap),
        ("pop3", "check_mail_pop3", recipient.name, f"{trip}: POP3 retrieves exactly 1 and deletes it",
         MailRoundTrip.pop3),
        ("deleted", "check_mail_deleted", recipient.name,
         f"{trip}: after the POP3 delete, IMAP sees 0", MailRoundTrip.deleted),
    ]  # fmt: skip
    departments = {p.name: p.department for p in site.pcs}
    plan = [
        PlannedCheck(
            name, host, f"test_mail_round_trip[{label}-{step}]", departments.get(host), expected,
            partial(_mail_step, do), chain=MAIL_CHAIN,
        )
        for step, name, host, expected, do in steps
    ]  # fmt: skip
    plan.append(
        PlannedCheck(
            "check_no_open_relay", site.mail.server, f"test_no_open_relay[{site.mail.server}]", None,
            "a 5xx reply to RCPT TO an outside domain (example.org) without authentication",
            lambda ctx: check_no_open_relay(ctx.site, ctx.run),
        )
    )  # fmt: skip
    return plan


def plan_checks(site: Site) -> list[PlannedCheck]:
    """Every end-to-end check of the site, in the order `run_checks` runs them; mail last, as it
    needs everything else working."""
    plan: list[PlannedCheck] = []
    for pc in site.pcs:
        vlan = _vlan_of(site, pc)
        how = "by DHCP" if pc.address is None else "(static)"
        plan.append(
            PlannedCheck(
                "check_lease", pc.name, f"test_lease[{pc.name}]", pc.department,
                f"an address in {vlan.subnet} {how}"
                + (f", DNS server {site.dns.address}" if site.dns else ""),
                partial(_on_pc, check_lease, pc),
            )
        )  # fmt: skip
    for pc in site.pcs:
        plan.append(
            PlannedCheck(
                "check_reachability", pc.name, f"test_reachability[{pc.name}]", pc.department,
                "ping replies from the gateway, every server and a PC of every other VLAN",
                partial(_reach, pc),
            )
        )  # fmt: skip
    if site.dns is not None:
        for pc in _one_pc_per_vlan(site):
            plan.append(
                PlannedCheck(
                    "check_dns", pc.name, f"test_dns[{pc.name}]", pc.department,
                    "every A and MX record of the design, through the PC's own resolver",
                    partial(_on_pc, check_dns_of, pc),
                )
            )  # fmt: skip
    if site.web is not None:
        for pc in _one_pc_per_vlan(site):
            plan.append(
                PlannedCheck(
                    "check_web", pc.name, f"test_web[{pc.name}]", pc.department,
                    f"GET http://{site.web.hostname}/ answers 200 with the title {site.web.title!r}",
                    partial(_on_pc, check_web_of, pc),
                )
            )  # fmt: skip
    return plan + _mail_plan(site)


def check_mail(site: Site, run: Runner, budget: float = MAIL_BUDGET) -> list[CheckResult]:
    ctx = CheckContext(site, run, budget)
    return [p.run(ctx) for p in _mail_plan(site)]


def run_plan(plan: Sequence[PlannedCheck], ctx: CheckContext, workers: int = WORKERS) -> list[CheckResult]:
    """The results of `plan`, in its order: independent checks at once in a thread pool, the
    checks of a chain one after the other in one thread. The chains start first (the mail round
    trip waits for a delivery, the longest wait of all)."""
    tasks: dict[str | int, list[int]] = {}
    for index, check in enumerate(plan):
        tasks.setdefault(check.chain if check.chain is not None else index, []).append(index)
    ordered = sorted(tasks.values(), key=lambda indices: plan[indices[0]].chain is None)
    results: list[CheckResult | None] = [None] * len(plan)

    def run_task(indices: list[int]) -> None:
        for index in indices:
            results[index] = plan[index].run(ctx)

    if workers <= 1:
        for indices in ordered:
            run_task(indices)
    else:
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="e2e") as pool:
            for future in [pool.submit(run_task, indices) for indices in ordered]:
                future.result()  # a check that raises is raised here, as it was when run in order
    return [result for result in results if result is not None]


def run_checks(
    site: Site, run: Runner, mail_budget: float = MAIL_BUDGET, workers: int = WORKERS
) -> CheckReport:
    """Every end-to-end check, reported in the plan's order (mail last); run concurrently."""
    ctx = CheckContext(site, run, mail_budget)
    return CheckReport(run_plan(plan_checks(site), ctx, workers))
