"""The seam to server nodes (`automation.lab.servernode`, maintained on its own).

The module may be absent: the lab then gives servers their namespace and address only, and says
so in `lab status`. It is loaded by name so that the lab never depends on it at import time.
"""

from __future__ import annotations

import importlib
import logging
from pathlib import Path
from typing import Any, Protocol, cast

from automation.models.design import ServerDesign

log = logging.getLogger(__name__)

MODULE = "automation.lab.servernode"


class ServerNodeLike(Protocol):
    def start(self) -> None: ...

    def ssh_endpoint(self) -> tuple[str, int]: ...

    def stop(self) -> None: ...

    # Supervision (see automation.lab.supervisor).
    def alive(self) -> bool: ...

    def revive(self) -> None: ...

    def service_running(self, service: str) -> bool: ...

    def start_service(self, service: str) -> None: ...

    @property
    def pid(self) -> int | None: ...

    @property
    def pid_start(self) -> int | None: ...


class ServerNodeClass(Protocol):
    def __call__(self, *, name: str, netns: str, lab_dir: Path, design: ServerDesign) -> ServerNodeLike: ...

    def cleanup(self, lab_dir: Path) -> None: ...


def server_node_class() -> tuple[ServerNodeClass | None, str | None]:
    """The ServerNode class, or None and the reason it is not there."""
    try:
        module = importlib.import_module(MODULE)
    except ImportError as exc:
        return None, f"server services are not available ({MODULE}: {exc}); servers have their address only"
    cls: Any = getattr(module, "ServerNode", None)
    if cls is None:
        return None, f"{MODULE} has no ServerNode; servers have their address only"
    return cast(ServerNodeClass, cls), None


def cleanup_servers(lab_dir: Path) -> None:
    cls, _ = server_node_class()
    if cls is None:
        return
    try:
        cls.cleanup(lab_dir)
    except Exception:  # a broken server module must not stop the rest of the teardown
        log.exception("server node cleanup failed in %s", lab_dir)
