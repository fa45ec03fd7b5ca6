"""Running the lab's helper programs (`ip`, `bridge`, `vtysh`, `ping` ...), root or in a namespace.

Every call has a timeout, captures its output and raises `LabError` with the program's own message
on failure, so that a failed kernel change never passes silently.
"""

from __future__ import annotations

import json
import logging
import subprocess
from collections.abc import Sequence
from typing import Any

from automation.errors import LabError

log = logging.getLogger(__name__)

COMMAND_TIMEOUT = 20.0  # seconds; generous: one `ip -batch` of a large lab takes well under one


def run(
    argv: Sequence[str], *, check: bool = True, timeout: float = COMMAND_TIMEOUT, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a program to completion; `check` raises LabError with its stderr on a non-zero exit."""
    try:
        proc = subprocess.run(
            list(argv), input=stdin, capture_output=True, text=True, timeout=timeout, check=False
        )
    except FileNotFoundError as exc:
        raise LabError(
            f"{argv[0]} is not installed; run `make setup` (scripts/install-debian-packages.sh)"
        ) from exc
    except subprocess.TimeoutExpired as exc:
        raise LabError(f"{' '.join(argv)}: no answer within {timeout:.0f} s") from exc
    if check and proc.returncode != 0:
        raise LabError(
            f"{' '.join(argv)}: {(proc.stderr or proc.stdout).strip() or f'exit {proc.returncode}'}"
        )
    return proc


def in_netns(netns: str, argv: Sequence[str]) -> list[str]:
    """The argv that runs `argv` inside `netns` (with its /etc/netns/<netns> files bind-mounted)."""
    return ["ip", "netns", "exec", netns, *argv]


def ip(netns: str | None, *args: str, check: bool = True) -> str:
    argv = ["ip", *(["-n", netns] if netns else []), *args]
    return run(argv, check=check).stdout


def ip_json(netns: str, *args: str) -> list[dict[str, Any]]:
    out = ip(netns, "-j", *args)
    data = json.loads(out) if out.strip() else []
    if not isinstance(data, list):
        raise LabError(f"ip -n {netns} -j {' '.join(args)}: unexpected output")
    return data


def ip_batch(netns: str, lines: Sequence[str]) -> None:
    """Apply several `ip` commands in one process; `-force` runs all and reports every failure."""
    if not lines:
        return
    log.debug("%s: ip -batch %s", netns, "; ".join(lines))
    proc = run(["ip", "-force", "-n", netns, "-batch", "-"], check=False, stdin="\n".join(lines) + "\n")
    if proc.returncode != 0:
        raise LabError(f"{netns}: ip -batch failed: {proc.stderr.strip()}")


def bridge_json(netns: str, *args: str) -> list[dict[str, Any]]:
    out = run(["bridge", "-n", netns, "-j", *args]).stdout
    data = json.loads(out) if out.strip() else []
    return data if isinstance(data, list) else []
