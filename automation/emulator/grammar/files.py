"""Files on `flash0:` and the commands NAPALM's `ios` driver uses on them: `dir`, `verify /md5`,
`more`, `copy` between flash, running and startup config, `configure replace`, and
`show archive config differences` (a line diff in IOS's `!Contextual Config Diffs:` form) and
`show archive config incremental-diffs` (the lines a merge would add, IOS's `!List of Commands:`)."""

from __future__ import annotations

import difflib
import time

from automation.emulator.flash import TOTAL_BYTES, split_path
from automation.emulator.frames import Reject, Shell
from automation.emulator.grammar.archive import archive_running, start_revert
from automation.emulator.parser import Args, Command
from automation.emulator.render import render_body
from automation.emulator.shows import system
from automation.platforms.cisco_ios import SAVE_OK


def _file(s: Shell, text: str, index: int) -> str:
    """The flash file name in `text`; Reject when `text` is not a flash path with a name."""
    parsed = split_path(text)
    if parsed is None or not parsed[1]:
        raise Reject("invalid", index)
    return parsed[1]


def _not_found(s: Shell, name: str, verb: str = "opening") -> None:
    s.out(f"%Error {verb} flash0:/{name} (No such file or directory)\n")


def _existing(s: Shell, text: str, index: int) -> str | None:
    """The name of an existing flash file; None (and IOS's error printed) when there is none."""
    name = _file(s, text, index)
    if not s.device.flash.exists(name):
        _not_found(s, name)
        return None
    return name


def _stamp(s: Shell, name: str) -> str:
    return f"{s.device.flash.mtime(name):%b %d %Y %H:%M:%S} +00:00"


async def dir_(s: Shell, a: Args) -> None:
    target = str(a.get("fs", "flash0:"))
    parsed = split_path(target)
    if parsed is None:
        s.out(f"%Error opening {target} (No such file or directory)\n")
        return
    flash = s.device.flash
    name = parsed[1]
    if name:
        if not flash.exists(name):
            _not_found(s, name)
            return
        s.out(f"Directory of flash0:/{name}\n\n")
        s.out(f"   10  -rw-   {flash.size(name):>10}  {_stamp(s, name)}  {name}\n\n")
    else:
        text = s.device.startup_text()
        listing = system.directory(s.device.kind, len(text.encode()) if text else None, s.device.boot_time)
        head, _, _ = listing.rpartition("\n\n")
        rows = [
            f"   {10 + i:>2}  -rw-   {flash.size(n):>10}  {_stamp(s, n)}  {n}"
            for i, n in enumerate(flash.names())
        ]
        s.out(head + ("\n" + "\n".join(rows) if rows else "") + "\n\n")
    free = TOTAL_BYTES - 148347904 - flash.used()
    s.out(f"{TOTAL_BYTES} bytes total ({free} bytes free)\n")


async def verify_md5(s: Shell, a: Args) -> None:
    name = _existing(s, a["file"], 2)
    if name is None:
        return
    s.out("." * 8 + "Done!\n")
    s.out(f"verify /md5 (flash0:/{name}) = {s.device.flash.md5(name)}\n\n")


async def more(s: Shell, a: Args) -> None:
    target = str(a["file"])
    if target.lower() in ("system:running-config", "running-config"):
        s.out(s.device.running_text())
        return
    name = _existing(s, target, 1)
    if name is None:
        return
    s.out(s.device.flash.read(name).decode("utf-8", "replace"))


def _running(s: Shell) -> str:
    return "\n".join(["!", *render_body(s.device.config)]) + "\n"


def _source(s: Shell, src: str, index: int = 1) -> str | None:
    low = src.lower().replace(":/", ":")
    if low in ("running-config", "system:running-config"):
        return _running(s)
    if low in ("startup-config", "nvram:startup-config"):
        return s.device.startup_text() or ""
    if low == "null:":
        return ""
    name = _existing(s, src, index)
    if name is None:
        return None
    return s.device.flash.read(name).decode("utf-8", "replace")


def save(s: Shell) -> None:
    """`write memory`, `copy running-config startup-config`: NVRAM gets the running config."""
    s.out("Building configuration...\n")
    s.device.save(s.user)
    s.out(f"{SAVE_OK}\n")
    if s.device.config.archive is not None and s.device.config.archive.write_memory:
        archive_running(s.device)


async def copy_run_start(s: Shell, a: Args) -> None:
    if not s.device.config.file_prompt_quiet:
        answer = await s.ask("Destination filename [startup-config]? ")
        if answer is None:
            return
        if answer.strip() not in ("", "startup-config"):
            s.out(f"%Error opening flash0:{answer.strip()} (Permission denied)\n")
            return
    save(s)


async def copy(s: Shell, a: Args) -> None:
    src = str(a["src"]) if "src" in a else a.keywords[1]
    dst = str(a["dst"])
    text = _source(s, src)
    if text is None:
        return
    started = time.monotonic()
    low = dst.lower().replace(":/", ":")
    if low in ("running-config", "system:running-config"):
        if not s.device.config.file_prompt_quiet:
            answer = await s.ask("Destination filename [running-config]? ")
            if answer is None:
                return
        for error in await s.device.run_config(text, s.user):
            s.out(f"{error}\n")
    elif low in ("startup-config", "nvram:startup-config"):
        if src.lower().replace(":/", ":") in ("running-config", "system:running-config"):
            await copy_run_start(s, a)
            return
        raise Reject("invalid", 2)
    else:
        name = _file(s, dst, 2)
        if not s.device.config.file_prompt_quiet:
            answer = await s.ask(f"Destination filename [{name}]? ")
            if answer is None:
                return
        s.device.flash.write(name, text.encode())
    size = len(text.encode())
    secs = max(time.monotonic() - started, 0.001)
    s.out(f"\n{size} bytes copied in {secs:.3f} secs ({int(size / secs)} bytes/sec)\n")


async def configure_replace(s: Shell, a: Args) -> None:
    name = _existing(s, a["file"], 2)
    if name is None:
        return
    if not a.has("force"):
        answer = await s.ask(
            "This will apply all necessary additions and deletions\n"
            "to replace the current running configuration with the\n"
            "contents of the specified configuration file, which is\n"
            "assumed to be a complete configuration, not a partial\n"
            "configuration. Enter Y if you are sure you want to proceed. ? [no]: "
        )
        if answer is None or not answer.strip().lower().startswith("y"):
            return
    text = s.device.flash.read(name).decode("utf-8", "replace")
    if "minutes" in a:
        if s.device.archive.pending is not None:
            s.out("%Rollback Confirmed Change pending: confirm or revert it first\n")
            return
        if not start_revert(s, a["minutes"]):
            return
    before = s.device.config.snapshot()
    errors = await s.device.replace_config(text, s.user)
    if errors and a.has("error"):
        s.device.archive.cancel()
        s.device.config = before
        s.device.config_changed(s.user)
        s.out("Reverting with trigger error\n")
        for error in errors:
            s.out(f"{error}\n")
        s.out("The original configuration has been successfully restored.\n")
        return
    for error in errors:
        s.out(f"{error}\n")
    s.out("Total number of passes: 1\nRollback Done\n\n")


def _config_lines(text: str) -> list[str]:
    """Configuration lines of a file or running config, without comments, header and `end`."""
    out: list[str] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        if not line.strip() or line.lstrip().startswith("!") or line.strip() == "end":
            continue
        if line.startswith(("Building configuration", "Current configuration")):
            continue
        out.append(line.rstrip())
    return out


async def archive_diff(s: Shell, a: Args) -> None:
    old = _source(s, str(a["a"]), 4)
    new = _source(s, str(a["b"]), 5)
    if old is None or new is None:
        return
    diff = [
        line
        for line in difflib.unified_diff(_config_lines(old), _config_lines(new), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    if not diff:
        s.out("!Contextual Config Diffs:\n!No changes were found\n")
        return
    s.out("!Contextual Config Diffs:\n" + "\n".join(diff) + "\n")


def _blocks(lines: list[str]) -> list[tuple[str, list[str]]]:
    """Top-level lines with the indented lines under each."""
    out: list[tuple[str, list[str]]] = []
    for line in lines:
        if line[:1] == " " and out:
            out[-1][1].append(line)
        else:
            out.append((line, []))
    return out


def incremental(running: list[str], candidate: list[str], ignorecase: bool) -> list[str]:
    """The lines of `candidate` that the running config lacks, each child under its parent.

    >>> incremental(["hostname R1", "interface Gi0/0", " shutdown"],
    ...             ["hostname R1", "interface Gi0/0", " description x", " shutdown"], False)
    ['interface Gi0/0', ' description x']
    """
    fold = str.lower if ignorecase else str
    have: dict[str, set[str]] = {}
    for parent, children in _blocks(running):
        have.setdefault(fold(parent.strip()), set()).update(fold(c.strip()) for c in children)
    out: list[str] = []
    for parent, children in _blocks(candidate):
        known = have.get(fold(parent.strip()))
        new = [c for c in children if known is None or fold(c.strip()) not in known]
        if known is None or new:
            out += [parent, *new]
    return out


async def incremental_diffs(s: Shell, a: Args) -> None:
    """`show archive config incremental-diffs FILE [ignorecase]`: what merging FILE would add."""
    new = _source(s, str(a["file"]), 4)
    if new is None:
        return
    lines = incremental(_config_lines(_running(s)), _config_lines(new), a.has("ignorecase"))
    s.out("!List of Commands:\n" + "".join(f"{line}\n" for line in lines) + "end\n")
    if not lines:
        s.out("!No changes were found\n")


PRIVILEGED = [
    Command("dir [<fs:word>]", dir_),
    Command("verify /md5 <file:word> [<md5:word>]", verify_md5),
    Command("more <file:word>", more),
    # A keyword beats an argument at the same position (IOS's rule), so the keyword sources are
    # listed apart from the flash files.
    Command("copy {running-config|startup-config|null:} <dst:word>", copy),
    Command("copy <src:word> <dst:word>", copy),
    Command(
        "configure replace <file:word> [force] "
        "[revert {trigger error [timer <minutes:int:1-120>]|timer <minutes:int:1-120>}] [<rest:line>]",
        configure_replace,
    ),
    Command("show archive config differences <a:word> <b:word>", archive_diff),
    Command("show archive config incremental-diffs <file:word> [ignorecase]", incremental_diffs),
]
