"""A small asyncio telnet client for device consoles (stdlib telnetlib is gone in 3.13).

It answers option negotiation the way a terminal does with IOS: it accepts the server's ECHO and
SUPPRESS-GO-AHEAD and refuses everything else, and hands over the data with the IAC commands
taken out, and terminal control sequences too (a Linux shell's colours, window titles and
bracketed-paste switches would otherwise sit between a prompt and the end of the text).
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time

from automation.telnet import DO, DONT, ECHO, IAC, SGA, WILL, WONT, TelnetLine

ACCEPTED = {ECHO, SGA}
# CSI sequences, OSC strings (ended by BEL or ST) and two-byte escapes.
CONTROL_SEQUENCE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")


class TelnetStream:
    """Bytes to and from a telnet server, with its IAC commands answered and removed."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.buffer = ""  # received text not consumed by an `expect` yet
        self._line = TelnetLine(self._answer)

    @classmethod
    async def connect(cls, host: str, port: int, timeout: float) -> TelnetStream:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
        return cls(reader, writer)

    def _answer(self, command: int, option: int) -> None:
        if command == WILL:
            self.writer.write(bytes([IAC, DO if option in ACCEPTED else DONT, option]))
        elif command == DO:
            self.writer.write(bytes([IAC, WILL if option == SGA else WONT, option]))

    async def read_some(self, timeout: float) -> str:
        """What arrives within `timeout` seconds (maybe nothing); EOFError when the server left."""
        try:
            data = await asyncio.wait_for(self.reader.read(4096), timeout)
        except TimeoutError:
            return ""
        if not data:
            raise EOFError("the console closed the connection")
        text = self._line.strip(data).decode("utf-8", "replace").replace("\x00", "")
        text = CONTROL_SEQUENCE.sub("", text)
        self.buffer += text
        return text

    async def expect(self, patterns: dict[str, re.Pattern[str]], timeout: float) -> tuple[str, str]:
        """Read until one of `patterns` matches the buffer: (its key, the text up to the match's end).
        TimeoutError after `timeout` seconds without a match."""
        deadline = time.monotonic() + timeout
        while True:
            for key, pattern in patterns.items():
                m = pattern.search(self.buffer)
                if m:
                    text = self.buffer[: m.end()]
                    self.buffer = self.buffer[m.end() :]
                    return key, text
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(self.buffer[-200:])
            await self.read_some(min(left, 1.0))

    def send(self, text: str) -> None:
        self.writer.write(text.replace("\n", "\r").encode())

    async def close(self) -> None:
        self.writer.close()
        with contextlib.suppress(ConnectionError, OSError):
            await self.writer.wait_closed()
