"""The IOS line discipline of a session: echo, editing, CR/LF, history, type-ahead and `--More--`.

Transport-independent: the SSH layer calls `feed()` with raw bytes and gives a `write` callback;
device boot feeds a saved config through the same code with echo off. What a line means (the
prompt, `?` help, Tab completion, running it) is the session's (`session.Session`).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable

from automation.emulator.completion import Help
from automation.emulator.frames import Ending, InputLine
from automation.platforms.cisco_ios.cli import HISTORY_SIZE, TERMINAL_LENGTH

_PRINTABLE_RUN = re.compile(rb"[\x20-\x7e\x80-\xff]+")
_EDITING_RUN = re.compile(rb"[\x20-\x3e\x40-\x7e\x80-\xff]+")  # `?` asks for help
MORE = b" --More-- "
_COMPACT_AT = 65536


class Terminal:
    """Bytes in, lines out; output buffered until `flush()`."""

    def __init__(
        self,
        *,
        write: Callable[[bytes], None] | None = None,
        echo: bool = True,
        hangup: Callable[[], None] | None = None,
    ) -> None:
        # A vty pages at 24 lines until the session sets another length (every client sends
        # `terminal length 0` first); the exec channel (`echo=False`) never pages.
        self.term_length = TERMINAL_LENGTH
        self.term_width = 80
        self.echo = echo
        self._write = write
        self._hangup = hangup
        self._in = bytearray()
        self._pos = 0
        self._cr = False
        self._eof = False
        self._ready = asyncio.Event()
        self._out = bytearray()
        self._capture: list[str] | None = None
        self._paged: list[str] | None = None  # the capture of exec output that goes to the pager
        self.history: dict[bool, list[str]] = {False: [], True: []}  # exec / config histories
        self._esc = 0  # escape-sequence state: 1 after ESC, 2 after ESC [ or ESC O

    # --- what the session answers --------------------------------------------------------------

    @property
    def prompt(self) -> str:
        raise NotImplementedError

    @property
    def in_config(self) -> bool:
        """A config mode is on: its history is apart from exec's."""
        raise NotImplementedError

    def _help(self, text: str) -> Help:
        raise NotImplementedError

    def show_help(self, text: str, result: Help | None = None) -> None:
        raise NotImplementedError

    def _complete(self, buf: bytearray) -> None:
        raise NotImplementedError

    # --- output -------------------------------------------------------------------------------

    def out(self, text: str) -> None:
        """Command output; `\\n` becomes IOS's `\\r\\n`."""
        if self._capture is not None:
            self._capture.append(text)
        else:
            self._out += text.replace("\n", "\r\n").encode("utf-8", "replace")

    def _raw(self, data: bytes) -> None:
        self._out += data

    def flush(self) -> None:
        if self._out and self._write is not None:
            self._write(bytes(self._out))
        self._out.clear()

    # --- input --------------------------------------------------------------------------------

    def feed(self, data: bytes) -> None:
        self._in += data
        self._ready.set()

    def feed_eof(self) -> None:
        self._eof = True
        self._ready.set()

    async def _next_chunk(self) -> bool:
        """Wait for input; False at end of input."""
        while self._pos >= len(self._in):
            if self._pos:
                del self._in[: self._pos]
                self._pos = 0
            if self._eof:
                return False
            self.flush()
            self._ready.clear()
            await self._ready.wait()
        return True

    async def read_line(self, hidden: bool = False, editing: bool = False) -> InputLine:
        """Read one line with IOS editing; echo as consumed (type-ahead is echoed in turn).

        `editing` (the command prompt of a terminal): `?` help, Tab completion and history recall.
        """
        buf = bytearray()
        echo = self.echo and not hidden
        editing = editing and echo
        run = _EDITING_RUN if editing else _PRINTABLE_RUN
        recall = -1  # index into history while recalling with arrows / Ctrl-P/N
        self._esc = 0
        while True:
            if not await self._next_chunk():
                return InputLine(buf.decode("utf-8", "replace"), "eof")
            if self._esc:
                byte = self._in[self._pos]
                self._pos += 1
                if self._esc == 1:
                    self._esc = 2 if byte in (0x5B, 0x4F) else 0
                    continue
                if 0x30 <= byte <= 0x3F:  # parameter bytes of a CSI sequence
                    continue
                self._esc = 0
                if editing and byte in (0x41, 0x42):  # up / down arrow
                    recall = self._recall(buf, recall, older=byte == 0x41)
                continue
            m = run.match(self._in, self._pos)
            if m:
                self._cr = False
                buf += m.group(0)
                if echo:
                    self._raw(m.group(0))
                self._pos = m.end()
                if self._pos > _COMPACT_AT:
                    del self._in[: self._pos]
                    self._pos = 0
                continue
            byte = self._in[self._pos]
            self._pos += 1
            if byte == 0x00:
                continue
            was_cr, self._cr = self._cr, False
            if byte == 0x0D:
                self._cr = True
                return self._enter(buf, "enter")
            if byte == 0x0A:
                if was_cr:
                    continue
                return self._enter(buf, "enter")
            if byte in (0x08, 0x7F):
                if buf:
                    del buf[-1]
                    if echo:
                        self._raw(b"\x08 \x08")
            elif byte == 0x03:
                if self.echo:
                    self._raw(b"^C\r\n")
                return InputLine("", "ctrl-c")
            elif byte == 0x1A:
                if self.echo:
                    self._raw(b"^Z\r\n")
                return InputLine(buf.decode("utf-8", "replace"), "ctrl-z")
            elif byte == 0x15:  # Ctrl-U: erase the line
                if echo and buf:
                    self._raw(b"\x08 \x08" * len(buf))
                buf.clear()
            elif editing and byte == 0x3F:  # `?`: context help, then the line is redrawn
                text = buf.decode("utf-8", "replace")
                result = self._help(text)
                if result.kind == "literal":
                    # Inside free text (a `| include` regex, a description): the character itself.
                    buf.append(byte)
                    self._raw(b"?")
                    continue
                self.show_help(text, result)
                self._raw(self.prompt.encode() + bytes(buf))
            elif editing and byte == 0x09:  # Tab: complete the keyword being typed
                self._complete(buf)
            elif editing and byte in (0x10, 0x0E):  # Ctrl-P / Ctrl-N
                recall = self._recall(buf, recall, older=byte == 0x10)
            elif byte == 0x1B:
                self._esc = 1
            # Other control bytes are ignored.

    def _replace_line(self, buf: bytearray, text: bytes) -> None:
        if buf:
            self._raw(b"\x08 \x08" * len(buf))
        buf[:] = text
        self._raw(text)

    def _recall(self, buf: bytearray, recall: int, older: bool) -> int:
        """History recall: Ctrl-P/up goes back, Ctrl-N/down forward (past the newest: empty)."""
        hist = self.history[self.in_config]
        if older:
            if recall + 1 >= len(hist):
                return recall
            recall += 1
        else:
            if recall < 0:
                return recall
            recall -= 1
        self._replace_line(buf, hist[-1 - recall].encode() if recall >= 0 else b"")
        return recall

    def _enter(self, buf: bytearray, ending: Ending) -> InputLine:
        if self.echo:
            self._raw(b"\r\n")
        return InputLine(buf.decode("utf-8", "replace"), ending)

    async def ask(self, question: str, hidden: bool = False) -> str | None:
        """Print `question` (no newline) and read the answer; None if the line was aborted."""
        if self._capture is not None and self._capture is self._paged:
            # A command that asks (`enable`, `copy`, `reload`) talks to the terminal at once:
            # what it printed so far and its question go out unpaged, or nobody would see them.
            text = "".join(self._capture) + question
            self._capture.clear()
            self._out += text.replace("\n", "\r\n").encode("utf-8", "replace")
        else:
            self.out(question)
        line = await self.read_line(hidden=hidden)
        if line.ending in ("ctrl-c", "eof"):
            return None
        return line.text

    def _remember(self, text: str) -> None:
        text = text.strip()
        if not text:
            return
        hist = self.history[self.in_config]
        if not hist or hist[-1] != text:
            hist.append(text)
            del hist[:-HISTORY_SIZE]

    async def _read_key(self) -> int | None:
        """One keystroke (a CR LF pair is one Enter); None at end of input."""
        while True:
            if not await self._next_chunk():
                return None
            byte = self._in[self._pos]
            self._pos += 1
            was_cr, self._cr = self._cr, byte == 0x0D
            if (byte == 0x0A and was_cr) or byte == 0x00:
                continue
            return byte

    async def page(self, text: str) -> None:
        """Print `text` a screen at a time: ` --More-- `, space = next screen, Enter = one line."""
        lines = text.replace("\n", "\r\n").encode("utf-8", "replace").split(b"\r\n")
        trailing = lines[-1] == b""
        if trailing:
            lines.pop()
        screen = max(self.term_length - 1, 1)
        i = 0
        budget = screen
        while i < len(lines):
            chunk = lines[i : i + budget]
            i += len(chunk)
            last = i >= len(lines)
            self._raw(b"\r\n".join(chunk) + (b"\r\n" if not last or trailing else b""))
            if last:
                break
            self._raw(MORE)
            key = await self._read_key()
            self._raw(b"\x08" * len(MORE) + b" " * len(MORE) + b"\x08" * len(MORE))
            if key in (0x20,):
                budget = screen
            elif key in (0x0D, 0x0A):
                budget = 1
            else:
                break

    def terminate(self) -> None:
        """End this session from outside (reload, server stop)."""
        self.flush()
        self.feed_eof()
        if self._hangup is not None:
            self._hangup()
