"""Day-0 over a fresh IOS device's telnet console: the first-boot dialogue, then the config.

The device boots, asks "Would you like to enter the initial configuration dialog? [yes/no]:"
(answered no), says "Press RETURN to get started!" (answered with RETURN), and gives the user
prompt; then `enable`, `configure terminal`, the day-0 lines one by one, `end`, `write memory`.
Every prompt and answer is data (`CONSOLE_DIALOGUE`); every wait has a budget, scaled by the
delay factor for slow computes (IOSv under TCG boots in minutes, not seconds).
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Self

from pydantic import BaseModel, ConfigDict

from automation.errors import DeviceError
from automation.providers.day0 import Day0
from automation.providers.gns3.telnet import TelnetStream

log = logging.getLogger(__name__)


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Answer(Frozen):
    """A prompt the device may show, and what to type when it does (None: the step is done)."""

    pattern: str
    send: str | None


class ConsoleDialogue(Frozen):
    # Until the device is at a prompt: what it asks while booting, and our answers.
    boot: dict[str, Answer] = {
        "setup": Answer(pattern=r"initial configuration dialog\? \[yes/no\]:\s*$", send="no\r"),
        "autoinstall": Answer(pattern=r"terminate autoinstall\? \[yes\]:\s*$", send="yes\r"),
        "press_return": Answer(pattern=r"Press RETURN to get started!?", send="\r"),
        "user": Answer(pattern=r"(?:^|\n)[A-Za-z][\w.-]*>\s*$", send="enable\r"),
        "password": Answer(pattern=r"Password:\s*$", send=None),  # an enable secret is set already
        "privileged": Answer(pattern=r"(?:^|\n)[A-Za-z][\w.-]*#\s*$", send=None),
    }
    config_prompt: str = r"(?:^|\n)[A-Za-z][\w.-]*\(config[^)]*\)#\s*$"
    privileged_prompt: str = r"(?:^|\n)[A-Za-z][\w.-]*#\s*$"
    # Questions inside configuration, with the safe answer.
    config_questions: dict[str, Answer] = {
        "replace_keys": Answer(pattern=r"Do you really want to replace them\? \[yes/no\]:\s*$", send="no\r"),
        "confirm": Answer(pattern=r"\[confirm\]\s*$", send="\r"),
    }
    errors: tuple[str, ...] = ("% Invalid input", "% Incomplete command", "% Ambiguous command", "% Bad mask")
    wake: str = "\r"  # sent while waiting for the device to say anything
    enter_config: str = "configure terminal\r"
    leave_config: str = "end\r"
    save: str = "write memory\r"


CONSOLE_DIALOGUE = ConsoleDialogue()


class ConsoleBudgets(Frozen):
    """Seconds, before the delay factor: an IOSv under KVM boots in about 2 minutes."""

    connect: float = 60
    boot: float = 600
    wake_every: float = 5
    line: float = 30
    keys: float = 120  # `crypto key generate rsa` on a slow CPU
    save: float = 60

    def scaled(self, factor: float) -> Self:
        return type(self)(**{k: v * factor for k, v in self.model_dump().items()})


@dataclass(frozen=True)
class BootstrapResult:
    node: str
    seconds: float
    answered: tuple[str, ...]  # the boot prompts met, in order


def _compile(answers: dict[str, Answer]) -> dict[str, re.Pattern[str]]:
    return {k: re.compile(a.pattern) for k, a in answers.items()}


async def connect(host: str, port: int, node: str, budget: float) -> TelnetStream:
    deadline = time.monotonic() + budget
    while True:
        try:
            return await TelnetStream.connect(host, port, timeout=min(5.0, budget))
        except (OSError, TimeoutError) as exc:
            if time.monotonic() > deadline:
                raise DeviceError(
                    f"{node}: no console at {host}:{port} after {budget:.0f} s ({exc}); "
                    "is the node started? (GNS3: its status and console port)"
                ) from None
            await asyncio.sleep(1)


async def prompts(
    stream: TelnetStream,
    node: str,
    patterns: dict[str, re.Pattern[str]],
    wake: str,
    b: ConsoleBudgets,
    what: str,
) -> AsyncIterator[tuple[str, str]]:
    """(key, text up to the match) of `patterns` as the booting console shows them, waking it
    while it is silent; DeviceError when none shows within the boot budget. The caller answers
    each one; the reply to an answer gets `b.line` seconds before the next wake, so that a wake
    never lands where the device reads the next answer (a RETURN typed as an empty password)."""
    deadline = time.monotonic() + b.boot
    patient_until = 0.0
    stream.send(wake)
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise DeviceError(
                f"{node}: no {what} on the console within {b.boot:.0f} s (last output: "
                f"{stream.buffer[-120:]!r}); raise the delay factor for a slow compute"
            )
        try:
            found = await stream.expect(patterns, min(left, b.wake_every))
        except TimeoutError:
            if time.monotonic() >= patient_until:
                stream.send(wake)
            continue
        yield found
        patient_until = time.monotonic() + b.line


async def _boot(stream: TelnetStream, node: str, d: ConsoleDialogue, b: ConsoleBudgets) -> list[str]:
    """Answer the boot questions until the privileged prompt; the prompts met, in order."""
    met: list[str] = []
    async for key, _ in prompts(stream, node, _compile(d.boot), d.wake, b, "IOS prompt"):
        met.append(key)
        answer = d.boot[key]
        if key == "password":
            raise DeviceError(f"{node}: the console asks for the enable secret: it is configured already")
        if answer.send is None:
            break
        stream.send(answer.send)
    return met


async def _line(stream: TelnetStream, node: str, line: str, d: ConsoleDialogue, budget: float) -> None:
    patterns = {"prompt": re.compile(d.config_prompt), **_compile(d.config_questions)}
    stream.send(line + "\r")
    while True:
        try:
            key, text = await stream.expect(patterns, budget)
        except TimeoutError:
            raise DeviceError(f"{node}: no prompt after {line.split()[0]!r} within {budget:.0f} s") from None
        if any(e in text for e in d.errors):
            shown = line if "secret" not in line else line.split(" secret")[0] + " secret ***"
            raise DeviceError(f"{node}: the device rejected day-0 line {shown!r}: {text.strip()[-200:]}")
        if key == "prompt":
            return
        stream.send(d.config_questions[key].send or "\r")


async def bootstrap_console(
    node: str, host: str, port: int, day0: Day0, *, delay_factor: float = 1.0,
    dialogue: ConsoleDialogue = CONSOLE_DIALOGUE, budgets: ConsoleBudgets | None = None,
) -> BootstrapResult:  # fmt: skip
    """Type `day0` into a fresh device over its telnet console and save it."""
    b = (budgets or ConsoleBudgets()).scaled(delay_factor)
    started = time.monotonic()
    stream = await connect(host, port, node, b.connect)
    try:
        met = await _boot(stream, node, dialogue, b)
        log.info("%s: at the privileged prompt after %s", node, ", ".join(met))
        stream.buffer = ""
        await _line(stream, node, dialogue.enter_config.strip(), dialogue, b.line)
        for line in day0.lines():
            await _line(stream, node, line, dialogue, b.keys if line.startswith("crypto key") else b.line)
        stream.send(dialogue.leave_config)
        await stream.expect({"prompt": re.compile(dialogue.privileged_prompt)}, b.line)
        stream.send(dialogue.save)
        await stream.expect({"prompt": re.compile(r"\[OK\][\s\S]*" + dialogue.privileged_prompt)}, b.save)
    except (EOFError, ConnectionError) as exc:
        raise DeviceError(f"{node}: the console at {host}:{port} closed during bootstrap ({exc})") from None
    except TimeoutError:
        raise DeviceError(
            f"{node}: the console at {host}:{port} stopped answering during bootstrap"
        ) from None
    finally:
        await stream.close()
    return BootstrapResult(node, time.monotonic() - started, tuple(met))
