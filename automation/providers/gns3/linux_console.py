"""Day-0 over a fresh Linux host's serial console: log in, hand over the script, run it.

A GNS3 Linux node's console is its serial line behind a telnet server. The image boots to a
login prompt (or straight to a shell); we log in with the image's console login
(`automation.secrets.console_login`), switch off echo and history, and send the day-0 script
(`automation.providers.day0`) base64-encoded in short lines, so nothing in it is read by the
console's shell: only `printf`, `base64 -d` and `sh` run there. The script and its encoded copy
hold the automation's password, so they are written with umask 077 and removed whatever happens.
A user other than root runs it through sudo. Every prompt is data (`LinuxDialogue`) and every wait
has a budget scaled by the delay factor.
"""

from __future__ import annotations

import base64
import contextlib
import logging
import re
import time

from automation.errors import DeviceError
from automation.providers.day0 import Day0
from automation.providers.gns3.console import BootstrapResult, ConsoleBudgets, Frozen, connect, prompts
from automation.providers.gns3.telnet import TelnetStream
from automation.secrets import ConsoleLogin

log = logging.getLogger(__name__)

STAGE = "/tmp/.mastertech-day0"  # .b64, .sh and .log are made beside this stem
EXIT_STATUS = re.compile(r"mt-rc-(\d+)-end")  # what the run prints after the script


class LinuxDialogue(Frozen):
    """What a Linux console shows until a shell, and the sync marks of our own commands."""

    login: str = r"(?:^|\n)(?!Last )(?:\S+ )?login:\s*$"
    password: str = r"(?:^|\n)[^\n]*[Pp]assword(?: for [^\n:]*)?:\s*$"
    refused: str = r"Login incorrect|Authentication failure|Permission denied|Sorry, try again"
    shell: str = r"(?:^|\n)[^\n]*[#$%>] ?$"
    wake: str = "\r"
    # Quiet, stable shell: no echo, no history (the encoded script holds a password), no prompt
    # decorations; every later command ends by printing a mark the typed line itself cannot show.
    quiet: str = "stty -echo 2>/dev/null; unset HISTFILE PROMPT_COMMAND; PS1='$ '; PS2=''; umask 077"
    chunk: int = 512  # base64 characters per typed line (well under a tty's 4095)


LINUX_DIALOGUE = LinuxDialogue()


class LinuxBudgets(ConsoleBudgets):
    """Seconds before the delay factor; `run` covers the script (DHCP, host keys, sshd)."""

    run: float = 180


def _mark(n: int) -> tuple[str, re.Pattern[str]]:
    """A command suffix printing `mt-<n>-ok` computed by the shell, and the pattern of its output."""
    return f"; echo mt-$(({n}+0))-ok", re.compile(rf"mt-{n}-ok")


async def _login(
    stream: TelnetStream, node: str, login: ConsoleLogin, d: LinuxDialogue, b: LinuxBudgets
) -> list[str]:
    """Answer the console until a shell prompt; the prompts met, in order."""
    patterns = {
        "refused": re.compile(d.refused),
        "login": re.compile(d.login),
        "password": re.compile(d.password),
        "shell": re.compile(d.shell),
    }
    met: list[str] = []
    async for key, text in prompts(stream, node, patterns, d.wake, b, "login prompt or shell"):
        met.append(key)
        if key == "refused":
            raise DeviceError(
                f"{node}: the console refused the login {login.username!r} (it said {text[-80:]!r}); set "
                "MASTERTECH_CONSOLE_USERNAME and MASTERTECH_CONSOLE_PASSWORD to the image's console login"
            )
        if key == "login":
            if met.count("login") > 2:
                raise DeviceError(f"{node}: the console keeps asking for a login; check the console login")
            stream.send(login.username + "\r")
        elif key == "password":
            if login.password is None:
                raise DeviceError(
                    f"{node}: the console asks for a password; set MASTERTECH_CONSOLE_PASSWORD "
                    "(or console_password in the vault) to the image's console password"
                )
            stream.send(login.password + "\r")
        else:
            break
    return met


async def _command(stream: TelnetStream, node: str, command: str, n: int, budget: float) -> str:
    """Run one shell command; its output up to the mark."""
    suffix, mark = _mark(n)
    stream.buffer = ""
    stream.send(command + suffix + "\r")
    try:
        _, text = await stream.expect({"mark": mark}, budget)
    except TimeoutError:
        raise DeviceError(
            f"{node}: the console shell did not finish {command.split()[0]!r} within {budget:.0f} s"
        ) from None
    return text


async def bootstrap_linux_console(
    node: str, host: str, port: int, day0: Day0, login: ConsoleLogin, *, delay_factor: float = 1.0,
    dialogue: LinuxDialogue = LINUX_DIALOGUE, budgets: LinuxBudgets | None = None,
) -> BootstrapResult:  # fmt: skip
    """Log in on a Linux host's telnet console and run its day-0 script there."""
    if day0.platform != "linux":
        raise ValueError(f"{node}: not a Linux day-0")
    b = (budgets or LinuxBudgets()).scaled(delay_factor)
    assert isinstance(b, LinuxBudgets)
    started = time.monotonic()
    stream = await connect(host, port, node, b.connect)
    encoded = base64.b64encode(day0.text.encode()).decode()
    staged = False  # copies of the script (it holds the password) may be on the host
    try:
        met = await _login(stream, node, login, dialogue, b)
        staged = True
        root = login.username == "root"
        await _command(stream, node, dialogue.quiet, 1, b.line)
        await _command(stream, node, f"rm -f {STAGE}.b64 {STAGE}.sh", 2, b.line)
        for i in range(0, len(encoded), dialogue.chunk):
            await _command(
                stream, node, f"printf %s {encoded[i : i + dialogue.chunk]} >> {STAGE}.b64", 3, b.line
            )
        run = f"base64 -d {STAGE}.b64 > {STAGE}.sh && sh {STAGE}.sh > {STAGE}.log 2>&1"
        if not root:
            run = f"sudo -S -p 'password for sudo: ' sh -c '{run}'"
        stream.buffer = ""
        stream.send(f"{run}; rc=$?; rm -f {STAGE}.b64 {STAGE}.sh; echo mt-rc-$rc-end\r")
        rc = await _finish(stream, node, login, dialogue, b)
        staged = False
        if rc != 0:
            tail = await _command(stream, node, f"tail -n 5 {STAGE}.log", 4, b.line)
            lines = [ln for ln in tail.splitlines() if ln.strip() and not ln.startswith("mt-")]
            raise DeviceError(
                f"{node}: the day-0 script failed on the console (status {rc}): {' | '.join(lines)[-300:]}"
            )
        stream.send("exit\r")  # leave the console at its login prompt
    except (EOFError, ConnectionError) as exc:
        raise DeviceError(f"{node}: the console at {host}:{port} closed during day-0 ({exc})") from None
    finally:
        if staged:  # a failure half way: leave no copy of the password behind, as far as we can
            with contextlib.suppress(ConnectionError, OSError, RuntimeError):
                stream.send(f"\x03\rrm -f {STAGE}.b64 {STAGE}.sh\r")
                await stream.writer.drain()
        await stream.close()
    return BootstrapResult(node, time.monotonic() - started, tuple(met))


async def _finish(
    stream: TelnetStream, node: str, login: ConsoleLogin, d: LinuxDialogue, b: LinuxBudgets
) -> int:
    """Wait for the script's exit status, giving sudo the password if it asks."""
    patterns = {"rc": EXIT_STATUS, "password": re.compile(d.password)}
    asked = False
    while True:
        try:
            key, text = await stream.expect(patterns, b.run)
        except TimeoutError:
            raise DeviceError(f"{node}: the day-0 script did not finish within {b.run:.0f} s") from None
        if key == "rc":
            found = EXIT_STATUS.search(text)
            assert found is not None
            return int(found[1])
        if asked or login.password is None:
            raise DeviceError(
                f"{node}: sudo asks {login.username}'s password; set MASTERTECH_CONSOLE_PASSWORD, or log in "
                "as root (MASTERTECH_CONSOLE_USERNAME)"
            )
        asked = True
        stream.send(login.password + "\r")
