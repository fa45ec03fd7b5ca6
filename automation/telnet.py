"""The telnet protocol as a device console speaks it (RFC 854/857/858): command bytes, and a
filter that takes the commands out of the data. Used by the emulator's console (server side) and
the console bootstrap of lab targets (client side); stdlib telnetlib is gone in Python 3.13.
"""

from __future__ import annotations

from collections.abc import Callable

IAC, DONT, DO, WONT, WILL, SB, SE = 255, 254, 253, 252, 251, 250, 240
ECHO, SGA = 1, 3  # the options IOS offers on its console: it echoes, and never sends go-ahead


class TelnetLine:
    """Bytes from a telnet peer with its commands removed; `answer(command, option)` is called for
    each DO/DONT/WILL/WONT (the server side leaves it None: its offers stand as sent)."""

    def __init__(self, answer: Callable[[int, int], None] | None = None) -> None:
        self._pending = b""
        self._answer = answer

    def strip(self, data: bytes) -> bytes:
        data = self._pending + data
        self._pending = b""
        out = bytearray()
        i = 0
        while i < len(data):
            if data[i] != IAC:
                out.append(data[i])
                i += 1
                continue
            if i + 1 >= len(data):
                self._pending = data[i:]
                break
            cmd = data[i + 1]
            if cmd == IAC:
                out.append(IAC)
                i += 2
            elif cmd in (DO, DONT, WILL, WONT):
                if i + 2 >= len(data):
                    self._pending = data[i:]
                    break
                if self._answer is not None:
                    self._answer(cmd, data[i + 2])
                i += 3
            elif cmd == SB:
                end = data.find(bytes([IAC, SE]), i)
                if end < 0:
                    self._pending = data[i:]
                    break
                i = end + 2
            else:
                i += 2
        return bytes(out).replace(b"\r\x00", b"\r")
