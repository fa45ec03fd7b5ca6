"""Errors of the emulator that callers (CLI, lab) may want to tell apart."""

from __future__ import annotations

from automation.errors import AutomationError


class EmulatorError(AutomationError):
    """The emulator cannot start or serve a device as asked (port in use, bad config file...)."""


class DataPlaneRejected(Exception):
    """The data plane applied what it could of a configuration and refused `problems`: one line
    each, the IOS line and why (`'router ospf 2': the lab runs one OSPF process per router`)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = tuple(problems)
