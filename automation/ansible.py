"""Ansible for the toolkit: an inventory exported from the site, and playbooks run with ansible-runner.

One source of truth: the Nornir inventory of the site (hosts, groups, platforms, `data.services`)
plus the site's design. `export_inventory` turns both into an Ansible YAML inventory:

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

`run_playbook` runs one playbook of playbooks/ in a private data directory, streams progress to a
callback and returns a typed per-host summary.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from automation.errors import AutomationError, UsageError
from automation.models.design import Site
from automation.render.linux import server_context

log = logging.getLogger(__name__)

PROJECT_DIR = Path(__file__).resolve().parents[1]
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


class AnsibleRunError(AutomationError):
    """A playbook could not be run at all (not: a host failed; that is in the summary)."""


# -- inventory -------------------------------------------------------------------------------


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
    header = f"# Ansible inventory of site {site.name}, exported by automation/ansible.py; do not edit.\n"
    text = yaml.dump(inventory, Dumper=_InventoryDumper, sort_keys=False, width=120)
    path.write_text(header + text, encoding="utf-8")
    return path


# -- running ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProgressEvent:
    """One step of a run as people want to see it: a task started, or a host's result of it."""

    kind: str  # "task", "ok", "changed", "failed", "unreachable", "skipped"
    task: str
    host: str | None = None
    message: str | None = None


@dataclass(frozen=True)
class HostSummary:
    host: str
    ok: int
    changed: int
    failed: int
    unreachable: int
    skipped: int
    changed_tasks: tuple[str, ...] = ()
    failed_tasks: tuple[str, ...] = ()  # "task: message", the message cut short and never a no_log one

    @property
    def succeeded(self) -> bool:
        return self.failed == 0 and self.unreachable == 0


@dataclass(frozen=True)
class PlaybookResult:
    playbook: str
    status: str  # ansible-runner's: successful, failed, timeout, canceled
    rc: int
    seconds: float
    hosts: tuple[HostSummary, ...]
    check: bool = False

    @property
    def ok(self) -> bool:
        return self.status == "successful" and all(h.succeeded for h in self.hosts)

    @property
    def changed(self) -> int:
        return sum(h.changed for h in self.hosts)

    def host(self, name: str) -> HostSummary:
        for summary in self.hosts:
            if summary.host == name:
                return summary
        raise KeyError(name)


@dataclass
class _Collector:
    on_event: Callable[[ProgressEvent], None] | None
    changed: dict[str, list[str]] = field(default_factory=dict)
    failed: dict[str, list[str]] = field(default_factory=dict)

    def __call__(self, event: dict[str, Any]) -> bool:
        kind = event.get("event", "")
        data = event.get("event_data") or {}
        task = str(data.get("task") or data.get("name") or "")
        host = str(data.get("host") or "")
        progress: ProgressEvent | None = None
        if kind == "playbook_on_task_start":
            progress = ProgressEvent("task", task)
        elif kind == "runner_on_ok":
            changed = bool((data.get("res") or {}).get("changed"))
            if changed:
                self.changed.setdefault(host, []).append(task)
            progress = ProgressEvent("changed" if changed else "ok", task, host)
        elif kind == "runner_on_failed" and not data.get("ignore_errors"):
            progress = ProgressEvent("failed", task, host, _message(data))
            self.failed.setdefault(host, []).append(f"{task}: {progress.message}")
        elif kind == "runner_on_unreachable":
            progress = ProgressEvent("unreachable", task, host, _message(data))
            self.failed.setdefault(host, []).append(f"{task}: {progress.message}")
        elif kind == "runner_on_skipped":
            progress = ProgressEvent("skipped", task, host)
        if progress is not None:
            if host:
                log.debug("%s: %s %s", progress.host, progress.kind, progress.task)
            if self.on_event is not None:
                self.on_event(progress)
        return True  # keep the event in the artifacts


def _message(data: dict[str, Any]) -> str | None:
    res = data.get("res") or {}
    if res.get("_ansible_no_log") or res.get("censored"):
        return "output hidden (no_log)"
    msg = res.get("msg") or res.get("stderr") or ""
    return str(msg)[:500] or None


def _runner_env(data_dir: Path) -> dict[str, str]:
    venv_bin = str(Path(sys.executable).parent)
    extra = {k: v for k, v in os.environ.items() if k.startswith(("ANSIBLE_", "MASTERTECH_"))}
    return extra | {
        "PATH": os.pathsep.join([venv_bin, os.environ.get("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")]),
        "ANSIBLE_CONFIG": str(PLAYBOOKS_DIR / "ansible.cfg"),
        "ANSIBLE_HOST_KEY_CHECKING": "False",
        "ANSIBLE_RETRY_FILES_ENABLED": "False",
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_LOOKUP_PLUGINS": str(PLAYBOOKS_DIR / "lookup_plugins"),
        "ANSIBLE_ROLES_PATH": str(PLAYBOOKS_DIR / "roles"),
        # Keep SSH multiplexing sockets (and their masters) inside the run's own directory, so
        # that they are found and closed when the run ends.
        "ANSIBLE_SSH_CONTROL_PATH_DIR": str(data_dir / "cp"),
        "ANSIBLE_LOCAL_TEMP": str(data_dir / "tmp"),
        "ANSIBLE_PERSISTENT_CONTROL_PATH_DIR": str(data_dir / "pc"),
    }


@contextlib.contextmanager
def _data_dir(base: Path | None) -> Iterator[Path]:
    if base is not None:
        path = base / "ansible"
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        yield path
        return
    path = Path(tempfile.mkdtemp(prefix="mastertech-ansible-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def _close_ssh_masters(control_dir: Path) -> None:
    """Stop the SSH ControlPersist masters of a finished run (they would linger for a minute)."""
    if not control_dir.is_dir():
        return
    for sock in control_dir.iterdir():
        subprocess.run(
            ["ssh", "-o", f"ControlPath={sock}", "-O", "exit", "mastertech-lab"],
            capture_output=True, timeout=10, check=False,
        )  # fmt: skip


def run_playbook(
    site: Site,
    playbook: str,
    *,
    endpoints: Endpoints | None = None,
    inventory: Path | None = None,
    limit: Sequence[str] | None = None,
    check: bool = False,
    diff: bool = False,
    data_dir: Path | None = None,
    on_event: Callable[[ProgressEvent], None] | None = None,
    timeout: int | None = None,
) -> PlaybookResult:
    """Run playbooks/<playbook> against the site and summarise it per host.

    The inventory is exported from the site (with the lab's `endpoints`) unless `inventory` names
    one. `data_dir` (a lab directory) keeps the run's artifacts under <data_dir>/ansible; without
    it a temporary directory is used and removed. `check` and `diff` are Ansible's --check and
    --diff: drift detection runs `check=True, diff=True` and reads `changed` per host.
    """
    import ansible_runner

    if not (PLAYBOOKS_DIR / playbook).is_file():
        known = ", ".join(sorted(p.name for p in PLAYBOOKS_DIR.glob("*.yml")))
        raise UsageError(f"no playbook {playbook!r} in {PLAYBOOKS_DIR} (known: {known})")
    with _data_dir(data_dir) as pdd:
        inv = inventory or write_inventory(site, pdd / "inventory", endpoints=endpoints)
        for sub in ("cp", "tmp", "pc"):
            (pdd / sub).mkdir(exist_ok=True, mode=0o700)
        # ansible-runner keeps a run's settings in env/ and reads them back when a later call
        # leaves them out (a --check would stick to every following run): start each run clean.
        shutil.rmtree(pdd / "env", ignore_errors=True)
        cmdline = " ".join(flag for flag, on in (("--check", check), ("--diff", diff)) if on)
        collector = _Collector(on_event)
        log.info("ansible: %s on site %s%s", playbook, site.name, " (check mode)" if check else "")
        t0 = time.monotonic()
        try:
            runner = ansible_runner.run(
                private_data_dir=str(pdd),
                project_dir=str(PLAYBOOKS_DIR),
                playbook=playbook,
                inventory=str(inv),
                limit=",".join(limit) if limit else None,
                cmdline=cmdline or None,
                envvars=_runner_env(pdd),
                event_handler=collector,
                quiet=True,
                timeout=timeout,
                rotate_artifacts=5,
                settings={"suppress_ansible_output": True},
            )
        except Exception as exc:  # ansible-runner raises plain exceptions for setup problems
            raise AnsibleRunError(f"ansible-runner could not run {playbook}: {exc}") from exc
        finally:
            _close_ssh_masters(pdd / "cp")
        seconds = time.monotonic() - t0
        stats: dict[str, dict[str, int]] = runner.stats or {}
        names = sorted({h for counts in stats.values() if isinstance(counts, dict) for h in counts})
        hosts = tuple(
            HostSummary(
                host=name,
                ok=stats.get("ok", {}).get(name, 0),
                changed=stats.get("changed", {}).get(name, 0),
                failed=stats.get("failures", {}).get(name, 0),
                unreachable=stats.get("dark", {}).get(name, 0),
                skipped=stats.get("skipped", {}).get(name, 0),
                changed_tasks=tuple(collector.changed.get(name, ())),
                failed_tasks=tuple(collector.failed.get(name, ())),
            )
            for name in names
        )
        result = PlaybookResult(
            playbook=playbook, status=str(runner.status), rc=int(runner.rc or 0), seconds=seconds,
            hosts=hosts, check=check,
        )  # fmt: skip
        log.info("ansible: %s %s in %.1f s (%d changed)", playbook, result.status, seconds, result.changed)
        return result
