"""One CLI session of a device: the IOS line discipline (echo, editing, CR/LF) and dispatch.

Transport-independent: the SSH layer calls `feed()` with raw bytes and gives a `write` callback;
device boot feeds a saved config through the same code with echo off. Per-session state (mode
stack, privilege, terminal settings) lives here; configuration lives in the shared `Device`.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from automation.emulator.grammar import grammar_for
from automation.emulator.modes import MODES, Mode
from automation.emulator.parser import Matched, ParseError, match, tokenize
from automation.emulator.pipe import OutputFilter, parse_filter, split_pipe

if TYPE_CHECKING:
    from automation.emulator.device import Device

log = logging.getLogger(__name__)

Ending = Literal["enter", "ctrl-z", "ctrl-c", "eof"]

_PRINTABLE_RUN = re.compile(rb"[\x20-\x7e\x80-\xff]+")
_COMPACT_AT = 65536
ERROR_MARKERS = (
    "% Invalid input",
    "% Incomplete command",
    "% Ambiguous command",
    "Bad mask",
    "overlaps with",
    "% Hostname contains",
)


@dataclass(frozen=True)
class InputLine:
    text: str
    ending: Ending


@dataclass
class Frame:
    """One level of the mode stack; `target` is what the mode edits (interface name, pool...)."""

    mode: str
    target: Any = None


class Reject(Exception):
    """Raised by a handler to report an IOS error for the current line."""

    def __init__(self, kind: str = "invalid", token_index: int = 0, message: str | None = None) -> None:
        super().__init__(kind)
        self.kind = kind
        self.token_index = token_index
        self.message = message


class SessionClosed(Exception):
    """The session ends (exit/logout at exec, reload)."""


class Session:
    """A logged-in user's CLI. `run()` drives it until exit or end of input."""

    def __init__(
        self,
        device: Device,
        *,
        user: str,
        privilege: int,
        write: Callable[[bytes], None] | None = None,
        echo: bool = True,
        hangup: Callable[[], None] | None = None,
    ) -> None:
        self.device = device
        self.user = user
        self.privilege = 15 if privilege >= 15 else 1
        self.stack: list[Frame] = [Frame("exec" if self.privilege >= 15 else "user")]
        self.term_length = 24
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
        self.closed = False

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

    @property
    def mode(self) -> Mode:
        return MODES[self.stack[-1].mode]

    @property
    def frame(self) -> Frame:
        return self.stack[-1]

    @property
    def prompt(self) -> str:
        mode = self.mode
        return f"{self.device.config.hostname}{mode.suffix}{mode.terminator}"

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

    async def read_line(self, hidden: bool = False) -> InputLine:
        """Read one line with IOS editing; echo as consumed (type-ahead is echoed in turn)."""
        buf = bytearray()
        echo = self.echo and not hidden
        while True:
            if not await self._next_chunk():
                return InputLine(buf.decode("utf-8", "replace"), "eof")
            m = _PRINTABLE_RUN.match(self._in, self._pos)
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
            # Other control bytes (tab, escape sequences' ESC...) are ignored.

    def _enter(self, buf: bytearray, ending: Ending) -> InputLine:
        if self.echo:
            self._raw(b"\r\n")
        return InputLine(buf.decode("utf-8", "replace"), ending)

    async def ask(self, question: str, hidden: bool = False) -> str | None:
        """Print `question` (no newline) and read the answer; None if the line was aborted."""
        self.out(question)
        line = await self.read_line(hidden=hidden)
        if line.ending in ("ctrl-c", "eof"):
            return None
        return line.text

    # --- main loop ----------------------------------------------------------------------------

    async def run(self) -> None:
        """Interactive shell: banner, prompt, then one command per line until exit or EOF."""
        banner = self.device.config.banner_motd
        if banner is not None:
            self.out(banner.replace("\r\n", "\n") + "\n")
        self.out("\n")
        self._raw(self.prompt.encode())
        try:
            while True:
                line = await self.read_line()
                if line.ending == "eof":
                    break
                if line.ending != "ctrl-c":
                    await self.execute(line.text)
                    if line.ending == "ctrl-z" and self.mode.is_config:
                        self.leave_config()
                self._raw(self.prompt.encode())
        except SessionClosed:
            pass
        finally:
            self.flush()
            if self.mode.is_config:
                self.leave_config()
            self.closed = True

    async def run_script(self) -> list[str]:
        """Feed-and-run without a terminal (boot from startup-config); returns the error lines."""
        errors: list[str] = []
        try:
            while True:
                line = await self.read_line()
                if line.ending == "eof" and not line.text:
                    break
                captured: list[str] = []
                self._capture = captured
                try:
                    await self.execute(line.text)
                finally:
                    self._capture = None
                text = "".join(captured)
                if any(marker in text for marker in ERROR_MARKERS):
                    errors.append(f"{line.text.strip()}: {text.strip()}")
                if line.ending == "eof":
                    break
        except SessionClosed:
            pass
        return errors

    def leave_config(self) -> None:
        self.stack = [f for f in self.stack if not MODES[f.mode].is_config]
        self.device.config_session_ended()

    def enter(self, mode: str, target: Any = None) -> None:
        """Push sub-mode `mode` (replacing any sub-mode: IOS modes nest one level under config)."""
        while self.mode.is_config and self.mode.name != "config":
            self.stack.pop()
        if mode == "config":
            return
        self.stack.append(Frame(mode, target))

    def close(self) -> None:
        """End this session from inside a command (`exit`, `logout`)."""
        raise SessionClosed()

    def terminate(self) -> None:
        """End this session from outside (reload, server stop)."""
        self.flush()
        self.feed_eof()
        if self._hangup is not None:
            self._hangup()

    # --- dispatch -----------------------------------------------------------------------------

    async def execute(self, line: str) -> None:
        """Run one typed line in the current mode, printing output or IOS's error."""
        if not line.strip():
            return
        if self.mode.is_config:
            if line.lstrip().startswith("!"):
                return
            await self._config_line(line)
        else:
            await self.exec_line(line, self.mode.name)

    def error(self, err: ParseError | Reject, line: str, offset: int = 0) -> None:
        if isinstance(err, Reject):
            if err.message is not None:
                self.out(err.message)
                return
            tokens = tokenize(line)
            idx = min(err.token_index, len(tokens) - 1)
            column = tokens[idx].start if tokens else 0
            err = ParseError(err.kind, column, idx)
        if err.kind == "invalid":
            caret = " " * (len(self.prompt) + err.column + offset)
            self.out(f"{caret}^\n% Invalid input detected at '^' marker.\n\n")
        elif err.kind == "incomplete":
            self.out("% Incomplete command.\n\n")
        else:
            self.out(f'% Ambiguous command:  "{line.strip()}"\n')

    async def _run(self, matched: Matched) -> None:
        await matched.variant.command.handler(self, matched.args)

    async def exec_line(self, line: str, mode: str, offset: int = 0) -> None:
        """Run an exec-level line (also the target of `do`), with `| filter` support."""
        command, pipe = split_pipe(line)
        kind = self.device.kind
        result = match(grammar_for(mode, kind), command, kind)
        if isinstance(result, ParseError):
            tokens = tokenize(command)
            if result.kind == "invalid" and result.token_index == 0 and len(tokens) == 1 and not pipe:
                self.out(f'Translating "{tokens[0].text}"\n')
                self.out("% Unknown command or computer name, or unable to find computer address\n")
                return
            self.error(result, command, offset)
            return
        flt: OutputFilter | None = None
        if pipe is not None:
            parsed = parse_filter(pipe)
            if isinstance(parsed, int):
                # `parsed` counts from just after the `|`, which is two characters past `command`.
                caret = " " * (len(self.prompt) + offset + len(command) + 2 + parsed)
                self.out(f"{caret}^\n% Invalid input detected at '^' marker.\n\n")
                return
            flt = parsed
        if flt is None:
            await self._guarded(result, command, offset)
            return
        captured: list[str] = []
        previous, self._capture = self._capture, captured
        try:
            await self._guarded(result, command, offset)
        finally:
            self._capture = previous
        self.out(await flt.run("".join(captured)))

    async def _guarded(self, matched: Matched, line: str, offset: int = 0) -> None:
        try:
            await self._run(matched)
        except Reject as rej:
            self.error(rej, line, offset)

    async def _config_line(self, line: str) -> None:
        kind = self.device.kind
        attempts: list[tuple[int, ParseError]] = []
        depth = len(self.stack) - 1
        while depth >= 0 and MODES[self.stack[depth].mode].is_config:
            result = match(grammar_for(self.stack[depth].mode, kind), line, kind)
            if isinstance(result, Matched):
                # Fall-through: a command of an enclosing mode runs there and moves there.
                del self.stack[depth + 1 :]
                try:
                    await self._run(result)
                except Reject as rej:
                    self.error(rej, line)
                    return
                if result.variant.command.mutates:
                    self.device.config_changed(self.user)
                return
            attempts.append((depth, result))
            depth -= 1
        best = max(attempts, key=lambda a: (a[1].column, a[0]))[1]
        self.error(best, line)
