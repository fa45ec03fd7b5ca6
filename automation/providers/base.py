"""The `LabProvider` protocol: a place where a site's network runs. The shapes it reports live in
`automation.status` and are named here too."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from automation.status import DEGRADED, FAILED, OK, Endpoint, Health, LabStatus, NodeStatus

if TYPE_CHECKING:
    from automation.checks.hosts import HostRunner

__all__ = [
    "DEGRADED", "FAILED", "OK", "ConsoleCommand", "Endpoint", "Health", "LabProvider", "LabStatus",
    "NodeStatus",
]  # fmt: skip


@dataclass(frozen=True)
class ConsoleCommand:
    """What to exec to reach a node's console: the CLI replaces itself with it."""

    argv: tuple[str, ...]
    env: dict[str, str] = field(default_factory=dict)


class LabProvider(Protocol):
    """A place where a site's network runs: built, inspected, reached and removed."""

    name: str

    def up(self) -> LabStatus:
        """Make the lab ready (build it, or make sure it answers) and return once every node is
        reachable. A lab that is already running is reused."""
        ...

    def down(self, wipe: bool = False) -> list[str]:
        """Remove the lab; `wipe` also forgets the devices' startup configs."""
        ...

    def status(self) -> LabStatus: ...

    def endpoints(self) -> dict[str, Endpoint]:
        """Management endpoints to reach nodes at, instead of hosts.yaml's addresses (empty:
        hosts.yaml as written)."""
        ...

    def runner(self) -> HostRunner:
        """Runs the end-to-end probes on a PC or test host of the site."""
        ...

    def console(self, node: str) -> ConsoleCommand: ...
