"""Errors of the emulator that callers (CLI, lab) may want to tell apart."""

from __future__ import annotations

from automation.errors import AutomationError


class EmulatorError(AutomationError):
    """The emulator cannot start or serve a device as asked (port in use, bad config file...)."""
