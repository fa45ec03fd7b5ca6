"""Waiting with a budget: the one loop behind every "until it is ready, or give up" of the toolkit.

A probe returns something truthy when the wait is over (a value worth keeping, or True); a probe
may also raise to give up early (a process that died while it was awaited). The caller decides
what a timeout means: the last (falsy) answer comes back and the caller says what it waited for.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


def until(probe: Callable[[], T], budget: float, interval: float = 0.02) -> T:
    """Call `probe` until it answers truthy or `budget` seconds passed; its last answer.

    >>> answers = iter([0, 0, 7])
    >>> until(lambda: next(answers), budget=1.0, interval=0.0)
    7
    >>> until(lambda: None, budget=0.0) is None
    True
    """
    deadline = time.monotonic() + budget
    while True:
        value = probe()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(interval)


def poll(
    attempt: Callable[[], T], done: Callable[[T], bool], budget: float, interval: float
) -> tuple[T, int]:
    """Call `attempt` until `done` says so or `budget` seconds passed; the last answer either way,
    with the number of attempts (for reports that say how long convergence took)."""
    attempts = 0

    def probe() -> tuple[T, bool]:
        nonlocal attempts
        attempts += 1
        value = attempt()
        return value, done(value)

    deadline = time.monotonic() + budget
    while True:
        value, ok = probe()
        if ok or time.monotonic() + interval > deadline:
            return value, attempts
        time.sleep(interval)


async def until_async(probe: Callable[[], Awaitable[T]], budget: float, interval: float = 0.05) -> T:
    """`until` for a coroutine probe, sleeping without blocking the event loop."""
    deadline = time.monotonic() + budget
    while True:
        value = await probe()
        if value or time.monotonic() >= deadline:
            return value
        await asyncio.sleep(interval)
