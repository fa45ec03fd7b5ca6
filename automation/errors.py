"""The toolkit's exceptions: one root, a few meaningful kinds.

Each message says what is wrong, where (file and field when known) and what to do next; the CLI
prints them as clear lines and exits 2 for bad input, 1 for a failed check.
"""

from __future__ import annotations


class AutomationError(Exception):
    """Root of every error the toolkit raises on purpose."""


class SiteError(AutomationError):
    """A site's files are missing or invalid. Carries every problem found, not just the first."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class UsageError(AutomationError):
    """The command line asks for something that cannot be done as given."""


class LabError(AutomationError):
    """The embedded lab cannot be built, reached or torn down."""


class DeviceError(AutomationError):
    """A device refused, rejected a command or could not be reached."""
