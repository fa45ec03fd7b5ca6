"""The `archive` feature: its config block, `show archive`, `archive config`, and the revert timer
of a Rollback Confirmed Change (`configure confirm`, `configure revert now|timer N`).

`configure replace FILE ... revert timer N` lives with the other file commands (`files.py`) and
starts the timer through `start_revert`; so does `configure terminal revert timer N`.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from automation.emulator import archive
from automation.emulator.config import ArchiveSettings
from automation.emulator.frames import CliDevice, Frame, Shell
from automation.emulator.parser import Args, Command
from automation.emulator.render import render_body
from automation.emulator.shows import system

log = logging.getLogger(__name__)

ARCHIVE_OFF = "%Please turn config archive on\n"  # what NAPALM looks for (from memory of IOS)
NOTHING_PENDING = "%No Rollback Confirmed Change pending\n"


def _settings(s: Shell) -> ArchiveSettings:
    cfg = s.device.config
    if cfg.archive is None:
        cfg.archive = ArchiveSettings()
    return cfg.archive


def archive_running(device: CliDevice) -> tuple[str, str] | None:
    """Copy the running config to the next archive file: (its name, the text); None without `path`."""
    settings = device.config.archive
    if settings is None or settings.path is None:
        return None
    text = "\n".join(["!", *render_body(device.config)]) + "\n"
    name = device.archive.save(settings.path, text, settings.maximum or archive.DEFAULT_MAXIMUM)
    return None if name is None else (name, text)


async def _revert(device: CliDevice, checkpoint: str, text: str) -> None:
    device.syslog("%ARCHIVE_DIFF-5-ROLLBK_CNFMD_CHG_TIMER_EXPIRED: Timer for Confirmed Change has expired")
    errors = await device.replace_config(text, "system")
    for error in errors:
        log.warning("%s: revert to %s: %s", device.config.hostname, checkpoint, error)
    device.syslog(f"%ARCHIVE_DIFF-5-ROLLBK_CNFMD_CHG_ROLLBACK_DONE: Rolled back to {checkpoint}")


def start_revert(s: Shell, minutes: int) -> bool:
    """Archive the running config and arm the revert timer; False (refused, said) without archive."""
    archived = archive_running(s.device)
    if archived is None:
        s.out(ARCHIVE_OFF)
        return False
    _arm(s.device, *archived, s.user, minutes)
    return True


def _arm(device: CliDevice, checkpoint: str, text: str, user: str, minutes: int) -> None:
    async def expired() -> None:
        await _revert(device, checkpoint, text)

    device.archive.start(checkpoint, text, user, minutes, datetime.now(UTC), expired)


# --- config mode -----------------------------------------------------------------------------


async def archive_mode(s: Shell, a: Args) -> None:
    if a.negated:
        s.device.config.archive = None
        return
    _settings(s)
    s.enter("config-archive")


async def path(s: Shell, a: Args) -> None:
    _settings(s).path = None if a.negated else str(a["url"])


async def write_memory(s: Shell, a: Args) -> None:
    _settings(s).write_memory = not a.negated


async def maximum(s: Shell, a: Args) -> None:
    _settings(s).maximum = None if a.negated else a["count"]


# --- exec ------------------------------------------------------------------------------------


async def show_archive(s: Shell, a: Args) -> None:
    settings = s.device.config.archive
    path_ = settings.path if settings is not None else None
    most = (settings.maximum if settings is not None else None) or archive.DEFAULT_MAXIMUM
    arch = s.device.archive
    s.out(system.archive(path_ and arch.next_name(path_), arch.saved if path_ else [], most))


async def archive_config(s: Shell, a: Args) -> None:
    if archive_running(s.device) is None:
        s.out(ARCHIVE_OFF)


async def configure_revert_timer(s: Shell, a: Args) -> None:
    """`configure terminal revert timer N`: config mode, reverted in N minutes unless confirmed."""
    if s.device.archive.pending is not None:
        s.out("%Rollback Confirmed Change pending: confirm or revert it first\n")
        return
    if not start_revert(s, a["minutes"]):
        return
    s.out("Enter configuration commands, one per line.  End with CNTL/Z.\n")
    s.stack.append(Frame("config"))


async def confirm(s: Shell, a: Args) -> None:
    if s.device.archive.cancel() is None:
        s.out(NOTHING_PENDING)


async def revert(s: Shell, a: Args) -> None:
    arch = s.device.archive
    pending = arch.pending
    if pending is None:
        s.out(NOTHING_PENDING)
        return
    if a.has("now"):
        arch.cancel()
        await _revert(s.device, pending.checkpoint, pending.text)
        s.out("Total number of passes: 1\nRollback Done\n\n")
        return
    _arm(s.device, pending.checkpoint, pending.text, pending.user, a["minutes"])


async def rollback_timer(s: Shell, a: Args) -> None:
    pending = s.device.archive.pending
    if pending is None:
        s.out(NOTHING_PENDING)
        return
    stamp = f"{pending.configured:%H:%M:%S} UTC {pending.configured:%a %b} {pending.configured.day}"
    s.out(
        f"Time configured(or reset): {stamp} {pending.configured.year}\n"
        "Timer type: rollback timer\n"
        f"Timer value: {pending.minutes} min\n"
        f"User: {pending.user}\n"
    )


CONFIG = [Command("archive", archive_mode, no="")]

ARCHIVE = [
    Command("path <url:word>", path, no="path [<url:word>]"),
    Command("write-memory", write_memory, no=""),
    Command("maximum <count:int:1-14>", maximum, no="maximum [<count:int:1-14>]"),
]

PRIVILEGED = [
    Command("show archive", show_archive),
    Command("show archive config rollback timer", rollback_timer),
    Command("archive config", archive_config),
    Command("configure terminal revert timer <minutes:int:1-120>", configure_revert_timer),
    Command("configure confirm", confirm),
    Command("configure revert {now|timer <minutes:int:1-120>}", revert),
]
