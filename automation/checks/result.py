"""One shape for every check: verify, check and drift all report `{"ok", "results": [...]}`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class CheckResult:
    name: str
    host: str
    ok: bool
    detail: str

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "host": self.host, "ok": self.ok, "detail": self.detail}


@dataclass
class CheckReport:
    results: list[CheckResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        # No result at all is a failure: a check that saw nothing proved nothing.
        return bool(self.results) and all(r.ok for r in self.results)

    def as_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "results": [r.as_json() for r in self.results]}
