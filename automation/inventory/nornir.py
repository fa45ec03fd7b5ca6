"""A Nornir object for a site and a target: the inventory files, credentials and endpoints.

The inventory files are the one source of truth for hosts. A target only changes where each
host is reached (its provider's `endpoints()`): the embedded lab maps every device to a loopback
endpoint, the static target to the endpoints file; GNS3 and CML keep hosts.yaml's in-band
management addresses.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from nornir import InitNornir
from nornir.core import Nornir
from nornir.core.inventory import ConnectionOptions

from automation.errors import UsageError
from automation.models.design import Site
from automation.providers.base import Endpoint
from automation.secrets import Credentials, device_credentials, enable_secret


def init_nornir(
    site_dir: Path,
    credentials: Credentials,
    endpoints: Mapping[str, Endpoint] | None = None,
    num_workers: int = 20,
    session_log_dir: Path | None = None,
    secret: str | None = None,
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
        if session_log_dir is not None or secret is not None:
            options = host.get_connection_parameters("netmiko")
            extras = dict(options.extras or {})
            if session_log_dir is not None:
                # netmiko masks the password and enable secret in its session logs.
                extras["session_log"] = str(session_log_dir / f"{name}.log")
            if secret is not None:
                extras["secret"] = secret  # the enable secret, for a login below privilege 15
            host.connection_options["netmiko"] = ConnectionOptions(
                hostname=options.hostname,
                port=options.port,
                username=options.username,
                password=options.password,
                platform=options.platform,
                extras=extras,
            )
    return nr


def limit_hosts(nr: Nornir, limit: str | None) -> Nornir:
    """Only the named hosts (comma separated); an unknown name is a usage error, not a no-op."""
    if not limit:
        return nr
    wanted = [h.strip() for h in limit.split(",") if h.strip()]
    unknown = [h for h in wanted if h not in nr.inventory.hosts]
    if unknown:
        raise UsageError(f"--limit names unknown hosts {unknown}; use names from hosts.yaml")
    return nr.filter(filter_func=lambda h: h.name in wanted)


def ios_devices(nr: Nornir) -> Nornir:
    """Only the hosts that speak IOS (routers and switches)."""
    return nr.filter(filter_func=lambda h: h.platform == "cisco_ios")


def device_nornir(
    site: Site, endpoints: Mapping[str, Endpoint] | None, session_log_dir: Path | None = None
) -> Nornir:
    """The site's IOS devices, reached at `endpoints`, logged in with the device credentials."""
    nr = init_nornir(
        site.directory, device_credentials(), endpoints, session_log_dir=session_log_dir,
        secret=enable_secret(),
    )  # fmt: skip
    return ios_devices(nr)
