"""Login protection, as IOS's `login block-for` and `ip ssh authentication-retries` do it.

- A connection that fails authentication `per_connection` times (IOS: 3) is disconnected.
- `attempts` failed logins within `within` seconds, from anywhere and for any user, put the device
  in quiet mode for `block_for` seconds: every new connection is refused, even with the right
  password. Quiet mode ends on its own; failures older than the window are forgotten.

The numbers are IOS-like defaults (`login block-for 60 attempts 5 within 60`); tests make them small.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class LoginPolicy:
    attempts: int = 5
    within: float = 60.0
    block_for: float = 60.0
    per_connection: int = 3

    def __post_init__(self) -> None:
        if self.attempts < 1 or self.per_connection < 1:
            raise ValueError("attempts and per_connection must be at least 1")
        if self.within <= 0 or self.block_for < 0:
            raise ValueError("within must be positive and block_for not negative")


class LoginGuard:
    """Failed-login bookkeeping of one device (shared by all its connections)."""

    def __init__(
        self, policy: LoginPolicy | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.policy = policy or LoginPolicy()
        self._clock = clock
        self._failures: deque[float] = deque()
        self._quiet_until = 0.0

    def quiet_for(self) -> float:
        """Seconds of quiet mode left; 0 when logins are accepted."""
        return max(0.0, self._quiet_until - self._clock())

    def failed(self) -> bool:
        """Record a failed login; True when it starts quiet mode."""
        now = self._clock()
        self._failures.append(now)
        while self._failures and self._failures[0] <= now - self.policy.within:
            self._failures.popleft()
        if len(self._failures) >= self.policy.attempts and now >= self._quiet_until:
            self._quiet_until = now + self.policy.block_for
            self._failures.clear()
            return True
        return False
