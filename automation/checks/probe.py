"""Client-side probes, run inside a lab host's namespace: `python -m automation.checks.probe KIND`.

Reads one JSON object on stdin, prints one JSON object on stdout. Each probe is what a user at
that PC would do with ordinary clients: read the address and resolver it got, ping, resolve
names with the resolver the host was given (DHCP or static), fetch the web page, send mail with
SMTP AUTH on the submission port and read it with IMAP and POP3.
"""

from __future__ import annotations

import imaplib
import json
import poplib
import smtplib
import ssl
import subprocess
import sys
import urllib.request
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

Probe = Callable[[dict[str, Any]], dict[str, Any]]
TIMEOUT = 10.0


def _tls() -> ssl.SSLContext:
    # The lab's mail server has a certificate its playbook made itself: encrypt, but do not
    # pretend to verify a certificate no authority signed.
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def host(_: dict[str, Any]) -> dict[str, Any]:
    addresses = json.loads(
        subprocess.run(["ip", "-j", "-4", "addr", "show"], capture_output=True, text=True, check=True).stdout
    )
    routes = json.loads(
        subprocess.run(
            ["ip", "-j", "-4", "route", "show", "default"], capture_output=True, text=True, check=True
        ).stdout
    )
    nameservers, search = [], []
    try:
        with open("/etc/resolv.conf", encoding="utf-8") as fh:
            for line in fh:
                parts = line.split()
                if parts[:1] == ["nameserver"]:
                    nameservers.append(parts[1])
                elif parts[:1] in (["search"], ["domain"]):
                    search.extend(parts[1:])
    except OSError:
        pass
    return {
        "addresses": [
            f"{a['local']}/{a['prefixlen']}"
            for row in addresses
            for a in row.get("addr_info", [])
            if not a["local"].startswith("127.")
        ],
        "gateway": routes[0].get("gateway") if routes else None,
        "nameservers": nameservers,
        "search": search,
    }


def ping(args: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for target in args["targets"]:
        proc = subprocess.run(["ping", "-c", "1", "-W", "2", target], capture_output=True, text=True)
        out[target] = proc.returncode == 0
    return {"reachable": out}


def dns(args: dict[str, Any]) -> dict[str, Any]:
    import dns.resolver

    resolver = dns.resolver.Resolver()  # /etc/resolv.conf of this namespace: what the host was given
    resolver.lifetime = TIMEOUT
    answers: dict[str, list[str]] = {}
    for name, rtype in args["queries"]:
        try:
            answers[f"{name} {rtype}"] = sorted(r.to_text() for r in resolver.resolve(name, rtype))
        except Exception as exc:
            answers[f"{name} {rtype}"] = [f"error: {type(exc).__name__}"]
    return {"answers": answers, "nameservers": list(resolver.nameservers)}


def http(args: dict[str, Any]) -> dict[str, Any]:
    with urllib.request.urlopen(args["url"], timeout=TIMEOUT) as response:
        body = response.read().decode("utf-8", errors="replace")
        return {"status": response.status, "body": body[:4000]}


def mail_send(args: dict[str, Any]) -> dict[str, Any]:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = args["sender"], args["to"], args["subject"]
    message["Message-ID"] = make_msgid(domain=args["sender"].split("@")[1])
    message.set_content(args.get("body", "Sent by mastertech check.\n"))
    with smtplib.SMTP(args["server"], args.get("port", 587), timeout=TIMEOUT) as smtp:
        smtp.starttls(context=_tls())
        smtp.login(args["user"], args["password"])
        refused = smtp.send_message(message)
    return {"sent": not refused, "refused": list(refused)}


def smtp_relay(args: dict[str, Any]) -> dict[str, Any]:
    """Try to relay to an outside domain without authenticating: a mail server must refuse."""
    with smtplib.SMTP(args["server"], 25, timeout=TIMEOUT) as smtp:
        smtp.ehlo()
        smtp.mail(args["sender"])
        code, text = smtp.rcpt(args["to"])
    return {"code": code, "text": text.decode(errors="replace")}


def imap_count(args: dict[str, Any]) -> dict[str, Any]:
    with imaplib.IMAP4(args["server"], 143, timeout=TIMEOUT) as imap:
        imap.starttls(ssl_context=_tls())
        imap.login(args["user"], args["password"])
        imap.select("INBOX", readonly=True)
        status, data = imap.search(None, "SUBJECT", f'"{args["subject"]}"')
        return {"count": len(data[0].split()) if status == "OK" else -1}


def pop3_take(args: dict[str, Any]) -> dict[str, Any]:
    pop = poplib.POP3(args["server"], 110, timeout=TIMEOUT)
    try:
        pop.stls(context=_tls())
        pop.user(args["user"])
        pop.pass_(args["password"])
        found = 0
        for index in range(1, len(pop.list()[1]) + 1):
            lines = pop.retr(index)[1]
            if any(line.decode(errors="replace") == f"Subject: {args['subject']}" for line in lines):
                found += 1
                if args.get("delete", True):
                    pop.dele(index)
        return {"count": found}
    finally:
        pop.quit()


PROBES: dict[str, Probe] = {
    "host": host,
    "ping": ping,
    "dns": dns,
    "http": http,
    "mail_send": mail_send,
    "smtp_relay": smtp_relay,
    "imap_count": imap_count,
    "pop3_take": pop3_take,
}


def main() -> None:
    kind = sys.argv[1]
    args = json.loads(sys.stdin.read() or "{}")
    try:
        result = PROBES[kind](args)
    except Exception as exc:
        result = {"error": f"{type(exc).__name__}: {exc}"}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
