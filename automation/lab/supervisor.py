"""Supervision: every daemon the lab started is watched, restarted with back-off, and counted.

A real router restarts a crashed routing process and logs it; a server restarts a service that
died. The controller registers each daemon it starts as a `Daemon` (how to tell it is alive, how
to start it again) and calls `Supervisor.check` a few times a second. A dead daemon is restarted
at once the first time and after a growing pause when it keeps dying; one that dies again and
again (`GIVE_UP` times without staying up `STABLE` seconds in between) is left alone and its
node is `failed`. Each node's `Health` says what happened: `ok`, `degraded` (a daemon down or
restarted in the last `RECENT` seconds, or the data plane refused part of its configuration)
or `failed`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from automation.status import DEGRADED, FAILED, OK, Health

log = logging.getLogger(__name__)

BACKOFF = (0.0, 0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0)  # pause before the Nth restart in a row
STABLE = 30.0  # seconds up after which a daemon's back-off starts over
GIVE_UP = 6  # restarts in a row that did not stay up: the daemon is left down, its node failed
RECENT = 60.0  # seconds a restart keeps its node degraded


@dataclass
class Daemon:
    """One supervised process (or listener) of a node."""

    node: str
    name: str
    alive: Callable[[], bool]
    restart: Callable[[], None]
    # Seconds it may be missing before it counts as dead: a service that its own tools restart
    # (Ansible's `service ... restart`) is briefly gone, and must not be started twice.
    grace: float = 0.0
    restarts: int = 0
    streak: int = 0
    down_since: float | None = None
    last_restart: float | None = None
    failed: str | None = None
    last_error: str | None = None


class Supervisor:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.daemons: dict[tuple[str, str], Daemon] = {}
        self.stopped = False

    def watch(self, daemon: Daemon) -> None:
        """Supervise `daemon` (replacing a watch of the same node and name, keeping its counts)."""
        old = self.daemons.get((daemon.node, daemon.name))
        if old is not None:
            daemon.restarts, daemon.streak, daemon.last_restart = old.restarts, old.streak, old.last_restart
        self.daemons[(daemon.node, daemon.name)] = daemon

    def check(self) -> bool:
        """One pass over every daemon; True when something was restarted or given up."""
        changed = False
        for d in list(self.daemons.values()):
            if self.stopped:
                break
            changed = self._check(d) or changed
        return changed

    def stop(self) -> None:
        """No more restarts: the lab is going down (a pass under way ends at its next daemon)."""
        self.stopped = True

    def _check(self, d: Daemon) -> bool:
        if d.failed is not None:
            return False
        now = self.clock()
        if _alive(d):
            d.down_since = None
            if d.streak and d.last_restart is not None and now - d.last_restart > STABLE:
                d.streak = 0
            return False
        if d.down_since is None:
            d.down_since = now
            log.warning("%s: %s is not running", d.node, d.name)
        if now - d.down_since < d.grace:
            return False
        if d.streak >= GIVE_UP:
            d.failed = f"{d.name} gave up after {d.restarts} restarts" + (
                f": {d.last_error}" if d.last_error else ""
            )
            log.error("%s: %s", d.node, d.failed)
            return True
        pause = BACKOFF[min(d.streak, len(BACKOFF) - 1)]
        if d.last_restart is not None and now - d.last_restart < pause:
            return False
        d.restarts += 1
        d.streak += 1
        d.last_restart = now
        try:
            d.restart()
            d.last_error = None
            d.down_since = None
            log.warning("%s: %s restarted (%dx)", d.node, d.name, d.restarts)
        except Exception as exc:  # the next pass tries again, after the back-off
            d.last_error = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            log.error("%s: restarting %s failed: %s", d.node, d.name, d.last_error)
        return True

    def health(self, node: str, problems: Iterable[str] = ()) -> Health:
        """`node`'s health from its daemons and `problems` (e.g. data-plane rejections)."""
        now = self.clock()
        daemons = [d for d in self.daemons.values() if d.node == node]
        restarts = {d.name: d.restarts for d in daemons if d.restarts}
        failed = [d.failed for d in daemons if d.failed]
        if failed:
            return Health(FAILED, tuple(failed), restarts)
        reasons: list[str] = []
        for d in daemons:
            if d.down_since is not None and now - d.down_since >= d.grace:
                reasons.append(f"{d.name} down, restarting" + (f" ({d.last_error})" if d.last_error else ""))
            elif d.last_restart is not None and now - d.last_restart < RECENT:
                reasons.append(f"{d.name} restarted {d.restarts}x")
        reasons += list(problems)
        return Health(DEGRADED if reasons else OK, tuple(reasons), restarts)


def _alive(d: Daemon) -> bool:
    try:
        return d.alive()
    except Exception as exc:  # a check that cannot tell says "not running"
        d.last_error = str(exc)
        return False


def lab_phase(health: Iterable[Health]) -> str:
    """`ready` when every node is ok, else `degraded`."""
    return "ready" if all(h.state == OK for h in health) else "degraded"
