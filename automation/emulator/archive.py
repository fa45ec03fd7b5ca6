"""The configuration archive of a device: archived configs on flash and the revert timer.

With `archive` / ` path flash:NAME` configured, `archive config` (and `write memory` under
` write-memory`) copy the running config to `flash:NAME-1`, `-2`, ...; IOS keeps the newest
`maximum` (10 by default). A Rollback Confirmed Change (`configure replace ... revert timer N`,
`configure terminal revert timer N`) archives the running config first and goes back to it
after N minutes unless `configure confirm` ends it first.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from automation.emulator.flash import Flash, split_path

log = logging.getLogger(__name__)

REVERT_MINUTE = 60.0  # seconds in a minute of the revert timer (tests shorten it)
DEFAULT_MAXIMUM = 10


@dataclass
class PendingRevert:
    """A Rollback Confirmed Change: what it goes back to, who started it, when it fires."""

    checkpoint: str  # the archive file, as `show archive` names it
    text: str  # the configuration in it
    user: str
    minutes: int
    configured: datetime  # started or last reset (`configure revert timer N`)
    task: asyncio.Task[None]


class Archive:
    """Archived configurations and the one pending revert of a device."""

    def __init__(self, flash: Flash) -> None:
        self.flash = flash
        self.saved: list[str] = []  # archive files, oldest first, as `show archive` names them
        self.counter = 0
        self.pending: PendingRevert | None = None

    def next_name(self, path: str) -> str:
        return f"{path}-{self.counter + 1}"

    def save(self, path: str, text: str, maximum: int) -> str | None:
        """Write `text` as the next archive file under `path`; None when `path` is not on flash."""
        where = split_path(f"{path}-{self.counter + 1}")
        if where is None or not where[1]:
            return None
        self.counter += 1
        self.flash.write(where[1], text.encode())
        name = f"{path}-{self.counter}"
        self.saved.append(name)
        while len(self.saved) > maximum:
            old = split_path(self.saved.pop(0))
            if old is not None and old[1]:
                with contextlib.suppress(FileNotFoundError, ValueError):
                    (self.flash.folder / old[1]).unlink()
        return name

    def start(
        self,
        checkpoint: str,
        text: str,
        user: str,
        minutes: int,
        now: datetime,
        expired: Callable[[], Awaitable[None]],
    ) -> None:
        """Arm (or re-arm) the timer: after `minutes`, `expired()` unless confirmed first."""
        self.cancel()

        async def fire() -> None:
            await asyncio.sleep(minutes * REVERT_MINUTE)
            self.pending = None
            try:
                await expired()
            except Exception:
                log.exception("revert to %s failed", checkpoint)

        task = asyncio.get_running_loop().create_task(fire())
        self.pending = PendingRevert(checkpoint, text, user, minutes, now, task)

    def cancel(self) -> PendingRevert | None:
        """End the pending revert without reverting; what was pending."""
        pending, self.pending = self.pending, None
        if pending is not None:
            pending.task.cancel()
        return pending
