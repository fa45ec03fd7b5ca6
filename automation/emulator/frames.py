"""What the command tables and the session share, below both: the mode stack, IOS's refusal, and
the shape of the session and device a command handler works on.

`session.py` loads the grammar and runs its handlers; the handlers (`grammar/`, `shows/`) see the
session as a `Shell` and its device as a `CliDevice`, so neither side imports the other. `Session`
and `Device` are the implementations (mypy checks they fit where sessions are made).
"""

from __future__ import annotations

import collections
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, Protocol

from automation.emulator.archive import Archive
from automation.emulator.config import RunningConfig
from automation.emulator.dataplane import DataPlane
from automation.emulator.flash import Flash
from automation.platforms.cisco_ios import Kind, Mode

Ending = Literal["enter", "ctrl-z", "ctrl-c", "eof"]


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


class Line(Protocol):
    """Another session as `show users` lists it."""

    @property
    def vty(self) -> int | None: ...
    @property
    def user(self) -> str: ...
    @property
    def peer(self) -> str: ...


class CliDevice(Protocol):
    """The device a session runs on, as its commands use it (`device.Device`)."""

    kind: Kind
    config: RunningConfig
    dataplane: DataPlane
    flash: Flash
    archive: Archive
    serial: str
    boot_time: datetime
    log_buffer: collections.deque[str]

    @property
    def sessions(self) -> Collection[Line]: ...
    @property
    def has_enable_password(self) -> bool: ...
    def startup_text(self) -> str | None: ...
    def running_text(self) -> str: ...
    def save(self, user: str) -> None: ...
    def store_keys(self, modulus: int) -> None: ...
    def check_enable(self, password: str) -> bool: ...
    def syslog(self, message: str) -> None: ...
    def config_changed(self, user: str) -> None: ...
    def config_session_ended(self) -> None: ...
    async def run_config(self, text: str, user: str) -> list[str]: ...
    async def replace_config(self, text: str, user: str) -> list[str]: ...
    async def reload(self) -> None: ...


class Shell(Line, Protocol):
    """A logged-in session as a command handler uses it (`session.Session`)."""

    device: CliDevice
    user: str
    privilege: int
    stack: list[Frame]
    term_length: int
    term_width: int
    vty: int | None
    history: dict[bool, list[str]]

    @property
    def mode(self) -> Mode: ...
    @property
    def frame(self) -> Frame: ...
    @property
    def prompt(self) -> str: ...
    def out(self, text: str) -> None: ...
    def flush(self) -> None: ...
    async def ask(self, question: str, hidden: bool = False) -> str | None: ...
    async def read_line(self, hidden: bool = False, editing: bool = False) -> InputLine: ...
    def enter(self, mode: str, target: Any = None) -> None: ...
    def leave_config(self) -> None: ...
    def close(self) -> None: ...
    async def exec_line(self, line: str, mode: str, offset: int = 0) -> None: ...
