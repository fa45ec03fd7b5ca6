"""The shapes every target reports: where a node answers SSH (`Endpoint`), how it fares
(`Health`), and the lab's status (`NodeStatus`, `LabStatus`). They sit below the providers, the
lab and the checks, which all speak them.

`LabStatus.as_json()` is the `lab status --json` contract (ARCHITECTURE §7):
`{"site", "phase", "nodes": [{"name", "kind", "netns", "mgmt": {"host", "port"} | null,
"department", "mail", "addresses": [cidr, ...], "health": {"state", "reasons": [...],
"restarts": {daemon: n}} | null}]}`. `phase` is `ready` only when every node is `ok`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple


class Endpoint(NamedTuple):
    """Where a node answers SSH. A tuple, so that `host, port = endpoint` reads naturally and every
    consumer that takes `(host, port)` pairs (Ansible's inventory export) takes it as it is."""

    host: str
    port: int


OK, DEGRADED, FAILED = "ok", "degraded", "failed"


@dataclass(frozen=True)
class Health:
    """How a node fares: `ok`, `degraded` (with why) or `failed`; restarts per daemon."""

    state: str
    reasons: tuple[str, ...] = ()
    restarts: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"state": self.state, "reasons": list(self.reasons), "restarts": dict(self.restarts)}

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Health:
        return cls(str(raw["state"]), tuple(raw.get("reasons", ())), dict(raw.get("restarts", {})))


@dataclass(frozen=True)
class NodeStatus:
    name: str
    kind: str  # router, switch, pc or server
    netns: str | None
    mgmt: Endpoint | None
    department: str | None
    mail: str | None
    addresses: tuple[str, ...]
    health: Health | None = None  # None: the target cannot tell (a lab it does not run)

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "netns": self.netns,
            "mgmt": {"host": self.mgmt.host, "port": self.mgmt.port} if self.mgmt else None,
            "department": self.department,
            "mail": self.mail,
            "addresses": list(self.addresses),
            "health": self.health.as_json() if self.health else None,
        }


@dataclass(frozen=True)
class LabStatus:
    site: str
    nodes: tuple[NodeStatus, ...]
    phase: str = "ready"
    notes: tuple[str, ...] = field(default=())

    def as_json(self) -> dict[str, Any]:
        return {"site": self.site, "phase": self.phase, "nodes": [n.as_json() for n in self.nodes]}

    def node(self, name: str) -> NodeStatus:
        for n in self.nodes:
            if n.name.lower() == name.lower():
                return n
        raise KeyError(name)
