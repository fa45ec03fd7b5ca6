"""Where the end-to-end probes run: the host runner seam.

A runner takes a host name (a PC of the site), a probe kind and its JSON arguments, runs
`automation.checks.probe` on that host and returns the probe's JSON answer. A host that cannot be
reached answers `{"error": ..., "unreachable": True}`, so its checks fail with its name.

- `NamespaceRunner`: the embedded lab, in the PC's network namespace on this machine.
- `SshRunner`: any target, over SSH (paramiko) with the Linux hosts' login
  (`automation.secrets.server_credentials`, root by default). The host needs
  only a POSIX shell and python3: the probe's own source is sent with the command, base64-encoded,
  and its arguments on stdin.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import shlex
import subprocess
import sys
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

import paramiko

from automation.checks import probe
from automation.status import Endpoint

log = logging.getLogger(__name__)

PROBE_SCRIPT = Path(probe.__file__).resolve()  # standard library only: runs anywhere as a script
PROBE_TIMEOUT = 120.0  # seconds for one probe; a DNS or mail probe that hangs gives up well before
CONNECT_TIMEOUT = 10.0  # seconds for one host's SSH connection and login
HOST_USER = "root"  # PCs, test hosts and servers are logged into as root, like Ansible does


class HostRunner(Protocol):
    """Runs one probe on a host; `close()` releases whatever connections it kept."""

    def __call__(self, host: str, kind: str, args: dict[str, Any]) -> dict[str, Any]: ...

    def close(self) -> None: ...


def _answer(stdout: str, stderr: str, status: int) -> dict[str, Any]:
    lines = stdout.strip().splitlines()
    if status != 0 or not lines:
        return {"error": stderr.strip()[-500:] or f"probe exited with status {status}"}
    try:
        result: dict[str, Any] = json.loads(lines[-1])
    except json.JSONDecodeError:
        return {"error": f"probe printed no JSON: {lines[-1][:200]!r}"}
    return result


class NamespaceRunner:
    """Run the probe script in a host's namespace with this interpreter, isolated from the project."""

    via = "netns"

    def __init__(self, netns: Mapping[str, str]) -> None:
        self.netns = dict(netns)
        self._env = dict(os.environ)

    def __call__(self, host: str, kind: str, args: dict[str, Any]) -> dict[str, Any]:
        if host not in self.netns:
            return {"error": f"{host} has no namespace in this lab", "unreachable": True}
        argv = [
            "ip",
            "netns",
            "exec",
            self.netns[host],
            # The probe is standard library only: run as a script in isolated mode it starts in
            # about a third of the time `-m automation.checks.probe` takes (no package import).
            sys.executable,
            "-I",
            str(PROBE_SCRIPT),
            kind,
        ]
        try:
            proc = subprocess.run(
                argv,
                input=json.dumps(args),
                capture_output=True,
                text=True,
                timeout=PROBE_TIMEOUT,
                env=self._env,
            )
        except FileNotFoundError:
            return {
                "error": f"{host}: `ip` is not installed here; cannot enter its namespace",
                "unreachable": True,
            }
        except subprocess.TimeoutExpired:
            return {"error": f"{host}: no answer within {PROBE_TIMEOUT:.0f} s"}
        return _answer(proc.stdout, proc.stderr, proc.returncode)

    def close(self) -> None:
        """Nothing is kept between probes."""


def probe_command(kind: str) -> str:
    """The shell command that runs the probe `kind` with the remote host's python3."""
    source = base64.b64encode(PROBE_SCRIPT.read_bytes()).decode()
    code = f"import base64;exec(compile(base64.b64decode('{source}'),'mastertech-probe','exec'))"
    return f"python3 -c {shlex.quote(code)} {shlex.quote(kind)}"


class SshRunner:
    """Run probes on hosts over SSH; one connection per host, kept for the runner's life.

    Host keys are not pinned: a lab's hosts get fresh keys whenever they are rebuilt (as with the
    Ansible inventory's `StrictHostKeyChecking=no`).
    """

    via = "ssh"

    def __init__(self, endpoints: Mapping[str, Endpoint], password: str, user: str = HOST_USER) -> None:
        self.endpoints = dict(endpoints)
        self.user = user
        self._password = password
        self._clients: dict[str, paramiko.SSHClient] = {}
        self._failed: dict[str, str] = {}
        self._lock = threading.Lock()

    def _client(self, host: str) -> paramiko.SSHClient | str:
        if host in self._failed:
            return self._failed[host]
        if host in self._clients:
            return self._clients[host]
        endpoint = self.endpoints.get(host)
        if endpoint is None:
            self._failed[host] = f"{host}: no SSH endpoint on this target; give it one in an endpoints file"
            return self._failed[host]
        client = paramiko.SSHClient()
        client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
        try:
            client.connect(
                endpoint.host, endpoint.port, username=self.user, password=self._password,
                timeout=CONNECT_TIMEOUT, banner_timeout=CONNECT_TIMEOUT, auth_timeout=CONNECT_TIMEOUT,
                allow_agent=False, look_for_keys=False,
            )  # fmt: skip
        except (OSError, paramiko.SSHException) as exc:
            client.close()
            reason = str(exc) or type(exc).__name__
            self._failed[host] = (
                f"{host}: cannot log in over SSH at {endpoint.host}:{endpoint.port}: {reason}"
            )
            log.warning("%s", self._failed[host])
            return self._failed[host]
        self._clients[host] = client
        return client

    def __call__(self, host: str, kind: str, args: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            client = self._client(host)
        if isinstance(client, str):
            return {"error": client, "unreachable": True}
        try:
            stdin, stdout, stderr = client.exec_command(probe_command(kind), timeout=PROBE_TIMEOUT)
            stdin.write(json.dumps(args))
            stdin.channel.shutdown_write()
            out = stdout.read().decode(errors="replace")
            err = stderr.read().decode(errors="replace")
            status = stdout.channel.recv_exit_status()
        except (OSError, paramiko.SSHException) as exc:
            return {"error": f"{host}: SSH session failed: {exc or type(exc).__name__}"}
        return _answer(out, err, status)

    def close(self) -> None:
        with self._lock:
            for client in self._clients.values():
                client.close()
            self._clients.clear()
