"""A Nornir object for a site and a target: the inventory files, credentials and endpoints.

The inventory files are the one source of truth for hosts. A target only changes where each
host is reached: the embedded lab maps every device to a loopback endpoint; a user's GNS3 or CML
lab reaches the in-band management addresses written in hosts.yaml.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from nornir import InitNornir
from nornir.core import Nornir

from automation.secrets import Credentials


def init_nornir(
    site_dir: Path,
    credentials: Credentials,
    endpoints: Mapping[str, tuple[str, int]] | None = None,
    num_workers: int = 20,
) -> Nornir:
    nr = InitNornir(
        runner={"plugin": "threaded", "options": {"num_workers": num_workers}},
        inventory={
            "plugin": "SimpleInventory",
            "options": {
                "host_file": str(site_dir / "hosts.yaml"),
                "group_file": str(site_dir / "groups.yaml"),
                "defaults_file": str(site_dir / "defaults.yaml"),
            },
        },
        logging={"enabled": False},
    )
    for name, host in nr.inventory.hosts.items():
        host.username = credentials.username
        host.password = credentials.password
        if endpoints and name in endpoints:
            host.hostname, host.port = endpoints[name]
    return nr


def ios_devices(nr: Nornir) -> Nornir:
    """Only the hosts that speak IOS (routers and switches)."""
    return nr.filter(filter_func=lambda h: h.platform == "cisco_ios")
