"""The Ansible inventory exported from the site (one source of truth: the Nornir inventory plus
the site's design):

    all:
      children:
        servers:            # Nornir group `servers` (platform linux): SSH as root
          hosts: {DNS: {ansible_host, ansible_port, mt_site, mt_server, mt_dns, mt_mail, mt_web}}
          children: {dns_servers: ..., mail_servers: ..., web_servers: ...}   # from data.services
        routers:            # Nornir groups with platform cisco_ios: network_cli
          hosts: {R1: {ansible_host, ansible_port, mt_ios_config_file}}
        switches: ...

A lab target's endpoints (`{node: (host, port)}` from the lab's status) replace the management
addresses. Every value that comes from the site is written with YAML's `!unsafe` tag: Ansible
treats inventory strings as templates, and site data must stay data (a web title holding
`{{ lookup('pipe', ...) }}` would otherwise run a command on this machine).

Passwords are never written: the inventory asks the playbooks' `mastertech_secret` lookup, which
reads the environment or the vault when Ansible connects.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from automation.errors import UsageError
from automation.models.design import Site
from automation.render.linux import server_context

log = logging.getLogger(__name__)

PROJECT_DIR = Path(__file__).resolve().parents[2]
PLAYBOOKS_DIR = PROJECT_DIR / "playbooks"
SECRET = "{{ lookup('mastertech_secret', '%s') }}"
SERVICE_GROUPS = {"dns": "dns_servers", "mail": "mail_servers", "web": "web_servers"}
IOS_PLATFORMS = {"cisco_ios"}
SERVER_PLATFORMS = {"linux"}

Endpoints = Mapping[str, tuple[str, int]]


class Unsafe(str):
    """A string Ansible must never template: written to the inventory as `!unsafe`."""


def unsafe(value: Any) -> Any:
    """`value` with every string in it (keys excepted: Ansible never templates them) made Unsafe.

    >>> unsafe({"a": ["{{ x }}", 1]})["a"][0].__class__.__name__
    'Unsafe'
    """
    if isinstance(value, str):
        return Unsafe(value)
    if isinstance(value, dict):
        return {key: unsafe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [unsafe(item) for item in value]
    return value


class _InventoryDumper(yaml.SafeDumper):
    """SafeDumper that writes `Unsafe` strings with Ansible's `!unsafe` tag."""


_InventoryDumper.add_representer(Unsafe, lambda dumper, data: dumper.represent_scalar("!unsafe", str(data)))

# IOS configs never hold Jinja2 delimiters; one that does came from hostile data.
_JINJA_DELIMITERS = ("{{", "{%", "{#")


@dataclass(frozen=True)
class _NornirHost:
    name: str
    hostname: str
    port: int | None
    platform: str | None
    groups: tuple[str, ...]
    services: tuple[str, ...]


def _nornir_hosts(site: Site) -> list[_NornirHost]:
    from nornir.plugins.inventory.simple import SimpleInventory

    directory = site.directory
    inv = SimpleInventory(
        host_file=str(directory / "hosts.yaml"),
        group_file=str(directory / "groups.yaml"),
        defaults_file=str(directory / "defaults.yaml"),
    ).load()
    hosts = []
    for name, host in inv.hosts.items():
        services = host.get("services") or ()
        hosts.append(
            _NornirHost(
                name=name,
                hostname=str(host.hostname or name),
                port=host.port,
                platform=host.platform,
                groups=tuple(g.name for g in host.groups),
                services=tuple(str(s) for s in services),
            )
        )
    return hosts


def _ios_hostvars(site: Site, name: str, config_dir: Path) -> dict[str, Any]:
    """The intended config as a file (what `show running-config` must show, so that
    ios_config's line match is idempotent) and the interfaces to bring up: IOS never prints
    `no shutdown`, so it goes through ios_interfaces, which reads the state instead."""
    from automation.render import render_device, render_intended

    config_dir.mkdir(parents=True, exist_ok=True)
    path = config_dir / f"{name}.cfg"
    config = render_intended(site, name)
    # ios_config reads `src` as a template (ansible-core 2.19 and later leave a file's text alone,
    # older ones render it): a config with template syntax is refused whatever the version.
    if any(marker in config for marker in _JINJA_DELIMITERS):
        raise UsageError(
            f"{site.directory}: the config of {name} holds template syntax ({{{{, {{% or {{#); "
            "remove it from the site's names and descriptions"
        )
    path.write_text(config, encoding="utf-8")
    enabled: list[str] = []
    current: str | None = None
    for line in render_device(site, name).splitlines():
        if line.startswith("interface "):
            current = line.split(None, 1)[1]
        elif line.strip() == "no shutdown" and current:
            enabled.append(current)
        elif not line.startswith(" "):
            current = None
    return {"mt_ios_config_file": str(path), "mt_ios_enabled_interfaces": enabled}


def export_inventory(
    site: Site,
    *,
    endpoints: Endpoints | None = None,
    config_dir: Path | None = None,
) -> dict[str, Any]:
    """The Ansible inventory of a site as a dict (YAML-ready). See the module docstring.

    `endpoints` maps node names to the (host, port) a lab target gives them; nodes not in it keep
    their Nornir hostname and port. With `config_dir`, each IOS device's rendered configuration is
    written there as <DEVICE>.cfg for network.yml; without it, IOS hosts get no config file.
    """
    endpoints = endpoints or {}
    children: dict[str, Any] = {}
    servers: dict[str, Any] = {}
    service_members: dict[str, dict[str, Any]] = {}
    for host in _nornir_hosts(site):
        hostvars: dict[str, Any] = {}
        host_addr, port = endpoints.get(host.name, (host.hostname, host.port or 22))
        hostvars["ansible_host"] = Unsafe(host_addr)
        hostvars["ansible_port"] = int(port)
        if host.platform in SERVER_PLATFORMS:
            hostvars.update(unsafe(server_context(site, host.name)))
            servers[host.name] = hostvars
            for service in host.services:
                group = SERVICE_GROUPS.get(service)
                if group is None:
                    raise UsageError(
                        f"{site.directory / 'hosts.yaml'}: {host.name}: unknown service {service!r}"
                    )
                service_members.setdefault(group, {})[host.name] = None
        elif host.platform in IOS_PLATFORMS:
            if config_dir is not None:
                hostvars.update(unsafe(_ios_hostvars(site, host.name, config_dir)))
            group = host.groups[0] if host.groups else "ios"
            entry = children.setdefault(group, {"vars": _ios_vars(), "hosts": {}})
            entry["hosts"][host.name] = hostvars
        else:
            log.debug("%s: platform %s is not managed with Ansible", host.name, host.platform)
    if servers:
        children["servers"] = {
            "vars": _server_vars(),
            "hosts": servers,
            "children": {group: {"hosts": members} for group, members in sorted(service_members.items())},
        }
    return {"all": {"vars": {"mt_site": Unsafe(site.name)}, "children": children}}


def _server_vars() -> dict[str, Any]:
    return {
        "ansible_connection": "ssh",
        "ansible_user": SECRET % "server_username",
        "ansible_password": SECRET % "server_password",
        "ansible_python_interpreter": "/usr/bin/python3",
        # Lab nodes get fresh host keys whenever they are rebuilt on the same loopback port.
        "ansible_ssh_common_args": "-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null",
        # The servers run Debian's init scripts without systemd (see automation/lab/servernode.py).
        "mt_service_manager": "sysvinit",
    }


def _ios_vars() -> dict[str, Any]:
    return {
        "ansible_connection": "ansible.netcommon.network_cli",
        "ansible_network_os": "cisco.ios.ios",
        "ansible_user": SECRET % "device_username",
        "ansible_password": SECRET % "device_password",
        "ansible_become": True,
        "ansible_become_method": "enable",
        "ansible_become_password": SECRET % "enable_secret",
    }


def write_inventory(
    site: Site, directory: Path, *, endpoints: Endpoints | None = None, with_ios_configs: bool = True
) -> Path:
    """Write hosts.yml (and configs/<DEVICE>.cfg) into `directory`; returns the inventory file."""
    directory.mkdir(parents=True, exist_ok=True)
    inventory = export_inventory(
        site, endpoints=endpoints, config_dir=directory / "configs" if with_ios_configs else None
    )
    path = directory / "hosts.yml"
    header = f"# Ansible inventory of site {site.name}, exported by automation/ansible; do not edit.\n"
    text = yaml.dump(inventory, Dumper=_InventoryDumper, sort_keys=False, width=120)
    path.write_text(header + text, encoding="utf-8")
    return path
