"""One CLI session of a device: its mode stack and privilege, `?` help, and dispatch of each line.

The line discipline is `terminal.Terminal`'s; per-session state (mode stack, privilege, terminal
settings) lives here; configuration lives in the shared device. The handlers of the grammar
see a session as a `frames.Shell`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from automation.emulator.completion import Help, context_help
from automation.emulator.frames import CliDevice, Frame, InputLine, Reject, SessionClosed
from automation.emulator.grammar import grammar_for
from automation.emulator.grammar.help import describe
from automation.emulator.parser import Matched, ParseError, match, tokenize
from automation.emulator.pipe import OutputFilter, parse_filter, split_pipe
from automation.emulator.terminal import Terminal
from automation.platforms.cisco_ios import ERROR_PATTERN, MODES, Mode

log = logging.getLogger(__name__)

__all__ = ["Frame", "InputLine", "Reject", "Session", "SessionClosed"]

_REFUSED = re.compile(ERROR_PATTERN, re.M)


class Session(Terminal):
    """A logged-in user's CLI. `run()` drives it until exit or end of input."""

    def __init__(
        self,
        device: CliDevice,
        *,
        user: str,
        privilege: int,
        write: Callable[[bytes], None] | None = None,
        echo: bool = True,
        hangup: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(write=write, echo=echo, hangup=hangup)
        self.device = device
        self.user = user
        self.privilege = 15 if privilege >= 15 else 1
        self.stack: list[Frame] = [Frame("exec" if self.privilege >= 15 else "user")]
        self.closed = False
        self.vty: int | None = None  # the vty line this session occupies (SSH sessions)
        self.peer = "127.0.0.1"

    @property
    def mode(self) -> Mode:
        return MODES[self.stack[-1].mode]

    @property
    def frame(self) -> Frame:
        return self.stack[-1]

    @property
    def prompt(self) -> str:
        return self.mode.prompt(self.device.config.hostname)

    @property
    def in_config(self) -> bool:
        return self.mode.is_config

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
                if _REFUSED.search(text):
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
