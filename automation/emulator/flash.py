"""`flash0:` of an emulated device: a folder of plain files in the device's state directory.

Holds what clients copy there (NAPALM's candidate, merge and rollback configs over SCP or
`copy running-config flash0:/x`); the IOS image and `nvram` are listed by `dir` but not stored.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
from datetime import UTC, datetime
from pathlib import Path

FILESYSTEMS = ("flash0:", "flash:")
TOTAL_BYTES = 2142715904
_NAME = re.compile(r"[A-Za-z0-9._-]{1,255}")


def split_path(text: str) -> tuple[str, str] | None:
    """`flash0:/a.txt` -> ("flash0:", "a.txt"); `flash0:` -> ("flash0:", ""); None if not flash."""
    fs, colon, rest = text.partition(":")
    if not colon or f"{fs.lower()}:" not in FILESYSTEMS:
        return None
    name = rest.lstrip("/")
    if name and not _NAME.fullmatch(name):
        return None
    return "flash0:", name


def write_private(path: Path, data: bytes) -> None:
    """Replace `path` atomically with a file that is 0600 from the moment it exists."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


class Flash:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, name: str) -> Path:
        if not _NAME.fullmatch(name) or name in (".", ".."):
            raise ValueError(f"bad file name {name!r}")
        return self.folder / name

    def names(self) -> list[str]:
        if not self.folder.is_dir():
            return []
        return sorted(p.name for p in self.folder.iterdir() if p.is_file())

    def exists(self, name: str) -> bool:
        return self._path(name).is_file()

    def read(self, name: str) -> bytes:
        return self._path(name).read_bytes()

    def write(self, name: str, data: bytes) -> None:
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        write_private(self._path(name), data)

    def size(self, name: str) -> int:
        return self._path(name).stat().st_size

    def mtime(self, name: str) -> datetime:
        return datetime.fromtimestamp(self._path(name).stat().st_mtime, UTC)

    def md5(self, name: str) -> str:
        return hashlib.md5(self.read(name), usedforsecurity=False).hexdigest()

    def used(self) -> int:
        return sum(self.size(n) for n in self.names())
