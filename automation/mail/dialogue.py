"""A protocol dialogue as the client saw it: each command and reply, when, and whether the wire was
encrypted at that moment. Built from a probe's transcript; every password is masked again here,
whatever the probe did, so nothing printed or stored carries one."""

from __future__ import annotations

import base64
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

MASK = "****"


def secret_forms(user: str, password: str) -> tuple[str, ...]:
    """The ways a password can show up in a dialogue: as it is, and inside AUTH PLAIN / LOGIN blobs.

    >>> secret_forms("alice", "pw")[1:]
    ('AGFsaWNlAHB3', 'cHc=')
    """
    plain = base64.b64encode(f"\0{user}\0{password}".encode()).decode()
    login = base64.b64encode(password.encode()).decode()
    return (password, plain, login)


def mask(text: str, secrets: Iterable[str]) -> str:
    """`text` with every secret replaced by ****.

    >>> mask("PASS hunter2", ["hunter2"])
    'PASS ****'
    """
    for secret in secrets:
        if secret:
            text = text.replace(secret, MASK)
    return text


@dataclass(frozen=True)
class DialogueLine:
    at: float  # seconds since the epoch, from the host that ran the client
    side: str  # C client, S server, - an event (TLS started)
    text: str
    tls: bool  # the wire was encrypted when this line passed

    def as_json(self, origin: float) -> dict[str, Any]:
        ms = round((self.at - origin) * 1000, 1)
        return {"ms": ms, "from": self.side, "text": self.text, "tls": self.tls}


@dataclass(frozen=True)
class Dialogue:
    protocol: str  # smtp, pop3, imap
    port: int
    host: str  # the PC the client ran on
    lines: tuple[DialogueLine, ...]

    @property
    def encrypted(self) -> bool:
        return any(line.tls for line in self.lines)

    @property
    def start(self) -> float:
        return self.lines[0].at if self.lines else 0.0

    def commands(self) -> list[str]:
        """The client's commands, by their verb (`MAIL FROM`, `RCPT TO`, `RETR`, `LOGIN`)."""
        out = []
        for line in self.lines:
            if line.side != "C" or not line.text:
                continue
            words = line.text.split(" ")
            if self.protocol == "imap" and len(words) > 1:
                words = words[1:]  # the tag
            verb = " ".join(words[:2]).split(":")[0] if words[0].upper() in ("MAIL", "RCPT") else words[0]
            out.append(verb.upper())
        return out

    def as_json(self, origin: float | None = None) -> dict[str, Any]:
        base = self.start if origin is None else origin
        return {
            "protocol": self.protocol,
            "port": self.port,
            "host": self.host,
            "encrypted": self.encrypted,
            "lines": [line.as_json(base) for line in self.lines],
        }


def dialogue_from(
    protocol: str, port: int, host: str, answer: dict[str, Any], secrets: Sequence[str]
) -> Dialogue:
    """The dialogue a probe recorded (`transcript`, times relative to its `started`)."""
    started = float(answer.get("started", 0.0))
    lines = tuple(
        DialogueLine(
            started + float(item.get("t", 0.0)) / 1000, str(item.get("from", "-")),
            mask(str(item.get("text", "")), secrets), bool(item.get("tls")),
        )
        for item in answer.get("transcript", [])
        if isinstance(item, dict)
    )  # fmt: skip
    return Dialogue(protocol, port, host, lines)
