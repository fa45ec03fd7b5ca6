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
from automation.emulator.grammar.help import describe
from automation.emulator.modes import MODES, Mode
from automation.emulator.parser import Help, Matched, ParseError, context_help, match, tokenize
from automation.emulator.pipe import OutputFilter, parse_filter, split_pipe

if TYPE_CHECKING:
    from automation.emulator.device import Device

log = logging.getLogger(__name__)

Ending = Literal["enter", "ctrl-z", "ctrl-c", "eof"]

_PRINTABLE_RUN = re.compile(rb"[\x20-\x7e\x80-\xff]+")
_EDITING_RUN = re.compile(rb"[\x20-\x3e\x40-\x7e\x80-\xff]+")  # `?` asks for help
HISTORY_SIZE = 20  # IOS `history size` default on vty lines
MORE = b" --More-- "
_COMPACT_AT = 65536
ERROR_MARKERS = (
    "% Invalid input",
    "% Incomplete command",
    "% Ambiguous command",
    "Bad mask",
    "overlaps with",
    "% Hostname contains",
    "% Configuring IP routing on a LAN subinterface",
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
        # A vty pages at 24 lines until the session sets another length (every client sends
        # `terminal length 0` first); the exec channel (`echo=False`) never pages.
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
        self._paged: list[str] | None = None  # the capture of exec output that goes to the pager
        self.closed = False
        self.vty: int | None = None  # the vty line this session occupies (SSH sessions)
        self.peer = "127.0.0.1"
        self.history: dict[bool, list[str]] = {False: [], True: []}  # exec / config histories
        self._esc = 0  # escape-sequence state: 1 after ESC, 2 after ESC [ or ESC O

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
        hist = self.history[self.mode.is_config]
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

    def _help(self, text: str) -> Help:
        if self.mode.is_config:
            return context_help(grammar_for(self.mode.name, self.device.kind), text, self.device.kind)
        _command, pipe = split_pipe(text)
        if pipe is not None:
            words = pipe.split(maxsplit=1)
            typing_regex = len(words) > 1 or (bool(words) and pipe.endswith(" "))
            return Help("literal") if typing_regex else Help("pipe")
        return context_help(grammar_for(self.mode.name, self.device.kind), text, self.device.kind)

    def show_help(self, text: str, result: Help | None = None) -> None:
        """Print IOS's `?` answer for the line typed so far (the line is redrawn by the caller)."""
        if result is None:
            result = self._help(text)
        self._raw(b"?\r\n")
        if result.kind == "pipe":
            rows = [(w, describe(w, "|")) for w in ("begin", "count", "exclude", "include", "section")]
            self._help_rows(rows)
        elif result.kind == "invalid":
            self.out(
                " " * (len(self.prompt) + result.column) + "^\n% Invalid input detected at '^' marker.\n\n"
            )
        elif result.kind == "unknown":
            self.out("% Unrecognized command\n")
        elif result.kind == "words":
            self.out("".join(f"{e.word}  " for e in result.entries) + "\n\n")
        else:
            # The word the listed ones follow: the last complete word of the line.
            before = tokenize(text)
            if result.partial:
                before = before[:-1]
            context = before[-1].text.lower() if before else ""
            rows = [(e.word, describe(e.word, context, e.elem)) for e in result.entries]
            if result.complete and not self.mode.is_config and tokenize(text):
                rows.append(("|", "Output modifiers"))
            if result.complete:
                rows.append(("<cr>", "<cr>"))
            self._help_rows(rows)

    def _help_rows(self, rows: list[tuple[str, str]]) -> None:
        width = max((len(w) for w, _ in rows), default=0)
        self.out("".join(f"  {w.ljust(width)}  {d}".rstrip() + "\n" for w, d in rows) + "\n")

    def _complete(self, buf: bytearray) -> None:
        text = buf.decode("utf-8", "replace")
        if not text or text[-1].isspace():
            return
        result = self._help(text)
        if result.kind != "words":
            return
        words = {e.word for e in result.entries}
        exact = [w for w in words if w.lower() == result.partial.lower()]
        if len(words) == 1 or exact:
            word = exact[0] if exact else words.pop()
            rest = word[len(result.partial) :].encode() + b" "
            buf += rest
            self._raw(rest)

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
                line = await self.read_line(editing=True)
                if line.ending == "eof":
                    break
                if line.ending == "ctrl-c":
                    if self.mode.is_config:
                        self.leave_config()
                else:
                    self._remember(line.text)
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

    def _remember(self, text: str) -> None:
        text = text.strip()
        if not text:
            return
        hist = self.history[self.mode.is_config]
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
        if self.vty is not None:
            self.device.syslog(
                f"%SYS-5-CONFIG_I: Configured from console by {self.user} on vty{self.vty} ({self.peer})"
            )
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
        elif self.term_length > 0 and self.echo and self._capture is None:
            captured: list[str] = []
            self._capture = self._paged = captured
            try:
                await self.exec_line(line, self.mode.name)
            finally:
                self._capture = self._paged = None
            await self.page("".join(captured))
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
        try:
            await matched.variant.command.handler(self, matched.args)
        except (Reject, SessionClosed):
            raise
        except Exception:
            # A fault in one command must not end the session (IOS prints nothing either).
            log.exception("%s: %r failed", self.device.config.hostname, matched.args.line)

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

    async def _run_on_range(self, matched: Matched, frame: Frame) -> None:
        """`interface range`: run an interface command on each member as if typed there."""
        for name in frame.target:
            self.stack.append(Frame("config-if", name))
            try:
                await self._run(matched)
            finally:
                del self.stack[self.stack.index(frame) + 1 :]

    async def _config_line(self, line: str) -> None:
        kind = self.device.kind
        attempts: list[tuple[int, ParseError]] = []
        depth = len(self.stack) - 1
        while depth >= 0 and MODES[self.stack[depth].mode].is_config:
            result = match(grammar_for(self.stack[depth].mode, kind), line, kind)
            if (
                isinstance(result, Matched)
                and result.variant.command.placeholder
                and depth < len(self.stack) - 1
            ):
                # An enclosing mode knows the word but not the command: the line is an error
                # here and the session stays in its sub-mode, as IOS does.
                tokens = tokenize(line)
                column = tokens[1].start if len(tokens) > 1 else 0
                result = ParseError("invalid" if len(tokens) > 1 else "incomplete", column, 1)
            if isinstance(result, Matched):
                # Fall-through: a command of an enclosing mode runs there and moves there.
                del self.stack[depth + 1 :]
                frame = self.stack[depth]
                try:
                    if frame.mode == "config-if-range" and result.variant.command.mutates:
                        await self._run_on_range(result, frame)
                    else:
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
