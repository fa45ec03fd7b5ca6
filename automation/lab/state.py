"""Where a lab keeps its files, and the state file its controller writes for everyone else.

    <labs>/<site>/                 MASTERTECH_LAB_DIR, default /var/lib/mastertech/lab
        plan.json                  what to build: nodes, namespaces, cables, endpoints
        state.json                 the controller's record: pid, phase, namespaces, processes
        controller.log             the controller's own log
        run/                       daemon configs, leases, logs, PC scripts (removed by `lab down`)
        devices/<NODE>/            emulator NVRAM: startup-config, keys (kept unless --wipe)

The state file is rewritten atomically after every change the controller makes, so that
`lab down` can undo everything from it even after `kill -9` of the controller.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from automation.errors import LabError
from automation.lab.process import ProcessRecord

DEFAULT_LABS = Path("/var/lib/mastertech/lab")


def labs_dir() -> Path:
    return Path(os.environ.get("MASTERTECH_LAB_DIR") or DEFAULT_LABS)


@dataclass(frozen=True)
class LabPaths:
    root: Path

    @classmethod
    def for_site(cls, site: str) -> LabPaths:
        return cls(labs_dir() / site)

    @property
    def state(self) -> Path:
        return self.root / "state.json"

    @property
    def plan(self) -> Path:
        return self.root / "plan.json"

    @property
    def log(self) -> Path:
        return self.root / "controller.log"

    @property
    def run(self) -> Path:
        return self.root / "run"

    @property
    def last_run(self) -> Path:
        """The logs of the last lab that went down, for looking into a failed run afterwards."""
        return self.root / "last-run"

    @property
    def devices(self) -> Path:
        return self.root / "devices"

    def device(self, node: str) -> Path:
        return self.devices / node


class NodeRecord(BaseModel):
    name: str
    kind: str
    netns: str
    mgmt: dict[str, Any] | None = None
    department: str | None = None
    mail: str | None = None
    health: dict[str, Any] | None = None  # Health.as_json(): state, reasons, restarts
    init: dict[str, int] | None = None  # a server node's PID 1: {"pid", "start"}, for `lab exec`


class LabState(BaseModel):
    site: str
    phase: str = "starting"  # starting, ready (every node ok), degraded, stopping, failed
    error: str | None = None
    controller: ProcessRecord | None = None
    namespaces: list[str] = Field(default_factory=list)
    pathspaces: list[str] = Field(default_factory=list)
    processes: list[ProcessRecord] = Field(default_factory=list)
    nodes: list[NodeRecord] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)

    def to_json(self) -> str:
        return self.model_dump_json(indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str) -> LabState:
        return cls.model_validate_json(text)


class CorruptState(LabError):
    """The state file exists but cannot be read: say so, never take it for "no lab"."""


def write_state(paths: LabPaths, state: LabState) -> None:
    paths.root.mkdir(parents=True, exist_ok=True)
    tmp = paths.state.with_suffix(".tmp")
    tmp.write_text(state.to_json(), encoding="utf-8")
    os.replace(tmp, paths.state)


def read_state(paths: LabPaths) -> LabState | None:
    """The lab's state, None when there is no state file; CorruptState when it cannot be read."""
    try:
        return LabState.from_json(paths.state.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:  # pydantic's ValidationError is a ValueError
        why = str(exc).splitlines()[0]
        raise CorruptState(
            f"{paths.state}: the lab's state file cannot be read ({why}); "
            f"`mastertech lab down --site {paths.root.name}` removes what the lab left"
        ) from exc
