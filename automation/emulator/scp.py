"""The sink side of SCP (`scp -t flash0:/name`), as netmiko's file transfer (NAPALM) uses it.

IOS runs it when `ip scp server enable` is configured; files land on the device's flash.
Only single files are taken (no `-r`, no `-f` source mode).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable

from automation.emulator.flash import split_path

OK = b"\x00"
_HEADER = re.compile(rb"C([0-7]{4}) (\d+) ([^/\n]+)")


def _error(text: str) -> bytes:
    return b"\x01scp: " + text.encode() + b"\n"


class ScpSink:
    """Feed the client's bytes; `reply` sends acknowledgements, `store(name, data)` keeps a file."""

    def __init__(
        self, command: str, reply: Callable[[bytes], None], store: Callable[[str, bytes], None]
    ) -> None:
        self.reply = reply
        self.store = store
        self.buf = bytearray()
        self.pending: tuple[str, int] | None = None  # file name and size being received
        self.failed: str | None = None
        words = shlex.split(command)[1:]
        flags = [w for w in words if w.startswith("-")]
        paths = [w for w in words if not w.startswith("-")]
        target = split_path(paths[0]) if len(paths) == 1 else None
        if "-t" not in flags or "-f" in flags or "-r" in flags or target is None:
            self.failed = "only `scp -t flash0:/FILE` is supported"
            self.target = ""
        else:
            self.target = target[1]

    def start(self) -> None:
        self.reply(_error(self.failed) if self.failed else OK)

    def feed(self, data: bytes) -> None:
        if self.failed:
            return
        self.buf += data
        while True:
            if self.pending is None:
                end = self.buf.find(b"\n")
                if end < 0:
                    return
                line = bytes(self.buf[:end])
                del self.buf[: end + 1]
                if line[:1] in (b"T", b"E"):
                    self.reply(OK)
                    continue
                m = _HEADER.fullmatch(line)
                name = (self.target or (m.group(3).decode("utf-8", "replace") if m else "")) if m else ""
                if m is None or split_path(f"flash0:/{name}") is None:
                    self.failed = "unsupported request"
                    self.reply(_error(self.failed))
                    return
                self.pending = (name, int(m.group(2)))
                self.reply(OK)
            else:
                name, size = self.pending
                if len(self.buf) < size + 1:
                    return
                self.store(name, bytes(self.buf[:size]))
                del self.buf[: size + 1]
                self.pending = None
                self.reply(OK)
