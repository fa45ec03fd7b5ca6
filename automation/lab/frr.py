"""FRR for one router: zebra, staticd and ospfd in the router's namespace, configured from IOS.

Each router gets its own FRR pathspace (`-N`), so its sockets live in /var/run/frr/<netns>/ and
`vtysh -N <netns>` talks to it. The configuration comes from the IOS running config
(`automation.lab.frr_config`), and a change is pushed as the difference between the last pushed
and the new configuration, through vtysh, so that unrelated adjacencies stay up.
"""

from __future__ import annotations

import json
import logging
import pwd
import shutil
import stat
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from automation.errors import LabError
from automation.lab import process
from automation.lab.budgets import BUDGETS, INTERVALS
from automation.lab.command import run
from automation.lab.frr_config import DAEMONS, Block, FrrConfig, diff, router_id, text
from automation.lab.names import frr_pathspace
from automation.lab.process import ProcessRecord
from automation.polling import until

log = logging.getLogger(__name__)

FRR_BIN = Path("/usr/lib/frr")
FRR_RUN = Path("/var/run/frr")
FRR_ETC = Path("/etc/frr")
GR_STATE = FRR_RUN / "ospfd-gr.json"  # ospfd writes it outside the pathspace; shared by all


def _require_reachable_by_frr(path: Path) -> None:
    """FRR daemons read their config and write their logs as the `frr` user: a lab directory
    below a private (0700) directory would leave them silently running without their config."""
    frr_uid = pwd.getpwnam("frr").pw_uid
    for parent in [path, *path.parents]:
        st = parent.stat()
        if st.st_uid != frr_uid and not st.st_mode & stat.S_IXOTH:
            raise LabError(
                f"the lab directory {path} is not reachable by the frr user: {parent} has mode "
                f"{stat.S_IMODE(st.st_mode):o}; set MASTERTECH_LAB_DIR to a directory every user can traverse"
            )


class FrrInstance:
    """The FRR daemons of one router namespace."""

    def __init__(
        self, netns: str, run_dir: Path, on_start: Callable[[ProcessRecord], None] | None = None
    ) -> None:
        self.netns = netns
        self.on_start = on_start
        self.pathspace = frr_pathspace(netns)
        self.sock_dir = FRR_RUN / self.pathspace
        self.etc_dir = FRR_ETC / self.pathspace
        self.dir = run_dir
        self.records: dict[str, ProcessRecord] = {}
        self.children: dict[int, subprocess.Popen[bytes]] = {}
        self.pushed = FrrConfig()

    def start(self) -> None:
        """zebra now; staticd and ospfd when the router first configures static routes or OSPF
        (each costs a few MB per router, and most lab routers never use static routes)."""
        for d in (self.sock_dir, self.etc_dir, self.dir):
            d.mkdir(parents=True, exist_ok=True)
        _require_reachable_by_frr(self.dir)
        # vtysh -N reads (and warns without) a vtysh.conf of the pathspace.
        (self.etc_dir / "vtysh.conf").write_text("service integrated-vtysh-config\n", encoding="utf-8")
        shutil.chown(self.sock_dir, "frr", "frr")
        shutil.chown(self.dir, "frr", "frr")
        self._daemon("zebra", [f"log file {self.dir / 'zebra.log'}"])
        self.pushed = FrrConfig(zebra=[(None, (f"log file {self.dir / 'zebra.log'}",))])

    def _daemon(self, name: str, lines: list[str]) -> None:
        """Start daemon `name` with `lines` as its config file; return once it answers vtysh."""
        conf = self.dir / f"{name}.conf"
        conf.write_text("\n".join(lines) + "\n", encoding="utf-8")
        shutil.chown(conf, "frr", "frr")
        # A socket left by an earlier instance of the daemon would pass for readiness.
        (self.sock_dir / f"{name}.vty").unlink(missing_ok=True)
        argv = [
            str(FRR_BIN / name),
            "-N",
            self.pathspace,
            "-F",
            "traditional",
            "-f",
            str(conf),
            "-i",
            str(self.sock_dir / f"{name}.pid"),
            "--log-level",
            "warnings",
        ]
        if name == "zebra":
            argv.append("--nl-bufsize=16777216")
        proc, rec = process.spawn(
            f"{self.netns}/{name}", argv, netns=self.netns, log_path=self.dir / f"{name}.out"
        )
        self.records[name] = rec
        self.children[proc.pid] = proc
        if self.on_start:
            self.on_start(rec)
        if name != "zebra":
            # zebra is waited for by `wait_ready`, for all routers at once.
            t0 = time.monotonic()
            self._wait_vty(name)
            log.info("%s: %s started, answering in %.2f s", self.netns, name, time.monotonic() - t0)

    def _wait_vty(self, name: str) -> None:
        """Poll until daemon `name` listens on its vty socket (it has read its config by then).

        vtysh refuses a whole batch with "<daemon> is not running" when a daemon it needs has no
        socket yet, and stops at that line. The emulator applies a config every 0.3 s while a
        deploy is still typing, so the push that follows the daemon's start (the `network`
        lines of `router ospf`) can come within milliseconds of it: on a loaded machine it
        arrived before ospfd listened, and the router ran OSPF without a single network.
        """
        path = self.sock_dir / f"{name}.vty"
        rec = self.records[name]

        def listening() -> bool:
            if not process.alive(rec):
                raise LabError(f"{self.netns}: {name} exited at start: {_tail(self.dir / f'{name}.out')}")
            return path.exists()

        if not until(listening, BUDGETS.frr_vty, INTERVALS.poll):
            raise LabError(
                f"{self.netns}: {name} did not open {path} within {BUDGETS.frr_vty:.0f} s; see {self.dir}"
            )

    def wait_ready(self) -> None:
        """Return once zebra accepts its clients (staticd and ospfd connect to this socket)."""
        path = self.sock_dir / "zserv.api"
        if not until(path.exists, BUDGETS.frr_zserv, INTERVALS.poll):
            raise LabError(
                f"{self.netns}: zebra did not open {path} within {BUDGETS.frr_zserv:.0f} s; see {self.dir}"
            )

    def apply(self, new: FrrConfig) -> bool:
        """Push the difference to the running daemons; start a daemon at its first configuration.

        Each daemon gets its own vtysh call, so that a line one daemon refuses cannot stop the
        others' changes (vtysh stops a batch at its first failure). A push that fails is logged
        with vtysh's output, and that daemon is restarted from the whole new configuration:
        after a partial push nobody knows what it runs, and a diff against the wrong base would
        keep it wrong for the rest of the lab's life.
        """
        changed = False
        for daemon in DAEMONS:
            old_blocks: list[Block] = getattr(self.pushed, daemon)
            new_blocks: list[Block] = getattr(new, daemon)
            if daemon not in self.records:
                if new_blocks:
                    self._daemon(daemon, text(new_blocks).splitlines())
                    changed = True
                setattr(self.pushed, daemon, new_blocks)
                continue
            cmds = diff(old_blocks, new_blocks)
            after: list[str] = []
            if daemon == "ospfd" and router_id(old_blocks) != router_id(new_blocks):
                # ospfd keeps its old router ID until the process is cleared.
                after.append("clear ip ospf process")
            if cmds and not self._push(daemon, cmds, after):
                self._restart(daemon, new_blocks)
            setattr(self.pushed, daemon, new_blocks)
            changed = changed or bool(cmds)
        return changed

    def _push(self, daemon: str, cmds: list[str], after: list[str]) -> bool:
        """Configure one daemon through vtysh, then run `after` (exec commands); False (and
        logged) unless it took every line."""
        argv = ["vtysh", "-N", self.pathspace, "-d", daemon, "-c", "configure terminal"]
        for c in (*cmds, "end", *after):
            argv += ["-c", c]
        t0 = time.monotonic()
        try:
            proc = run(argv, check=False)
        except LabError as exc:  # a timeout: the daemon may have taken any part of it
            log.error("%s: %s push failed: %s; commands: %s", self.netns, daemon, exc, cmds)
            return False
        output = (proc.stdout + proc.stderr).strip()
        if proc.returncode != 0 or _refused(proc.stdout):
            log.error(
                "%s: %s push failed (vtysh exit %d): %s; commands: %s",
                self.netns,
                daemon,
                proc.returncode,
                output or "no output",
                cmds,
            )
            return False
        log.debug("%s: %s took %d lines in %.3f s", self.netns, daemon, len(cmds), time.monotonic() - t0)
        return True

    def _restart(self, daemon: str, blocks: list[Block]) -> None:
        """Restart `daemon` with `blocks` as its whole configuration (zebra only has its log)."""
        if daemon == "zebra":
            return  # restarting zebra would drop every route of the router; it holds no config
        rec = self.records.pop(daemon)
        process.stop([rec], children=self.children)
        self.children = {pid: p for pid, p in self.children.items() if p.poll() is None}
        log.warning("%s: restarting %s from its full configuration", self.netns, daemon)
        if blocks:
            self._daemon(daemon, text(blocks).splitlines())

    def vtysh(self, commands: list[str], check: bool = True) -> str:
        argv = ["vtysh", "-N", self.pathspace]
        for c in commands:
            argv += ["-c", c]
        proc = run(argv, check=False)
        if check and (proc.returncode != 0 or _refused(proc.stdout)):
            log.warning("%s: vtysh %s: %s", self.netns, commands, (proc.stdout + proc.stderr).strip())
        return proc.stdout

    def show_json(self, command: str) -> Any:
        if command.startswith("show ip ospf") and "ospfd" not in self.records:
            return {}
        out = self.vtysh([f"{command} json"], check=False)
        try:
            return json.loads(out) if out.strip() else {}
        except json.JSONDecodeError:
            log.debug("%s: %s json: %s", self.netns, command, out[:200])
            return {}

    def stop(self) -> None:
        process.stop(list(self.records.values()), children=self.children)
        self.records.clear()

    def alive(self, daemon: str) -> bool:
        """False only when `daemon` was started and has died (one not needed yet is fine)."""
        rec = self.records.get(daemon)
        return rec is None or process.alive(rec)

    def revive(self, daemon: str) -> None:
        """Start a daemon that died from the configuration last pushed to it. A new zebra brings
        staticd and ospfd along: their routes went with the old one."""
        again = [daemon]
        if daemon == "zebra":
            again += [d for d in DAEMONS if d != "zebra" and d in self.records]
        for name in again:
            rec = self.records.pop(name, None)
            if rec is not None:
                process.stop([rec], children=self.children)
        self.children = {pid: p for pid, p in self.children.items() if p.poll() is None}
        for name in again:
            if name == "zebra":
                (self.sock_dir / "zserv.api").unlink(missing_ok=True)  # the dead zebra's socket
                self._daemon("zebra", text(self.pushed.zebra).splitlines())
                self.wait_ready()
            else:
                self._daemon(name, text(getattr(self.pushed, name)).splitlines())

    def remove_files(self) -> None:
        remove_pathspace(self.pathspace)


def _refused(stdout: str) -> bool:
    """vtysh prints a refused line's reason after "% " (and exits non-zero at the first one)."""
    return any(line.startswith("% ") for line in stdout.splitlines())


def _tail(path: Path, lines: int = 5) -> str:
    try:
        return " | ".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return f"no {path}"


def remove_pathspace(pathspace: str) -> None:
    shutil.rmtree(FRR_RUN / pathspace, ignore_errors=True)
    shutil.rmtree(FRR_ETC / pathspace, ignore_errors=True)
    # The shared graceful-restart file goes with the last lab FRR instance.
    if GR_STATE.exists() and not any(p.name.startswith("mt-") for p in FRR_RUN.iterdir() if p.is_dir()):
        GR_STATE.unlink(missing_ok=True)
