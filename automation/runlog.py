"""Run logs that hold no secrets: private folders and files, passwords and hashes masked.

A run's folder (`out/logs/<site>-<verb>-<timestamp>/`) is created 0700 and every file in it 0600,
each with its mode from the moment it exists. Whatever is written there goes through `mask()`:
netmiko's session logs hide the login password and enable secret themselves (`no_log`), but not
what the device prints back, e.g. `show running-config` with `username admin secret 9 $9$...`.

>>> mask("username admin privilege 15 secret 9 $9$nhEmQVczB7dqsO$X.HsgL6x1il0RxkOSSvyQYwucySCt7qFm4v7pqCxkKM")
'username admin privilege 15 secret 9 <removed>'
>>> mask(" password 7 0822455D0A16")
' password 7 <removed>'
>>> mask("enable secret Cleartext1")
'enable secret <removed>'
>>> mask("no service password-encryption")
'no service password-encryption'
"""

from __future__ import annotations

import io
import json
import os
import re
import time
from pathlib import Path
from typing import Any

MASK = "<removed>"

# `secret|password [TYPE] VALUE` (users, enable, lines), keys with an encryption type, and any
# crypt-style hash (`$1$...`, `$8$...`, `$9$...`) wherever it appears.
_SECRET_WORD = re.compile(
    r"(?P<lead>(?<![\w-])(?:secret|password|key-string|authentication-key|md5|key)"
    r"(?:\s+[0-9]{1,2}(?=\s))?\s+)(?P<value>[^\s\"',]+)",
    re.IGNORECASE,
)
_CRYPT = re.compile(r"\$[0-9a-z]{1,2}\$[./0-9A-Za-z]*(?:\$[./0-9A-Za-z]*)?")


def _replace(match: re.Match[str]) -> str:
    lead = match["lead"]
    word = lead.split()[0].lower()
    # `key`/`md5` only with an encryption type (`key 7 ...`): `crypto key generate` stays.
    if word in ("key", "md5") and len(lead.split()) < 2:
        return match.group(0)
    # Words that are not values: prompts and messages ("password:" is cut at the colon anyway).
    if match["value"].lower() in ("encryption", "required", "prompt", "set"):
        return match.group(0)
    return lead + MASK


def mask(text: str) -> str:
    """`text` with every password, secret, key and crypt hash replaced by `<removed>`."""
    text = _SECRET_WORD.sub(_replace, text)
    return _CRYPT.sub(MASK, text)


def mask_data(value: Any) -> Any:
    """`mask()` applied to every string inside lists, tuples and dicts (for JSON reports)."""
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, dict):
        return {k: mask_data(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_data(v) for v in value]
    return value


def open_log_dir(root: Path, name: str, verb: str) -> Path:
    """A new private folder `<root>/<name>-<verb>-<YYYYmmdd-HHMMSS>[-N]`, created 0700."""
    root.mkdir(parents=True, exist_ok=True)
    stamp = f"{name}-{verb}-{time.strftime('%Y%m%d-%H%M%S')}"
    for n in range(1000):
        path = root / (stamp if n == 0 else f"{stamp}-{n}")
        try:
            path.mkdir(mode=0o700)
        except FileExistsError:
            continue
        return path
    raise FileExistsError(f"{root}: no free name for a {verb} log of {name}")


def _create_private(path: Path) -> int:
    """A new file, 0600 from the start; never follows a symlink planted at `path`."""
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)


def write_private(path: Path, text: str) -> None:
    """Write `text`, masked, to a new 0600 file."""
    with os.fdopen(_create_private(path), "w", encoding="utf-8") as fh:
        fh.write(mask(text))


def write_json(path: Path, data: Any) -> None:
    """`data` as indented JSON with every string masked, in a new 0600 file."""
    write_private(path, json.dumps(mask_data(data), indent=2) + "\n")


class MaskedLog(io.BufferedIOBase):
    """A 0600 session-log file that masks secrets line by line (netmiko takes it as `session_log`).

    netmiko writes whatever each read returned, so a line can arrive in pieces: text is held back
    until its line ends (or the log is closed), then masked and written.
    """

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self._fh = os.fdopen(_create_private(path), "wb")
        self._pending = b""

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        if self.closed:
            raise ValueError(f"{self.path}: write to a closed log")
        chunk = bytes(data)
        self._pending += chunk
        end = self._pending.rfind(b"\n")
        if end >= 0:
            done, self._pending = self._pending[: end + 1], self._pending[end + 1 :]
            self._emit(done)
        return len(chunk)

    def _emit(self, data: bytes) -> None:
        self._fh.write(mask(data.decode("utf-8", "replace")).encode("utf-8"))

    def flush(self) -> None:
        # Only whole lines reach the file: a partial line may still be a secret's beginning.
        if not self._fh.closed:
            self._fh.flush()

    def close(self) -> None:
        if self.closed:
            return
        try:
            if self._pending:
                self._emit(self._pending)
                self._pending = b""
            self._fh.close()
        finally:
            super().close()
