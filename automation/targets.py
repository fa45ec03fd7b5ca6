"""Where the devices of a site are reached, per target.

- `embedded`: the running embedded lab; every node's SSH endpoint is on 127.0.0.0/8, read from the
  lab's status (ARCHITECTURE §7 contract).
- `gns3`, `cml`: a user's lab whose devices answer on the in-band management addresses written
  in hosts.yaml (router Loopback0, switch management SVI, server address).
"""

from __future__ import annotations

from typing import Any

from automation.errors import UsageError
from automation.models.design import Site

TARGETS = ("embedded", "gns3", "cml")


def endpoints_from_status(status: dict[str, Any]) -> dict[str, tuple[str, int]]:
    """Management endpoints from a `lab status --json` document.

    >>> endpoints_from_status({"nodes": [{"name": "R1", "mgmt": {"host": "127.0.0.1", "port": 2201}},
    ...                                  {"name": "PC1", "mgmt": None}]})
    {'R1': ('127.0.0.1', 2201)}
    """
    return {n["name"]: (n["mgmt"]["host"], int(n["mgmt"]["port"])) for n in status["nodes"] if n.get("mgmt")}


def endpoints(site: Site, target: str) -> dict[str, tuple[str, int]] | None:
    """Endpoints to override hosts.yaml with, or None to use hosts.yaml as written."""
    if target not in TARGETS:
        raise UsageError(f"unknown target {target!r}; use one of {', '.join(TARGETS)}")
    if target != "embedded":
        return None
    from automation.lab.launcher import status

    return endpoints_from_status(status(site.name))
