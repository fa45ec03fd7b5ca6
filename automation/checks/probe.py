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
from email.utils import formatdate, make_msgid
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

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


# --- mail sessions that record their dialogue ---------------------------------------------------
# Each command and reply is kept with its time (ms since the probe started) and whether the wire
# was encrypted then; credentials are masked here, before anything leaves the host.

_T0 = time.monotonic()
_STARTED = time.time()  # the same moment on the wall clock: dialogues of two probes share one timeline
MASK = "****"
ROUND_TRIP_PAUSE = 0.5  # seconds between polls for a message to arrive


class _Recorder:
    def __init__(self, protocol: str) -> None:
        self.protocol = protocol
        self.lines: list[dict[str, Any]] = []
        self.tls = False
        self._mask_next = False  # the client line after a 334 challenge is a credential

    def add(self, side: str, text: str) -> None:
        if side == "C":
            text = self._mask(text)
        elif side == "S" and self.protocol == "smtp" and text.startswith("334"):
            self._mask_next = True
        self.lines.append(
            {"t": round((time.monotonic() - _T0) * 1000, 1), "from": side, "text": text, "tls": self.tls}
        )

    def _mask(self, text: str) -> str:
        if self._mask_next:
            self._mask_next = False
            return MASK
        words = text.split(" ")
        upper = [w.upper() for w in words]
        if self.protocol == "smtp" and upper[:1] == ["AUTH"] and len(words) > 2:
            return " ".join([*words[:2], MASK])
        if self.protocol == "pop3" and upper[:1] == ["PASS"]:
            return f"{words[0]} {MASK}"
        if self.protocol == "imap" and len(words) > 3 and upper[1] == "LOGIN":
            return " ".join([*words[:3], MASK])
        return text

    def started_tls(self, sock: Any) -> None:
        self.tls = True
        version = sock.version() if hasattr(sock, "version") else "TLS"
        cipher = sock.cipher()[0] if hasattr(sock, "cipher") and sock.cipher() else ""
        self.lines.append(
            {
                "t": round((time.monotonic() - _T0) * 1000, 1),
                "from": "-",
                "text": f"TLS handshake done ({version} {cipher}); from here the wire is encrypted",
                "tls": True,
            }
        )


class _RecordingContext(ssl.SSLContext):
    """The probes' TLS context that notes in the dialogue the moment the wire becomes encrypted
    (imaplib reads the capabilities again inside its starttls, already over TLS)."""

    recorder: _Recorder | None = None

    def wrap_socket(self, *args: Any, **kwargs: Any) -> Any:
        sock = super().wrap_socket(*args, **kwargs)
        if self.recorder is not None:
            self.recorder.started_tls(sock)
        return sock


def _recording_tls(recorder: _Recorder) -> _RecordingContext:
    context = _RecordingContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False  # the lab's self-made certificate, as in _tls()
    context.verify_mode = ssl.CERT_NONE
    context.recorder = recorder
    return context


def _text(data: bytes | str) -> str:
    return data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data


def _message_summary(data: bytes) -> list[str]:
    """The message of a DATA command, as its header lines and the size of its body."""
    text = _text(data).replace("\r\n", "\n")
    head, _, body = text.partition("\n\n")
    lines = [h for h in head.split("\n") if h]
    body_lines = [b for b in body.split("\n") if b not in ("", ".")]
    return [*lines, "", f"[body: {len(body_lines)} line(s), {len(data)} bytes with the headers]", "."]


class _SMTP(smtplib.SMTP):
    def __init__(self, recorder: _Recorder, host: str, port: int, timeout: float) -> None:
        self.rec = recorder
        super().__init__(host, port, timeout=timeout)

    def send(self, s: ReadableBuffer | str) -> None:
        raw = s.encode("ascii") if isinstance(s, str) else bytes(s)
        if raw.endswith(b"\r\n.\r\n") and raw.count(b"\r\n") > 1:
            for line in _message_summary(raw):
                self.rec.add("C", line)
        else:
            for line in _text(raw).rstrip("\r\n").split("\r\n"):
                self.rec.add("C", line)
        super().send(s)

    def putcmd(self, cmd: str, args: str = "") -> None:
        # smtplib sends some verbs in lower case (mail, rcpt, data); mail clients and the RFC's
        # examples use upper case, and so does the dialogue shown to the student.
        super().putcmd(cmd.upper(), args)

    def getreply(self) -> tuple[int, bytes]:
        code, message = super().getreply()
        for line in _text(message).split("\n") if message else [""]:
            self.rec.add("S", f"{code} {line}".rstrip())
        return code, message


class _POP3(poplib.POP3):
    def __init__(self, recorder: _Recorder, host: str, port: int, timeout: float) -> None:
        self.rec = recorder
        self._quiet = False
        super().__init__(host, port, timeout=timeout)

    def _putline(self, line: bytes) -> None:
        self.rec.add("C", _text(line))
        super()._putline(line)  # type: ignore[misc]

    def _getline(self) -> tuple[bytes, int]:
        line, octets = super()._getline()  # type: ignore[misc]
        if not self._quiet:
            self.rec.add("S", _text(line))
        return line, octets

    def _getlongresp(self) -> tuple[bytes, list[bytes], int]:
        resp = self._getresp()  # type: ignore[attr-defined]
        self._quiet = True
        try:
            lines: list[bytes] = []
            octets = 0
            line, o = self._getline()
            while line != b".":
                if line.startswith(b".."):
                    o -= 1
                    line = line[1:]
                octets += o
                lines.append(line)
                line, o = self._getline()
        finally:
            self._quiet = False
        shown = lines if len(lines) <= 8 and all(b": " not in x for x in lines) else []
        for item in shown:
            self.rec.add("S", _text(item))
        if not shown:
            self.rec.add("S", f"[{len(lines)} line(s), {octets} octets]")
        self.rec.add("S", ".")
        return resp, lines, octets


class _IMAP4(imaplib.IMAP4):
    def __init__(self, recorder: _Recorder, host: str, port: int, timeout: float) -> None:
        self.rec = recorder
        super().__init__(host, port, timeout=timeout)

    def send(self, data: ReadableBuffer) -> None:
        for line in _text(bytes(data)).rstrip("\r\n").split("\r\n"):
            if line:
                self.rec.add("C", line)
        super().send(data)

    def _get_line(self) -> bytes:
        line: bytes = super()._get_line()  # type: ignore[misc]
        self.rec.add("S", _text(line))
        return line

    def read(self, size: int) -> bytes:
        data = super().read(size)
        self.rec.add("S", f"[literal: {size} bytes]")
        return data


def _message(args: dict[str, Any]) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = args["sender"], args["to"], args["subject"]
    message["Message-ID"] = args.get("message_id") or make_msgid(domain=args["sender"].split("@")[1])
    message["Date"] = formatdate(localtime=True)
    message.set_content(args.get("body") or "Sent by mastertech mail.\n")
    return message


def _smtp_error(exc: Exception) -> dict[str, Any]:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(exc.recipients.values()))
        return {"code": code, "reply": _text(text), "stage": "RCPT TO"}
    if isinstance(exc, smtplib.SMTPResponseException):
        stage = "AUTH" if isinstance(exc, smtplib.SMTPAuthenticationError) else "SMTP"
        if isinstance(exc, smtplib.SMTPSenderRefused):
            stage = "MAIL FROM"
        elif isinstance(exc, smtplib.SMTPDataError):
            stage = "DATA"
        return {"code": exc.smtp_code, "reply": _text(exc.smtp_error), "stage": stage}
    return {"code": 0, "reply": f"{type(exc).__name__}: {exc}", "stage": "connect"}


def mail_session_send(args: dict[str, Any]) -> dict[str, Any]:
    """Submit one message: on 587 with STARTTLS and AUTH, or (`plain`) on 25 as the seed's clients
    do. The answer says whether the server took it (250 after DATA) and the dialogue."""
    rec = _Recorder("smtp")
    message = _message(args)
    out: dict[str, Any] = {"message_id": message["Message-ID"], "accepted": False}
    try:
        with _SMTP(rec, args["server"], int(args.get("port", 587)), TIMEOUT) as smtp:
            smtp.ehlo(args.get("helo") or "mastertech-client")
            if args.get("starttls", True):
                smtp.starttls(context=_recording_tls(rec))
                smtp.ehlo(args.get("helo") or "mastertech-client")
            if args.get("password") is not None:
                smtp.login(args["user"], args["password"])
            smtp.send_message(message)
            code, text = 250, "queued"
            last = [x for x in rec.lines if x["from"] == "S"][-1:]
            if last:
                code, text = int(last[0]["text"][:3]), last[0]["text"][4:]
            out.update(accepted=True, code=code, reply=text)
    except Exception as exc:  # the refusal is the answer: its code and text, not a traceback
        out.update(_smtp_error(exc))
    out["transcript"], out["started"] = rec.lines, _STARTED
    return out


def _headers(raw: bytes) -> dict[str, str]:
    import email.parser

    parsed = email.parser.BytesHeaderParser().parsebytes(raw)
    return {k: str(parsed.get(k, "")) for k in ("From", "To", "Subject", "Message-ID", "Date")}


def _pop3_fetch(args: dict[str, Any], rec: _Recorder) -> list[dict[str, Any]]:
    pop = _POP3(rec, args["server"], int(args.get("port", 110)), TIMEOUT)
    try:
        if args.get("starttls", True):
            pop.stls(context=_recording_tls(rec))
        pop.user(args["user"])
        pop.pass_(args["password"])
        pop.stat()
        out = []
        count = len(pop.list()[1])
        for index in range(1, count + 1)[: int(args.get("limit", 50))]:
            lines = pop.retr(index)[1]
            headers = _headers(b"\r\n".join(lines))
            if args.get("subject") and headers["Subject"] != args["subject"]:
                continue
            out.append({**headers, "size": sum(len(x) + 2 for x in lines), "id": str(index)})
            if args.get("delete"):
                pop.dele(index)
        return out
    finally:
        pop.quit()


def _imap_fetch(args: dict[str, Any], rec: _Recorder) -> list[dict[str, Any]]:
    with _IMAP4(rec, args["server"], int(args.get("port", 143)), TIMEOUT) as imap:
        if args.get("starttls", True):
            imap.starttls(ssl_context=_recording_tls(rec))
        imap.login(args["user"], args["password"])
        imap.select("INBOX")  # SELECT, as mail clients do; BODY.PEEK leaves the messages unread
        criteria = ["SUBJECT", f'"{args["subject"]}"'] if args.get("subject") else ["ALL"]
        _, data = imap.search(None, *criteria)
        out = []
        numbers = data[0].split()[: int(args.get("limit", 50))] if data and data[0] else []
        for number in numbers:
            _, parts = imap.fetch(number, "(RFC822.SIZE BODY.PEEK[HEADER])")
            header = next((p[1] for p in parts if isinstance(p, tuple)), b"")
            out.append({**_headers(header), "id": number.decode()})
            if args.get("delete"):
                imap.store(number, "+FLAGS", "\\Deleted")
        if args.get("delete") and numbers:
            imap.expunge()
        imap.close()
        imap.logout()
        return out


def mail_session_fetch(args: dict[str, Any]) -> dict[str, Any]:
    """List and read a mailbox over POP3 or IMAP (STARTTLS unless `plain`); `delete` removes what
    was read. With `wait` seconds, polls until a message with `subject` is there."""
    protocol = args.get("protocol", "imap")
    rec = _Recorder(protocol)
    fetch = _pop3_fetch if protocol == "pop3" else _imap_fetch
    deadline = time.monotonic() + float(args.get("wait", 0))
    out: dict[str, Any] = {"messages": []}
    while True:
        rec.lines.clear()
        rec.tls = False
        try:
            out = {"messages": fetch(args, rec)}
        except Exception as exc:  # a refused login or a closed port is the answer
            out = {"messages": [], "error": f"{type(exc).__name__}: {_text(str(exc))}"}
        if out["messages"] or "error" in out or time.monotonic() + ROUND_TRIP_PAUSE > deadline:
            break
        time.sleep(ROUND_TRIP_PAUSE)
    out["transcript"], out["started"] = rec.lines, _STARTED
    return out


def _send_quiet(server: str, job: dict[str, Any], retry_for: float = 0.0) -> dict[str, Any]:
    """One submission; a server that refuses the connection (restarting) is tried again for
    `retry_for` seconds, as a mail client would. Nothing is retried once MAIL FROM was sent: the
    server may have taken the message, and sending it again could deliver it twice."""
    message = _message(job)
    deadline = time.monotonic() + retry_for
    attempts = 0
    error: Exception
    while True:
        attempts += 1
        try:
            with smtplib.SMTP(server, 587, timeout=TIMEOUT * 3) as smtp:
                smtp.starttls(context=_tls())
                smtp.login(job["user"], job["password"])
                smtp.send_message(message)
            return {"message_id": message["Message-ID"], "accepted": True, "attempts": attempts}
        except (ConnectionRefusedError, smtplib.SMTPConnectError) as exc:
            if time.monotonic() + ROUND_TRIP_PAUSE < deadline:
                time.sleep(ROUND_TRIP_PAUSE)
                continue
            error = exc
        except Exception as exc:  # counted as not accepted, with why
            error = exc
        return {
            "message_id": message["Message-ID"],
            "accepted": False,
            "attempts": attempts,
            **_smtp_error(error),
        }


def mail_batch(args: dict[str, Any]) -> dict[str, Any]:
    """Submit many messages with `workers` concurrent SMTP clients; each job's outcome."""
    from concurrent.futures import ThreadPoolExecutor

    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=int(args.get("workers", 4))) as pool:
        retry_for = float(args.get("retry_for", 0.0))
        results = list(pool.map(lambda job: _send_quiet(args["server"], job, retry_for), args["jobs"]))
    return {"results": results, "seconds": round(time.monotonic() - start, 3)}


def mail_ids(args: dict[str, Any]) -> dict[str, Any]:
    """The Message-IDs in a mailbox that contain `marker` (each as often as it is there); with
    `expunge`, those messages are removed afterwards."""
    with imaplib.IMAP4(args["server"], 143, timeout=TIMEOUT * 3) as imap:
        imap.starttls(ssl_context=_tls())
        imap.login(args["user"], args["password"])
        _, count = imap.select("INBOX", readonly=not args.get("expunge"))
        if not count or count[0] in (b"0", None):
            return {"ids": []}  # FETCH 1:* of an empty mailbox is a protocol error
        status, data = imap.fetch("1:*", "(BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
        ids, numbers = [], []
        for part in data if status == "OK" else []:
            if isinstance(part, tuple):
                value = _text(part[1]).split(":", 1)[-1].strip()
                if args["marker"] in value:
                    ids.append(value)
                    numbers.append(_text(part[0]).split()[0])
        if args.get("expunge") and numbers:
            imap.store(",".join(numbers), "+FLAGS", "\\Deleted")
            imap.expunge()
        return {"ids": ids}


SERVICES = ("dovecot", "postfix")
SERVICE_ACTIONS = ("start", "stop", "restart", "status")


def service(args: dict[str, Any]) -> dict[str, Any]:
    """Start, stop or restart one of the mail daemons on a server, the Debian way."""
    name, action = args["name"], args["action"]
    if name not in SERVICES or action not in SERVICE_ACTIONS:
        return {"error": f"only {', '.join(SERVICE_ACTIONS)} of {', '.join(SERVICES)}"}
    import tempfile

    # The daemon a start leaves running inherits the script's output: into a file, not a pipe, so
    # that the wait ends when the script does, not when the daemon closes its copy.
    with tempfile.TemporaryFile() as out:
        proc = subprocess.run(
            ["service", name, action], stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
            timeout=60, start_new_session=True,
        )  # fmt: skip
        out.seek(0)
        text = out.read().decode(errors="replace")
    return {"status": proc.returncode, "output": text[-1000:]}


def ports_open(args: dict[str, Any]) -> dict[str, Any]:
    """Which of this host's own TCP ports accept a connection (a daemon is back after a restart)."""
    out = {}
    for port in args["ports"]:
        try:
            with socket.create_connection(("127.0.0.1", int(port)), timeout=2):
                out[str(port)] = True
        except OSError:
            out[str(port)] = False
    return {"open": out}


PROBES: dict[str, Probe] = {
    "host": host,
    "ping": ping,
    "dns": dns,
    "http": http,
    "mail_send": mail_send,
    "smtp_relay": smtp_relay,
    "imap_count": imap_count,
    "pop3_take": pop3_take,
    "mail_session_send": mail_session_send,
    "mail_session_fetch": mail_session_fetch,
    "mail_batch": mail_batch,
    "mail_ids": mail_ids,
    "service": service,
    "ports_open": ports_open,
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
