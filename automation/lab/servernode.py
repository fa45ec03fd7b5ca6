"""A Linux server of the embedded lab that looks like its own Debian host to Ansible.

Each node is the lab's network namespace for the server plus its own mount, PID, UTS and IPC
namespaces. Its root is an overlay whose lower layer is this machine's root and whose upper layer
lives in the lab directory, so packages and init scripts are the host's but every write (/etc,
/var, the services' state) lands in the node's upper layer and never on the host. /run, /tmp and
/dev are private tmpfs mounts; /proc and /sys are the node's own.

PID 1 of the node is a small shell init (written below) that builds that root, pivots into it,
starts sshd through Debian's own init script and then only reaps orphans. Killing it ends every
process of the node and, with the last of them, the node's mounts: nothing is mounted in the
root mount namespace, so a crash leaves at most processes, which `ServerNode.cleanup` finds by
the pid file.

Ansible reaches the node as root with the server password from `automation.secrets` (set in the
node's own /etc/shadow at start), through a loopback endpoint in the root namespace: a TCP
forwarder thread of the process that started the node, which opens each connection from inside
the node's network namespace to the node's own sshd (127.0.0.1:22 there) and to nothing else.

Services are started like on any Debian host without systemd: `service named restart`,
`service postfix reload` and so on, inside the node.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shlex
import signal
import socket
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path

from automation.errors import LabError
from automation.lab.budgets import BUDGETS, INTERVALS
from automation.lab.forwarder import Forwarder
from automation.models.design import ServerDesign
from automation.polling import until
from automation.secrets import linux_lab_credentials

log = logging.getLogger(__name__)

STATE_FILE = "node.json"
# Debian's init scripts and where each keeps its pid (inside the node).
SERVICE_PIDS = {
    "ssh": "/run/sshd.pid",
    "named": "/run/named/named.pid",
    "postfix": "/var/spool/postfix/pid/master.pid",
    "dovecot": "/run/dovecot/master.pid",
    "nginx": "/run/nginx.pid",
}
# The programs of a service whose orphans must go before it starts again, as systemd stops a
# unit's whole cgroup: nginx workers left by a killed master keep port 80. sshd's own children
# are users' sessions and stay (systemd's ssh unit does the same).
SERVICE_PROGRAMS = {
    "ssh": (),
    "named": ("/usr/sbin/named",),
    "postfix": ("/usr/lib/postfix/sbin/",),
    "dovecot": ("/usr/sbin/dovecot", "/usr/lib/dovecot/"),
    "nginx": ("/usr/sbin/nginx",),
}
_RESTART = (Path(__file__).parent / "templates" / "service-restart.sh").read_text(encoding="utf-8")
SERVERS_DIR = "servers"

# PID 1 of a node: a shell script, filled in with str.format (so its own braces are doubled).
_INIT = (Path(__file__).parent / "templates" / "server-init.sh").read_text(encoding="utf-8")


def _start_time(pid: int) -> int | None:
    """The process's start time in clock ticks: with the pid, it names one process for sure."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[19])


def _alive(pid: int, start: int | None) -> bool:
    return start is not None and _start_time(pid) == start


def _kill(pid: int, start: int | None, sig: int) -> None:
    if _alive(pid, start):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)


class ServerNode:
    """One lab server: start() makes it a reachable Debian host, stop() removes every trace but its files."""

    def __init__(self, name: str, netns: str, lab_dir: Path, design: ServerDesign) -> None:
        self.name = name
        self.netns = netns
        self.lab_dir = Path(lab_dir)
        self.design = design
        self.state_dir = self.lab_dir / SERVERS_DIR / name
        self._proc: subprocess.Popen[bytes] | None = None
        self._forwarder: Forwarder | None = None
        self._pid1: int | None = None
        self._pid1_start: int | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> None:
        """Boot the node and return once its sshd answers through the loopback endpoint."""
        if os.geteuid() != 0:
            raise LabError(f"{self.name}: server nodes need root (namespaces and mounts); run as root")
        netns_path = f"/run/netns/{self.netns}"
        if not Path(netns_path).exists():
            raise LabError(f"{self.name}: network namespace {self.netns!r} does not exist; create it first")
        if self._proc is not None:
            raise LabError(f"{self.name}: already started")
        self._boot(Forwarder(self.name, netns_path))

    def _boot(self, forwarder: Forwarder) -> None:
        """Start the node's init and wait for its sshd through `forwarder`."""
        netns_path = f"/run/netns/{self.netns}"
        self._kill_previous()
        for sub in ("upper", "work", "root"):
            (self.state_dir / sub).mkdir(parents=True, exist_ok=True)
        self._private_home()
        init = self.state_dir / "init"
        init.write_text(self._init_script(), encoding="utf-8")
        init.chmod(0o755)
        console = (self.state_dir / "console.log").open("ab")
        argv = [
            "nsenter", f"--net={netns_path}", "--",
            "unshare", "--mount", "--uts", "--ipc", "--pid", "--fork", "--kill-child",
            "--propagation", "private", "--", str(init),
        ]  # fmt: skip
        log.info("%s: starting server node in netns %s", self.name, self.netns)
        t0 = time.monotonic()
        self._proc = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=console, stderr=subprocess.STDOUT, start_new_session=True
        )
        console.close()
        try:
            self._pid1 = self._find_pid1(self._proc.pid)
            self._pid1_start = _start_time(self._pid1)
            self._write_state()
            self._forwarder = forwarder
            self._wait_ready(t0)
            self._set_root_password()
        except BaseException:
            self.stop()
            raise
        log.info(
            "%s: up in %.2f s, sshd at 127.0.0.1:%d", self.name, time.monotonic() - t0, self._forwarder.port
        )

    def ssh_endpoint(self) -> tuple[str, int]:
        if self._forwarder is None:
            raise LabError(f"{self.name}: not started")
        return ("127.0.0.1", self._forwarder.port)

    def stop(self) -> None:
        """Stop every process of the node (its mounts go with them) and close the endpoint."""
        if self._forwarder is not None:
            self._forwarder.close()
            self._forwarder = None
        if self._pid1 is not None:
            self._terminate(self._pid1, self._pid1_start)
        if self._proc is not None:
            try:
                self._proc.wait(timeout=BUDGETS.server_stop)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait(timeout=5)
            self._proc = None
        self._pid1 = self._pid1_start = None
        (self.state_dir / STATE_FILE).unlink(missing_ok=True)
        log.info("%s: stopped", self.name)

    # -- supervision -------------------------------------------------------------------------

    def alive(self) -> bool:
        """True while the node's init (and so the node) runs."""
        return self._pid1 is not None and _alive(self._pid1, self._pid1_start)

    def revive(self) -> None:
        """Boot a node whose init died, at the same endpoint; its files are as they were."""
        forwarder = self._forwarder
        if forwarder is None:
            raise LabError(f"{self.name}: not started")
        self._forwarder = None  # kept open across the reboot: the endpoint does not move
        self.stop()
        self._boot(forwarder)

    def service_running(self, service: str) -> bool:
        """Whether one of the node's services runs, from its pid file (no process started)."""
        if self._pid1 is None:
            return False
        try:
            pid = int(self.host_path(SERVICE_PIDS[service]).read_text(encoding="ascii").split()[0])
            stat = self.host_path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
        except (OSError, ValueError, IndexError):
            return False
        return stat[stat.rfind(")") + 2 :][:1] not in ("Z", "X")

    def start_service(self, service: str) -> None:
        """`service NAME start` inside the node, after its orphans are gone. Its output goes to a
        file: a daemon keeps the pipes it inherits open, and a captured run would wait for ever."""
        log_path = self.state_dir / "services.log"
        with log_path.open("ab") as out:
            try:
                proc = subprocess.run(
                    self._enter(["sh", "-c", _RESTART, "restart", service, *SERVICE_PROGRAMS[service]]),
                    stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                    timeout=BUDGETS.service_start, check=False,
                )  # fmt: skip
            except subprocess.TimeoutExpired as exc:
                why = f"service {service} start took over {BUDGETS.service_start:.0f} s"
                raise LabError(f"{self.name}: {why}") from exc
        if proc.returncode != 0:
            raise LabError(f"{self.name}: service {service} start exited {proc.returncode}; see {log_path}")

    @staticmethod
    def cleanup(lab_dir: Path) -> None:
        """Remove what server nodes of this lab left behind after a crash: processes, then mounts."""
        base = Path(lab_dir) / SERVERS_DIR
        for state in sorted(base.glob(f"*/{STATE_FILE}")):
            try:
                data = json.loads(state.read_text(encoding="utf-8"))
                pid1, start1 = int(data["pid1"]), data.get("pid1_start")
                outer, start_outer = int(data["unshare"]), data.get("unshare_start")
            except (OSError, ValueError, KeyError, TypeError):
                log.warning("%s: unreadable node state, removing it", state)
                state.unlink(missing_ok=True)
                continue
            log.info("%s: cleaning up server node (pid %d)", state.parent.name, pid1)
            ServerNode._terminate(pid1, start1)
            _kill(outer, start_outer, signal.SIGKILL)
            state.unlink(missing_ok=True)
        # Nodes mount only inside their own mount namespace; anything under the lab dir in ours
        # is a leftover of an interrupted start and is detached.
        prefix = str(base.resolve()) + "/"
        for mountpoint in reversed(_mountpoints()):
            if mountpoint.startswith(prefix):
                subprocess.run(["umount", "-l", mountpoint], check=False, capture_output=True)

    # -- inside the node ---------------------------------------------------------------------

    def run(
        self, argv: Sequence[str], *, input: str | None = None, timeout: float = 60.0, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        """Run a program inside the node (all its namespaces and its root), like `docker exec`."""
        proc = subprocess.run(
            self._enter(argv), input=input, capture_output=True, text=True, timeout=timeout, check=False
        )
        if check and proc.returncode != 0:
            raise LabError(f"{self.name}: {shlex.join(argv)}: {(proc.stderr or proc.stdout).strip()}")
        return proc

    def _enter(self, argv: Sequence[str]) -> list[str]:
        """`argv` run in every namespace of the node and its root (`--wd` alone: PID 1's cwd)."""
        if self._pid1 is None:
            raise LabError(f"{self.name}: not started")
        return [
            "nsenter", f"--target={self._pid1}", "--mount", "--uts", "--ipc", "--net", "--pid",
            "--root", "--wd", "--", *argv,
        ]  # fmt: skip

    def host_path(self, path: str) -> Path:
        """Where a file of the node can be read from the root namespace (while the node runs)."""
        if self._pid1 is None:
            raise LabError(f"{self.name}: not started")
        return Path(f"/proc/{self._pid1}/root") / path.lstrip("/")

    @property
    def pid(self) -> int | None:
        """The node's PID 1 as seen from the root namespace."""
        return self._pid1

    @property
    def pid_start(self) -> int | None:
        """The start time of PID 1 (clock ticks since boot): with `pid`, names the process."""
        return self._pid1_start

    # -- helpers -----------------------------------------------------------------------------

    def _init_script(self) -> str:
        q = shlex.quote
        return _INIT.format(
            name=q(self.name),
            hostname=q(self.name.lower()),
            address=q(str(self.design.address.ip)),
            root=q(str(self.state_dir / "root")),
            upper=q(str(self.state_dir / "upper")),
            work=q(str(self.state_dir / "work")),
            stop_ticks=int(BUDGETS.server_stop * 10) - 10,
        )

    def _private_home(self) -> None:
        """Hide the host's /root from the node: an opaque directory in the upper layer.

        The host root's dotfiles (a pyenv-initialising .bashrc, which bash runs for every SSH
        command, and the toolkit's own vault) have no business in a server; the node's root
        starts from /etc/skel like on a fresh Debian install.
        """
        home = self.state_dir / "upper" / "root"
        if home.exists():
            return
        home.mkdir(mode=0o700)
        os.setxattr(home, "trusted.overlay.opaque", b"y")

    def _find_pid1(self, outer: int) -> int:
        """The forked child of `unshare`, PID 1 inside the node."""

        def child() -> int | None:
            try:
                children = Path(f"/proc/{outer}/task/{outer}/children").read_text().split()
            except OSError:
                children = []
            if children:
                return int(children[0])
            if self._proc is not None and self._proc.poll() is not None:
                raise LabError(f"{self.name}: node init exited; see {self.state_dir / 'console.log'}")
            return None

        pid1 = until(child, BUDGETS.server_pid1, INTERVALS.poll)
        if pid1 is None:
            raise LabError(f"{self.name}: node init did not start; see {self.state_dir / 'console.log'}")
        return pid1

    def _write_state(self) -> None:
        assert self._proc is not None and self._pid1 is not None
        data = {
            "name": self.name,
            "netns": self.netns,
            "pid1": self._pid1,
            "pid1_start": self._pid1_start,
            "unshare": self._proc.pid,
            "unshare_start": _start_time(self._proc.pid),
        }
        (self.state_dir / STATE_FILE).write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")

    def _wait_ready(self, t0: float) -> None:
        forwarder = self._forwarder
        assert forwarder is not None

        def answers() -> bool:
            if self._proc is not None and self._proc.poll() is not None:
                raise LabError(f"{self.name}: node init failed: {self._console_tail()}")
            try:
                with socket.create_connection(("127.0.0.1", forwarder.port), timeout=2) as conn:
                    return conn.recv(64).startswith(b"SSH-2.0-")
            except OSError:
                return False

        if not until(answers, BUDGETS.server_start - (time.monotonic() - t0), INTERVALS.server):
            budget = f"{BUDGETS.server_start:.0f} s"
            raise LabError(f"{self.name}: sshd did not answer within {budget}: {self._console_tail()}")

    def _set_root_password(self) -> None:
        # chpasswd writes the node's own /etc/shadow (in the upper layer); the password goes
        # through a pipe, never through argv or a file.
        creds = linux_lab_credentials()
        self.run(["chpasswd"], input=f"root:{creds.password}\n")

    def _console_tail(self) -> str:
        try:
            lines = (self.state_dir / "console.log").read_text(errors="replace").splitlines()
        except OSError:
            return "no console log"
        return " | ".join(lines[-8:]) or "console log empty"

    def _kill_previous(self) -> None:
        """A node of the same name left running (e.g. by a crashed controller) goes first."""
        state = self.state_dir / STATE_FILE
        if state.exists():
            log.warning("%s: a previous instance left state behind; stopping it", self.name)
            # Only this node's state: cleanup() of the whole lab would stop the other nodes too.
            with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
                data = json.loads(state.read_text(encoding="utf-8"))
                ServerNode._terminate(int(data["pid1"]), data.get("pid1_start"))
                _kill(int(data["unshare"]), data.get("unshare_start"), signal.SIGKILL)
            state.unlink(missing_ok=True)

    @staticmethod
    def _terminate(pid1: int, start: int | None) -> None:
        """SIGTERM the node's init (which stops its services), SIGKILL it if that takes too long."""
        _kill(pid1, start, signal.SIGTERM)
        if not until(lambda: not _alive(pid1, start), BUDGETS.server_stop, INTERVALS.poll):
            log.warning("pid %d: node init did not exit on SIGTERM, killing it", pid1)
            _kill(pid1, start, signal.SIGKILL)


def _mountpoints() -> list[str]:
    try:
        lines = Path("/proc/self/mountinfo").read_text().splitlines()
    except OSError:
        return []
    # Field 5 is the mount point, with spaces and the like octal-escaped.
    return [line.split()[4].encode().decode("unicode_escape") for line in lines]
