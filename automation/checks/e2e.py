"""End-to-end checks from the hosts' side: what the people at the PCs would see.

Every probe runs on a PC (or its department's test host) through a host runner
(`automation.checks.hosts`: the PC's namespace on the embedded lab, SSH elsewhere), with that
host's own address and resolver. A host that cannot be reached fails each of its checks, by name.
The checks: DHCP leases per department, reachability across departments
and routers, DNS (A and MX) through the resolver the PC was given, the web site, and mail sent
with SMTP AUTH from one department and read over IMAP and POP3 in another (once, exactly).
"""

from __future__ import annotations

import ipaddress
import time
import uuid
from typing import Any

from automation.checks.hosts import HostRunner as Runner
from automation.checks.result import CheckReport, CheckResult
from automation.models.design import PcDesign, Site
from automation.secrets import mail_password

MAIL_BUDGET = 20.0  # seconds for a submitted message to reach the mailbox
POLL = 0.5


def check_leases(site: Site, run: Runner) -> list[CheckResult]:
    out = []
    for pc in site.pcs:
        facts = run(pc.name, "host", {})
        vlan = next(v for v in site.vlans if v.id == pc.vlan)
        problems = []
        addresses = [ipaddress.IPv4Interface(a) for a in facts.get("addresses", [])]
        inside = [a for a in addresses if a.ip in vlan.subnet]
        if "error" in facts:
            out.append(CheckResult("check_lease", pc.name, False, str(facts["error"])))
            continue
        if not inside:
            problems.append(f"no address in {vlan.subnet} (has {[str(a) for a in addresses] or 'none'})")
        if pc.address is None and vlan.gateway and facts.get("gateway") != str(vlan.gateway):
            problems.append(f"default gateway {facts.get('gateway')}, not {vlan.gateway}")
        if site.dns and str(site.dns.address) not in facts.get("nameservers", []):
            problems.append(f"DNS server {facts.get('nameservers')}, not {site.dns.address}")
        if pc.address is None and site.domain not in facts.get("search", []):
            problems.append(f"domain {facts.get('search')}, not {site.domain}")
        how = "DHCP" if pc.address is None else "static"
        detail = (
            f"{how} {inside[0]} via {facts.get('gateway')}, DNS {facts.get('nameservers')}" if inside else ""
        )
        out.append(CheckResult("check_lease", pc.name, not problems, "; ".join(problems) or detail))
    return out


def _address_of(site: Site, run: Runner, pc: PcDesign) -> str | None:
    facts = run(pc.name, "host", {})
    for a in facts.get("addresses", []):
        return str(ipaddress.IPv4Interface(a).ip)
    return None


def check_reachability(site: Site, run: Runner) -> list[CheckResult]:
    """Each PC reaches its gateway, every server and one PC of every other VLAN."""
    out = []
    first_of_vlan: dict[int, PcDesign] = {}
    for pc in site.pcs:
        first_of_vlan.setdefault(pc.vlan, pc)
    peer_address = {v: _address_of(site, run, pc) for v, pc in first_of_vlan.items()}
    for pc in site.pcs:
        targets: dict[str, str] = {}
        if pc.gateway:
            targets[str(pc.gateway)] = "gateway"
        for server in site.servers:
            targets[str(server.address.ip)] = server.name
        for vid, other in first_of_vlan.items():
            if other.name != pc.name and peer_address[vid]:
                targets[str(peer_address[vid])] = other.name
        result = run(pc.name, "ping", {"targets": list(targets)})
        reach = result.get("reachable", {})
        lost = [f"{targets[t]} ({t})" for t in targets if not reach.get(t)]
        detail = f"reaches {', '.join(targets.values())}" if not lost else f"cannot reach {', '.join(lost)}"
        if "error" in result:
            detail = str(result["error"])
        out.append(CheckResult("check_reachability", pc.name, bool(targets) and not lost, detail))
    return out


def check_dns(site: Site, run: Runner) -> list[CheckResult]:
    if site.dns is None or not site.pcs:
        return []
    out = []
    for pc in _one_pc_per_vlan(site):
        expected: dict[str, list[str]] = {}
        for zone in site.dns.zones:
            for r in zone.records:
                name = zone.name if r.name == "@" else f"{r.name}.{zone.name}"
                value = f"{r.priority} {r.value}" if r.type == "MX" else r.value
                expected.setdefault(f"{name} {r.type}", []).append(value)
        queries = [key.split(" ") for key in expected]
        got = run(pc.name, "dns", {"queries": queries})
        answers = got.get("answers", {})
        if "error" in got:
            out.append(CheckResult("check_dns", pc.name, False, str(got["error"])))
            continue
        wrong = [
            f"{k}: {answers.get(k)} (want {sorted(v)})"
            for k, v in expected.items()
            if sorted(answers.get(k, [])) != sorted(v)
        ]
        out.append(
            CheckResult(
                "check_dns",
                pc.name,
                not wrong,
                "; ".join(wrong) or f"{len(expected)} names resolve as designed",
            )
        )
    return out


def check_web(site: Site, run: Runner) -> list[CheckResult]:
    if site.web is None:
        return []
    out = []
    for pc in _one_pc_per_vlan(site):
        url = f"http://{site.web.hostname}/"
        got = run(pc.name, "http", {"url": url})
        ok = got.get("status") == 200 and site.web.title in got.get("body", "")
        detail = f"GET {url}: {got.get('status')}" + ("" if ok else f" {got.get('error') or 'wrong page'}")
        out.append(CheckResult("check_web", pc.name, ok, detail))
    return out


def _one_pc_per_vlan(site: Site) -> list[PcDesign]:
    seen: dict[int, PcDesign] = {}
    for pc in site.pcs:
        seen.setdefault(pc.vlan, pc)
    return list(seen.values())


def mail_pair(site: Site) -> tuple[PcDesign, PcDesign] | None:
    """A sender and a recipient who sit in different departments (or at different PCs)."""
    users = [pc for pc in site.pcs if pc.mail_user]
    for a in users:
        for b in users:
            if a.name != b.name and (a.vlan != b.vlan or len({p.vlan for p in users}) == 1):
                return a, b
    return None


def check_mail(site: Site, run: Runner, budget: float = MAIL_BUDGET) -> list[CheckResult]:
    if site.mail is None:
        return []
    pair = mail_pair(site)
    if pair is None:
        return [CheckResult("check_mail", site.mail.server, False, "no two PCs with mail users")]
    sender, recipient = pair
    assert sender.mail_user and recipient.mail_user
    server = site.mail.hostname
    subject = f"mastertech check {uuid.uuid4().hex[:12]}"
    s_user, r_user = sender.mail_user.split("@")[0], recipient.mail_user.split("@")[0]
    sent = run(
        sender.name,
        "mail_send",
        {
            "server": server,
            "user": s_user,
            "password": mail_password(s_user),
            "sender": sender.mail_user,
            "to": recipient.mail_user,
            "subject": subject,
        },
    )
    results = [
        CheckResult(
            "check_mail_smtp",
            sender.name,
            bool(sent.get("sent")),
            f"{sender.mail_user} -> {recipient.mail_user} over SMTP AUTH (587)"
            + (f": {sent['error']}" if "error" in sent else ""),
        )
    ]
    login = {"server": server, "user": r_user, "password": mail_password(r_user), "subject": subject}
    deadline = time.monotonic() + budget
    imap: dict[str, Any] = {}
    while time.monotonic() < deadline:
        imap = run(recipient.name, "imap_count", login)
        if imap.get("count") or imap.get("unreachable"):
            break
        time.sleep(POLL)
    results.append(
        CheckResult(
            "check_mail_imap",
            recipient.name,
            imap.get("count") == 1,
            f"IMAP: {imap.get('count', imap.get('error'))} message(s) with the subject",
        )
    )
    pop = run(recipient.name, "pop3_take", {**login, "delete": True})
    results.append(
        CheckResult(
            "check_mail_pop3",
            recipient.name,
            pop.get("count") == 1,
            f"POP3: {pop.get('count', pop.get('error'))} message(s), deleted",
        )
    )
    after = run(recipient.name, "imap_count", login)
    results.append(
        CheckResult(
            "check_mail_deleted",
            recipient.name,
            after.get("count") == 0,
            f"after POP3 delete, IMAP sees {after.get('count', after.get('error'))}",
        )
    )
    relay = run(
        sender.name, "smtp_relay", {"server": server, "sender": sender.mail_user, "to": "someone@example.org"}
    )
    results.append(
        CheckResult(
            "check_no_open_relay",
            site.mail.server,
            500 <= int(relay.get("code", 0)) < 600,
            f"relay to example.org: {relay.get('code')} {relay.get('text', relay.get('error'))}",
        )
    )
    return results


CHECKS = (check_leases, check_reachability, check_dns, check_web)


def run_checks(site: Site, run: Runner, mail_budget: float = MAIL_BUDGET) -> CheckReport:
    """Every end-to-end check, in order; mail last, as it needs everything else working."""
    report = CheckReport()
    for check in CHECKS:
        report.results.extend(check(site, run))
    report.results.extend(check_mail(site, run, mail_budget))
    return report
