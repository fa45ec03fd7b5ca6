"""Client-side probes, run on a PC or test host: `python3 -m automation.checks.probe KIND`.

Standard library only: over SSH the source itself is sent and run by the host's python3
(`automation.checks.hosts`), so a host needs nothing else. Reads one JSON object on stdin, prints
one JSON object on stdout. Each probe is what a user at
that PC would do with ordinary clients: read the address and resolver it got, ping, resolve
names with the resolver the host was given (DHCP or static), fetch the web page, send mail with
SMTP AUTH on the submission port and read it with IMAP and POP3.
"""

from __future__ import annotations

import fcntl
import imaplib
import json
import os
import poplib
import shutil
import smtplib
import socket
import ssl
import struct
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

Probe = Callable[[dict[str, Any]], dict[str, Any]]
TIMEOUT = 10.0
SIOCGIFADDR = 0x8915  # ioctls of <linux/sockios.h>: an interface's address and netmask
SIOCGIFNETMASK = 0x891B


def _tls() -> ssl.SSLContext:
    # The lab's mail server has a certificate its playbook made itself: encrypt, but do not
    # pretend to verify a certificate no authority signed.
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def _resolv_conf() -> tuple[list[str], list[str]]:
    """Nameservers and search domains this host was given (DHCP or static)."""
    nameservers, search = [], []
    try:
        with open("/etc/resolv.conf", encoding="utf-8") as fh:
            for line in fh:
                parts = line.split()
                if parts[:1] == ["nameserver"] and len(parts) > 1:
                    nameservers.append(parts[1])
                elif parts[:1] in (["search"], ["domain"]):
                    search.extend(parts[1:])
    except OSError:
        pass
    return nameservers, search


def _addresses() -> list[str]:
    """The IPv4 address of every interface but loopback, from the kernel (no `ip` needed)."""
    out = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        for _, name in socket.if_nameindex():
            request = struct.pack("256s", name.encode()[:15])
            try:
                address = socket.inet_ntoa(fcntl.ioctl(sock.fileno(), SIOCGIFADDR, request)[20:24])
                mask = fcntl.ioctl(sock.fileno(), SIOCGIFNETMASK, request)[20:24]
            except OSError:
                continue  # no IPv4 address on this interface
            if not address.startswith("127."):
                out.append(f"{address}/{bin(int.from_bytes(mask, 'big')).count('1')}")
    return out


def _default_gateway() -> str | None:
    # /proc/net/route shows the routes of the reader's own network namespace, in little-endian hex.
    try:
        with open("/proc/net/route", encoding="ascii") as fh:
            for line in fh.readlines()[1:]:
                fields = line.split()
                if fields[1] == "00000000" and fields[7] == "00000000":
                    return socket.inet_ntoa(struct.pack("<I", int(fields[2], 16)))
    except OSError:
        pass
    return None


def host(_: dict[str, Any]) -> dict[str, Any]:
    nameservers, search = _resolv_conf()
    return {
        "addresses": _addresses(),
        "gateway": _default_gateway(),
        "nameservers": nameservers,
        "search": search,
    }


def _checksum(data: bytes) -> int:
    total = sum(int.from_bytes(data[i : i + 2].ljust(2, b"\0"), "big") for i in range(0, len(data), 2))
    total = (total >> 16) + (total & 0xFFFF)
    total += total >> 16
    return ~total & 0xFFFF


def _echo(target: str, timeout: float = 2.0) -> bool:
    """One ICMP echo without the `ping` program: a raw socket as root, else an unprivileged one."""
    ident = os.getpid() & 0xFFFF
    header = struct.pack(">BBHHH", 8, 0, 0, ident, 1)
    packet = struct.pack(">BBHHH", 8, 0, _checksum(header + b"mastertech"), ident, 1) + b"mastertech"
    kind = socket.SOCK_RAW if os.geteuid() == 0 else socket.SOCK_DGRAM
    with socket.socket(socket.AF_INET, kind, socket.IPPROTO_ICMP) as sock:
        sock.settimeout(timeout)
        sock.sendto(packet, (target, 0))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                data, (source, _) = sock.recvfrom(2048)
            except TimeoutError:
                return False
            reply = data[(data[0] & 0x0F) * 4 :] if kind == socket.SOCK_RAW else data
            if source == target and reply[:1] == b"\0":
                return True
    return False


def ping(args: dict[str, Any]) -> dict[str, Any]:
    out = {}
    program = shutil.which("ping")
    for target in args["targets"]:
        if program:
            proc = subprocess.run([program, "-c", "1", "-W", "2", target], capture_output=True, text=True)
            out[target] = proc.returncode == 0
        else:
            out[target] = _echo(target)
    return {"reachable": out}


DNS_TYPES = {"A": 1, "CNAME": 5, "MX": 15, "TXT": 16}


def _dns_name(packet: bytes, offset: int) -> tuple[str, int]:
    """A (possibly compressed) domain name at `offset`; returns it with a trailing dot, and the
    offset just after it in the record."""
    labels: list[str] = []
    end = None
    for _ in range(128):  # a name has at most 127 labels: anything longer is a pointer loop
        length = packet[offset]
        if length >= 0xC0:
            end = offset + 2 if end is None else end
            offset = ((length & 0x3F) << 8) | packet[offset + 1]
            continue
        if length == 0:
            return ".".join(labels) + ".", (offset + 1 if end is None else end)
        labels.append(packet[offset + 1 : offset + 1 + length].decode("ascii", "replace"))
        offset += 1 + length
    raise ValueError("malformed name")


def _dns_query(server: str, name: str, rtype: str) -> list[str]:
    qtype = DNS_TYPES[rtype]
    ident = int.from_bytes(os.urandom(2), "big")
    qname = b"".join(bytes([len(p)]) + p.encode() for p in name.rstrip(".").split(".")) + b"\0"
    query = struct.pack(">HHHHHH", ident, 0x0100, 1, 0, 0, 0) + qname + struct.pack(">HH", qtype, 1)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(TIMEOUT / 2)
        sock.sendto(query, (server, 53))
        while True:
            packet = sock.recv(4096)
            if packet[:2] == query[:2]:
                break
    flags, qd, an = struct.unpack(">HHH", packet[2:8])
    rcode = flags & 0x0F
    if rcode:
        raise LookupError({2: "SERVFAIL", 3: "NXDOMAIN", 5: "REFUSED"}.get(rcode, f"RCODE{rcode}"))
    offset = 12
    for _ in range(qd):
        offset = _dns_name(packet, offset)[1] + 4
    answers = []
    for _ in range(an):
        offset = _dns_name(packet, offset)[1]
        atype, _class, _ttl, length = struct.unpack(">HHIH", packet[offset : offset + 10])
        offset += 10
        rdata = packet[offset : offset + length]
        if atype == qtype == 1:
            answers.append(socket.inet_ntoa(rdata))
        elif atype == qtype == 15:
            answers.append(f"{int.from_bytes(rdata[:2], 'big')} {_dns_name(packet, offset + 2)[0]}")
        elif atype == qtype == 5:
            answers.append(_dns_name(packet, offset)[0])
        offset += length
    if not answers:
        raise LookupError("NoAnswer")
    return answers


def dns(args: dict[str, Any]) -> dict[str, Any]:
    """Resolve with the nameservers of this host's /etc/resolv.conf: what the host was given."""
    nameservers, _ = _resolv_conf()
    answers: dict[str, list[str]] = {}
    for name, rtype in args["queries"]:
        result = ["error: no nameserver in /etc/resolv.conf"]
        for server in nameservers:
            try:
                result = sorted(_dns_query(server, name, rtype))
                break
            except LookupError as exc:
                result = [f"error: {exc}"]
                break  # the server answered: another one is not asked
            except (OSError, ValueError, struct.error) as exc:
                result = [f"error: {type(exc).__name__}"]
        answers[f"{name} {rtype}"] = result
    return {"answers": answers, "nameservers": nameservers}


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
