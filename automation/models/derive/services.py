"""Services: DNS zones with their records, the mail domain and its MX, the web site and its name.

Every name a record points at must resolve inside the site; mail and web check that their
names resolve to their own servers.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass

from automation.models.derive.management import HostAddress
from automation.models.derive.nodes import Nodes
from automation.models.design import DnsDesign, DnsRecordDesign, MailDesign, WebDesign, ZoneDesign
from automation.models.problems import Problems
from automation.models.schema import DnsZone, HostEntry, SiteFile


@dataclass(frozen=True)
class ServiceInput:
    """What the services are checked against: the nodes and the addresses the site has so far."""

    site: SiteFile
    hosts: Mapping[str, HostEntry]
    nodes: Nodes
    fixed: Mapping[str, HostAddress]


@dataclass(frozen=True)
class Services:
    dns: DnsDesign | None
    mail: MailDesign | None
    web: WebDesign | None


def check_services(given: ServiceInput, problems: Problems) -> Services:
    dns = _dns(given, problems)
    return Services(dns, _mail(given, dns, problems), _web(given, dns, problems))


def _fqdn(zone: str, name: str) -> str:
    return zone if name == "@" else f"{name}.{zone}"


def _server_with(given: ServiceInput, name: str, service: str, where: str, problems: Problems) -> bool:
    if given.nodes.role(name) != "server":
        problems.unknown(
            "site.yaml",
            where,
            name,
            f"{name!r} is not a server of this site",
            f"name one of {given.nodes.choices('server')}",
        )
        return False
    if service not in given.hosts[name].data.services:
        problems.add(
            "hosts.yaml",
            f"{name}.data.services",
            f"{name} does not list the {service} service",
            f"add {service} to its services",
        )
        return False
    return True


def _dns(given: ServiceInput, problems: Problems) -> DnsDesign | None:
    dns = given.site.dns
    if dns is None:
        return None
    if not _server_with(given, dns.server, "dns", "dns.server", problems) or dns.server not in given.fixed:
        return None
    address = given.fixed[dns.server].address
    a_names: set[str] = set()
    for zone in dns.zones:
        a_names.update(_fqdn(zone.name, r.name) for r in zone.records if r.type == "A")
        a_names.add(f"ns1.{zone.name}")
    zones: list[ZoneDesign] = []
    seen_zones: set[str] = set()
    for zi, zone in enumerate(dns.zones):
        if zone.name in seen_zones:
            problems.add(
                "site.yaml", f"dns.zones[{zi}].name", f"zone {zone.name} is listed twice", "list it once"
            )
            continue
        seen_zones.add(zone.name)
        _check_zone_names(zi, zone, problems)
        records = [DnsRecordDesign(name="ns1", type="A", value=str(address))]
        for ri, r in enumerate(zone.records):
            where = f"dns.zones[{zi}].records[{ri}]"
            if r.type == "A":
                value = _a_target(given, r.target, where, problems)
                if value is not None:
                    records.append(DnsRecordDesign(name=r.name, type="A", value=value))
                continue
            fqdn = r.target if r.target.endswith(".") else f"{r.target}.{zone.name}."
            if r.target == "@":
                fqdn = f"{zone.name}."
            if fqdn.rstrip(".") not in a_names:
                problems.add(
                    "site.yaml",
                    f"{where}.target",
                    f"{r.type} target {fqdn} points at nothing",
                    "add an A record for it or point it at a name that has one",
                )
                continue
            if r.type == "MX" and r.priority is None:
                problems.add(
                    "site.yaml", f"{where}.priority", "an MX record needs a priority", "add priority: 10"
                )
                continue
            records.append(DnsRecordDesign(name=r.name, type=r.type, value=fqdn, priority=r.priority))
        zones.append(ZoneDesign(name=zone.name, primary_ns=f"ns1.{zone.name}.", records=tuple(records)))
    return DnsDesign(server=dns.server, address=address, zones=tuple(zones))


def _check_zone_names(zi: int, zone: DnsZone, problems: Problems) -> None:
    """What BIND refuses to load (or loads wrongly) about the names in one zone.

    A CNAME must be the only record at its name (RFC 1034 3.6.2), so never at the apex, which
    holds the zone's SOA and NS; ns1 is the zone's name server, made from dns.server.
    """
    types: dict[str, list[str]] = {"ns1": ["A"]}
    seen: set[tuple[str, str, str]] = set()
    for ri, r in enumerate(zone.records):
        where = f"dns.zones[{zi}].records[{ri}]"
        fqdn = _fqdn(zone.name, r.name)
        if (r.name, r.type, r.target) in seen:
            problems.add("site.yaml", where, f"{r.type} record {fqdn} is listed twice", "list it once")
            continue
        seen.add((r.name, r.type, r.target))
        others = types.setdefault(r.name, [])
        if len(fqdn) > 253:
            problems.add("site.yaml", f"{where}.name", f"{fqdn} is longer than 253 characters", "shorten it")
        elif r.name == "ns1" and r.type in {"A", "CNAME"}:
            problems.add(
                "site.yaml",
                f"{where}.name",
                f"ns1.{zone.name} is the zone's name server, whose address comes from dns.server",
                "remove this record or give it another name",
            )
        elif r.type == "CNAME" and r.name == "@":
            problems.add(
                "site.yaml",
                f"{where}.name",
                f"a CNAME at the apex of {zone.name}, where the zone's SOA and NS records live",
                "give '@' an A record instead, or put the CNAME on a name such as www",
            )
        elif r.type == "CNAME" and others:
            problems.add(
                "site.yaml",
                f"{where}.type",
                f"{fqdn} has a CNAME and {'another CNAME' if 'CNAME' in others else 'other records'} "
                "(a CNAME must be the only record at its name)",
                "keep either the CNAME or the other records of this name",
            )
        elif r.type != "CNAME" and "CNAME" in others:
            problems.add(
                "site.yaml",
                f"{where}.name",
                f"{fqdn} already has a CNAME, which must be the only record at its name",
                "keep either the CNAME or the other records of this name",
            )
        others.append(r.type)


def _a_target(given: ServiceInput, target: str, where: str, problems: Problems) -> str | None:
    try:
        return str(ipaddress.IPv4Address(target))
    except ValueError:
        pass
    if target in given.fixed:
        return str(given.fixed[target].address)
    if given.nodes.role(target) == "router":
        return str(given.hosts[target].hostname)
    if not problems.rejected(target):
        problems.add(
            "site.yaml",
            f"{where}.target",
            f"A record target {target!r} points at nothing",
            "name a server or node of this site, or write an IPv4 address",
        )
    return None


def _lookup_a(dns: DnsDesign | None, fqdn: str) -> str | None:
    if dns is None:
        return None
    for zone in dns.zones:
        for r in zone.records:
            if r.type == "A" and _fqdn(zone.name, r.name) == fqdn:
                return r.value
    return None


def _written(site: SiteFile, fqdn: str, rtype: str) -> bool:
    """Whether site.yaml has a record of this type and name (whether or not it passed its checks)."""
    return site.dns is not None and any(
        r.type == rtype and _fqdn(zone.name, r.name) == fqdn for zone in site.dns.zones for r in zone.records
    )


def _mail(given: ServiceInput, dns: DnsDesign | None, problems: Problems) -> MailDesign | None:
    mail = given.site.mail
    if mail is None:
        return None
    ok = _server_with(given, mail.server, "mail", "mail.server", problems) and mail.server in given.fixed
    names: set[str] = set()
    seated: dict[str, str] = {}  # PC -> its mail user
    for i, user in enumerate(mail.users):
        if user.name in names:
            problems.add(
                "site.yaml",
                f"mail.users[{i}].name",
                f"duplicate mail user {user.name!r}",
                "list each mailbox once",
            )
        names.add(user.name)
        if user.pc is None:
            continue
        if given.nodes.role(user.pc) != "pc":
            problems.unknown(
                "site.yaml",
                f"mail.users[{i}].pc",
                user.pc,
                f"unknown PC {user.pc!r}",
                "name a PC from topology.yaml",
            )
        elif user.pc in seated:
            # A PC shows one mail user (its mail_user); a second would be dropped without a word.
            problems.add(
                "site.yaml",
                f"mail.users[{i}].pc",
                f"PC {user.pc} already has mail user {seated[user.pc]!r}",
                "give each PC at most one mail user (users without a PC need no pc:)",
            )
        else:
            seated[user.pc] = user.name
    zone = next((z for z in dns.zones if z.name == mail.domain), None) if dns else None
    mx = next((r for r in zone.records if r.type == "MX" and r.name == "@"), None) if zone else None
    if mx is None and _written(given.site, mail.domain, "MX"):
        return None  # the MX is written but was rejected, and that was reported
    if mx is None:
        problems.add(
            "site.yaml",
            "mail.domain",
            f"mail domain {mail.domain} has no MX record",
            f"add a zone {mail.domain} under dns.zones with an MX record at '@'",
        )
        return None
    hostname = mx.value.rstrip(".")
    found = _lookup_a(dns, hostname)
    if (
        ok
        and found != str(given.fixed[mail.server].address)
        and (found or not _written(given.site, hostname, "A"))
    ):
        problems.add(
            "site.yaml",
            "dns.zones",
            f"MX host {hostname} does not resolve to {mail.server}",
            f"point {hostname}'s A record at {mail.server}",
        )
    if not ok:
        return None
    return MailDesign(
        domain=mail.domain,
        server=mail.server,
        address=given.fixed[mail.server].address,
        hostname=hostname,
        users=tuple(u.name for u in mail.users),
    )


def _web(given: ServiceInput, dns: DnsDesign | None, problems: Problems) -> WebDesign | None:
    web = given.site.web
    if web is None:
        return None
    if not _server_with(given, web.server, "web", "web.server", problems) or web.server not in given.fixed:
        return None
    found = _lookup_a(dns, web.hostname)
    if found is None and _written(given.site, web.hostname, "A"):
        return None  # its A record is written but was rejected, and that was reported
    address = given.fixed[web.server].address
    if found != str(address):
        problems.add(
            "site.yaml",
            "web.hostname",
            f"{web.hostname} does not resolve to {web.server}",
            f"add an A record for {web.hostname} pointing at {web.server}",
        )
        return None
    return WebDesign(server=web.server, address=address, hostname=web.hostname, title=web.title)
