"""Render the Linux servers' files (BIND, Postfix, Dovecot, nginx) from a site's design.

The templates under templates/linux/ are the same files the Ansible roles in playbooks/ use with
the `template` module; `server_context` is the variable set both see (the Ansible inventory export
puts it in each server's host vars). The Jinja2 settings below are Ansible's template defaults, so a
file rendered here is byte for byte the file Ansible writes.

No secret is rendered: the Dovecot passwd-file is written by the playbook at run time from the vault.
"""

from __future__ import annotations

import base64
import hashlib
import json
from functools import cache
from typing import Any

import jinja2

from automation.errors import UsageError
from automation.models.design import DnsDesign, MailDesign, ServerDesign, Site, WebDesign, ZoneDesign
from automation.render.environment import TEMPLATES_DIR

LINUX_TEMPLATES = TEMPLATES_DIR / "linux"

# Paths on the servers. One place, shared by the renderer and (through the context) the playbooks.
BIND_OPTIONS = "/etc/bind/named.conf.options"
BIND_LOCAL = "/etc/bind/named.conf.local"
BIND_ZONE_DIR = "/etc/bind/zones"
POSTFIX_MAIN = "/etc/postfix/main.cf"
POSTFIX_MASTER = "/etc/postfix/master.cf"
POSTFIX_MAILBOXES = "/etc/postfix/vmailbox"
DOVECOT_CONF = "/etc/dovecot/dovecot.conf"
DOVECOT_USERS = "/etc/dovecot/users"
MAILBOX_BASE = "/var/mail/vhosts"
TLS_DIR = "/etc/ssl/mastertech"
NGINX_SITES = "/etc/nginx/sites-available"
WEB_ROOT = "/var/www"
RESOLV_CONF = "/etc/resolv.conf"
VMAIL_UID = 5000  # a dedicated owner for every Maildir, above Debian's dynamic system range
ZONE_TTL = 3600


@cache
def linux_environment() -> jinja2.Environment:
    """Ansible's `template` module defaults: trim_blocks on, lstrip_blocks off, trailing newline kept."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(LINUX_TEMPLATES)),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=False,
        keep_trailing_newline=True,
        autoescape=False,  # config files; the HTML page escapes what it inserts (Ansible renders it too)
    )


def zone_serial(zone: ZoneDesign, ttl: int = ZONE_TTL) -> int:
    """A SOA serial derived from the zone's content: it changes exactly when a record changes.

    No secondary servers take transfers from these zones, so the serial need not grow; it only has
    to differ, which keeps renders reproducible (golden files, idempotent playbook runs).

    >>> z = ZoneDesign(name="a.test", primary_ns="ns1.a.test.", records=())
    >>> zone_serial(z) == zone_serial(z)
    True
    >>> 1 <= zone_serial(z) < 2**31
    True
    """
    body = json.dumps({"zone": zone.model_dump(mode="json"), "ttl": ttl}, sort_keys=True)
    digest = int.from_bytes(hashlib.sha256(body.encode()).digest()[:4], "big")
    return digest % (2**31 - 1) + 1


def dovecot_password(user: str, password: str) -> str:
    """A Dovecot {SSHA512} entry with a salt derived from user and password.

    A random salt would rewrite the passwd-file on every run and break idempotency; deriving it
    from both inputs keeps each user's salt distinct and changes it whenever the password does.

    >>> dovecot_password("alice@mt.com", "x").startswith("{SSHA512}")
    True
    >>> dovecot_password("alice@mt.com", "x") == dovecot_password("bob@mt.com", "x")
    False
    """
    salt = hashlib.sha256(f"mastertech-salt:{user}:{password}".encode()).digest()[:8]
    digest = hashlib.sha512(password.encode() + salt).digest()
    return "{SSHA512}" + base64.b64encode(digest + salt).decode()


def _server(site: Site, name: str) -> ServerDesign:
    for server in site.servers:
        if server.name == name:
            return server
    known = ", ".join(s.name for s in site.servers) or "none"
    raise UsageError(f"site {site.name}: no server {name!r} (servers: {known})")


def _dns_context(dns: DnsDesign) -> dict[str, Any]:
    zones = []
    for zone in dns.zones:
        zones.append(
            {
                "name": zone.name,
                "file": f"{BIND_ZONE_DIR}/db.{zone.name}",
                "ttl": ZONE_TTL,
                "serial": zone_serial(zone),
                "primary_ns": zone.primary_ns,
                "hostmaster": f"hostmaster.{zone.name}.",
                "records": [
                    {"name": r.name, "type": r.type, "value": r.value, "priority": r.priority}
                    for r in zone.records
                ],
            }
        )
    return {"listen": str(dns.address), "zones": zones}


def _mail_context(mail: MailDesign) -> dict[str, Any]:
    return {
        "domain": mail.domain,
        "hostname": mail.hostname,
        "address": str(mail.address),
        "users": [
            {"name": user, "address": f"{user}@{mail.domain}", "maildir": f"{mail.domain}/{user}/"}
            for user in mail.users
        ],
        "mailbox_base": MAILBOX_BASE,
        "mailbox_map": POSTFIX_MAILBOXES,
        "passwd_file": DOVECOT_USERS,
        "vmail_uid": VMAIL_UID,
        "vmail_gid": VMAIL_UID,
        "tls_cert": f"{TLS_DIR}/{mail.hostname}.crt",
        "tls_key": f"{TLS_DIR}/{mail.hostname}.key",
    }


def _web_context(web: WebDesign) -> dict[str, Any]:
    return {
        "hostname": web.hostname,
        "address": str(web.address),
        "title": web.title,
        "root": f"{WEB_ROOT}/{web.hostname}",
        "site_file": f"{NGINX_SITES}/{web.hostname}.conf",
    }


def server_context(site: Site, server_name: str) -> dict[str, Any]:
    """Every variable the Linux templates and roles use, as plain JSON-able data.

    Keys carry an `mt_` prefix so they never collide with Ansible's own variables. A service's
    key is None when the server does not run it.
    """
    server = _server(site, server_name)
    services = set(server.services)
    return {
        "mt_site": site.name,
        "mt_server": {
            "name": server.name,
            "hostname": server.name.lower(),
            "address": str(server.address.ip),
            "prefixlen": server.address.network.prefixlen,
            "gateway": str(server.gateway) if server.gateway else None,
            "services": list(server.services),
            "resolver": str(site.dns.address) if site.dns else None,
            "search": site.domain,
        },
        "mt_dns": _dns_context(site.dns) if "dns" in services and site.dns else None,
        "mt_mail": _mail_context(site.mail) if "mail" in services and site.mail else None,
        "mt_web": _web_context(site.web) if "web" in services and site.web else None,
    }


def _render(template: str, context: dict[str, Any], **extra: Any) -> str:
    return linux_environment().get_template(template).render(**context, **extra)


def render_server(site: Site, server_name: str) -> dict[str, str]:
    """Destination path on the server -> content, for every file the playbooks template there.

    The same pairs, in the same order, are what the roles write; the Dovecot passwd-file is left
    out on purpose (it holds password hashes from the vault).
    """
    ctx = server_context(site, server_name)
    files: dict[str, str] = {}
    if ctx["mt_server"]["resolver"]:
        files[RESOLV_CONF] = _render("base/resolv.conf.j2", ctx)
    if ctx["mt_dns"]:
        files[BIND_OPTIONS] = _render("bind/named.conf.options.j2", ctx)
        files[BIND_LOCAL] = _render("bind/named.conf.local.j2", ctx)
        for zone in ctx["mt_dns"]["zones"]:
            files[zone["file"]] = _render("bind/zone.db.j2", ctx, zone=zone)
    if ctx["mt_mail"]:
        files[POSTFIX_MAIN] = _render("postfix/main.cf.j2", ctx)
        files[POSTFIX_MASTER] = _render("postfix/master.cf.j2", ctx)
        files[POSTFIX_MAILBOXES] = _render("postfix/vmailbox.j2", ctx)
        files[DOVECOT_CONF] = _render("dovecot/dovecot.conf.j2", ctx)
    if ctx["mt_web"]:
        web = ctx["mt_web"]
        files[web["site_file"]] = _render("nginx/site.conf.j2", ctx)
        files[f"{web['root']}/index.html"] = _render("nginx/index.html.j2", ctx)
    return files
