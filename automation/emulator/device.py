"""One emulated device: its running config shared by all sessions, NVRAM on disk, data plane.

State on disk (under `DeviceSpec.state_dir`): `startup-config` (what `write memory` saved, as IOS
prints it), `rsa-keys` (modulus of the keys `crypto key generate rsa` made; IOS keeps keys outside
the config) and `ssh_host_ed25519_key` (see `ssh.py`).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import hashlib
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from automation.emulator.archive import Archive
from automation.emulator.config import RunningConfig
from automation.emulator.dataplane import ConfigOnlyDataPlane, DataPlane
from automation.emulator.errors import DataPlaneRejected
from automation.emulator.flash import Flash, write_private
from automation.emulator.login import LoginGuard, LoginPolicy
from automation.emulator.render import render_body, render_running
from automation.emulator.secret import verify_type9
from automation.emulator.session import Frame, Session
from automation.emulator.shows.extra import syslog_line
from automation.platforms.cisco_ios import Kind

log = logging.getLogger(__name__)

NVRAM_SIZE = 262144
APPLY_DEBOUNCE = 0.3  # seconds of quiet before a change reaches the data plane


def ios_time(when: datetime) -> str:
    """`10:41:03 UTC Mon Mar 4 2024`, the form of IOS's config comments."""
    return f"{when:%H:%M:%S} UTC {when:%a %b} {when.day} {when.year}"


def day0_config(
    hostname: str,
    username: str,
    password: str,
    *,
    enable_secret: str | None = None,
    domain_name: str | None = None,
) -> str:
    """A day-0 configuration that makes a fresh device reachable over SSH by `username`."""
    lines = [f"hostname {hostname}"]
    if enable_secret:
        lines.append(f"enable secret {enable_secret}")
    lines.append(f"username {username} privilege 15 secret {password}")
    lines.append("no ip domain lookup")
    if domain_name:
        lines += [f"ip domain name {domain_name}", "crypto key generate rsa modulus 2048"]
    lines += ["ip ssh version 2", "line vty 0 4", " login local", " transport input ssh", "end"]
    return "\n".join(lines) + "\n"


@dataclass
class DeviceSpec:
    """What to run: one device, its SSH endpoint and its state directory.

    `port` 0 picks a free port (read the real one from `DeviceHost.port`). `day0_config` is applied
    only when the state directory has no startup-config yet, and becomes the startup-config.
    """

    hostname: str
    kind: Kind
    state_dir: Path
    address: str = "127.0.0.1"
    port: int = 0
    day0_config: str | None = None
    dataplane: DataPlane | None = field(default=None, repr=False)
    login_policy: LoginPolicy | None = None  # None: IOS-like defaults (see login.py)


LOG_BUFFER_LINES = 200  # messages kept for `show logging`


class Device:
    """The shared state of one device; sessions come and go, this stays."""

    def __init__(self, spec: DeviceSpec) -> None:
        self.spec = spec
        self.kind: Kind = spec.kind
        self.dataplane: DataPlane = spec.dataplane if spec.dataplane is not None else ConfigOnlyDataPlane()
        self.config = RunningConfig.factory(spec.kind, spec.hostname)
        self.sessions: set[Session] = set()
        self.boot_time = datetime.now(UTC)
        self.last_change: tuple[datetime, str] | None = None
        self.nvram_updated: tuple[datetime, str] | None = None
        self.serial = "9" + hashlib.sha256(spec.hostname.encode()).hexdigest()[:10].upper()
        self._dirty = False
        self._kick = asyncio.Event()
        self._apply_task: asyncio.Task[None] | None = None
        self.login = LoginGuard(spec.login_policy)
        self.log_buffer: collections.deque[str] = collections.deque(maxlen=LOG_BUFFER_LINES)
        # What the data plane refused of the last configuration it was given (lab health).
        self.dataplane_problems: tuple[str, ...] = ()
        self.flash = Flash(spec.state_dir / "flash")
        self.archive = Archive(self.flash)
        # The state holds the host key and configs with secret hashes: private from the start.
        spec.state_dir.mkdir(parents=True, exist_ok=True, mode=0o700)

    # --- files --------------------------------------------------------------------------------

    @property
    def startup_path(self) -> Path:
        return self.spec.state_dir / "startup-config"

    def startup_text(self) -> str | None:
        try:
            return self.startup_path.read_text()
        except FileNotFoundError:
            return None

    def _write_atomic(self, path: Path, text: str) -> None:
        write_private(path, text.encode())

    def save(self, user: str) -> None:
        """`write memory`: the running config becomes the startup config, on disk."""
        now = datetime.now(UTC)
        self.nvram_updated = (now, user)
        self._write_atomic(
            self.startup_path, "\n".join([*self._comments(), *render_body(self.config)]) + "\n"
        )

    def store_keys(self, modulus: int) -> None:
        self._write_atomic(self.spec.state_dir / "rsa-keys", f"{modulus}\n")

    def _comments(self) -> list[str]:
        out = ["!"]
        if self.last_change:
            out.append(
                f"! Last configuration change at {ios_time(self.last_change[0])} by {self.last_change[1]}"
            )
        if self.nvram_updated:
            out.append(
                f"! NVRAM config last updated at {ios_time(self.nvram_updated[0])} by {self.nvram_updated[1]}"
            )
        if len(out) > 1:
            out.append("!")
        return out

    def running_text(self) -> str:
        comments = self._comments()[1:-1] if len(self._comments()) > 1 else []
        return render_running(self.config, comments)

    # --- life cycle ---------------------------------------------------------------------------

    async def boot(self) -> None:
        """Power on: factory config, then the startup-config (or the day-0 config the first time)."""
        self.config = RunningConfig.factory(self.kind, self.spec.hostname)
        keys = self.spec.state_dir / "rsa-keys"
        with contextlib.suppress(FileNotFoundError, ValueError):
            self.config.rsa_modulus = int(keys.read_text())
        text = self.startup_text()
        if text is None and self.spec.day0_config:
            text = self.spec.day0_config
        if text:
            script = Session(self, user="system", privilege=15, echo=False)
            script.stack = [Frame("exec"), Frame("config")]
            script.feed(text.encode())
            script.feed_eof()
            for error in await script.run_script():
                log.warning("%s: boot config line rejected: %s", self.spec.hostname, error)
            if self.startup_text() is None:
                self.save("system")
        self.boot_time = datetime.now(UTC)
        self.syslog("%SYS-5-RESTART: System restarted --")
        self.last_change = None
        self.nvram_updated = None
        self._dirty = True
        await self._apply_once()

    async def run_config(self, text: str, user: str) -> list[str]:
        """Run `text` as configuration lines (`copy FILE running-config`); the rejected lines."""
        script = Session(self, user=user, privilege=15, echo=False)
        script.stack = [Frame("exec"), Frame("config")]
        script.feed(text.encode())
        script.feed_eof()
        errors = await script.run_script()
        self.config_changed(user)
        self.config_session_ended()
        return errors

    async def replace_config(self, text: str, user: str) -> list[str]:
        """`configure replace`: the factory config plus `text`; the rejected lines."""
        keys = self.config.rsa_modulus
        self.config = RunningConfig.factory(self.kind, self.config.hostname)
        self.config.rsa_modulus = keys
        return await self.run_config(text, user)

    async def reload(self) -> None:
        """Drop every session and boot again from the startup config (a pending revert ends)."""
        self.archive.cancel()
        for session in list(self.sessions):
            session.terminate()
        await self.boot()

    # --- changes and the data plane ------------------------------------------------------------

    def config_changed(self, user: str) -> None:
        self.last_change = (datetime.now(UTC), user)
        self._dirty = True
        self._ensure_apply_task()

    def syslog(self, message: str) -> None:
        """Append a `%FAC-SEV-MNEMONIC: text` message to the logging buffer (`show logging`).

        Nothing is sent to terminals: vty sessions get no unsolicited output.
        """
        self.log_buffer.append(syslog_line(datetime.now(UTC), message))

    def free_vty(self) -> int | None:
        """The lowest vty line number not in use, or None when every configured line is busy."""
        lines = 0
        for key in self.config.lines:
            if key.startswith("vty "):
                parts = [int(x) for x in key.split()[1:]]
                lines = max(lines, parts[-1] + 1)
        used = {s.vty for s in self.sessions if s.vty is not None}
        return next((n for n in range(lines) if n not in used), None)

    def config_session_ended(self) -> None:
        if self._dirty:
            self._kick.set()
            self._ensure_apply_task()

    def _ensure_apply_task(self) -> None:
        if self._apply_task is None or self._apply_task.done():
            self._apply_task = asyncio.get_running_loop().create_task(self._apply_loop())

    async def _apply_loop(self) -> None:
        while self._dirty:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._kick.wait(), APPLY_DEBOUNCE)
            self._kick.clear()
            await self._apply_once()

    async def _apply_once(self) -> None:
        self._dirty = False
        try:
            await self.dataplane.apply(self.config.snapshot())
            problems: tuple[str, ...] = ()
        except DataPlaneRejected as exc:
            problems = exc.problems
        except Exception as exc:
            log.exception("%s: data plane rejected the configuration", self.config.hostname)
            problems = (str(exc).splitlines()[0] if str(exc) else type(exc).__name__,)
        for problem in problems:
            if problem not in self.dataplane_problems:
                log.warning("%s: data plane rejected %s", self.config.hostname, problem)
                self.syslog(f"%LAB-3-DATAPLANE: data plane rejected {problem}")
        self.dataplane_problems = problems

    async def settle(self) -> None:
        """Wait until every committed change has reached the data plane."""
        if self._dirty:
            self._kick.set()
            self._ensure_apply_task()
        if self._apply_task is not None:
            await asyncio.shield(self._apply_task)

    async def close(self) -> None:
        self.archive.cancel()
        for session in list(self.sessions):
            session.terminate()
        if self._apply_task is not None and not self._apply_task.done():
            self._apply_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._apply_task

    # --- authentication -----------------------------------------------------------------------

    def authenticate(self, username: str, password: str) -> int | None:
        """Privilege level of `username` if `password` is right, else None."""
        user = self.config.users.get(username)
        if user is None:
            return None
        if user.secret_hash is not None:
            ok = verify_type9(password, user.secret_hash)
        else:
            ok = user.password is not None and user.password == password
        return user.privilege if ok else None

    def check_enable(self, password: str) -> bool:
        cfg = self.config
        if cfg.enable_secret_hash is not None:
            return verify_type9(password, cfg.enable_secret_hash)
        return cfg.enable_password is not None and cfg.enable_password == password

    @property
    def has_enable_password(self) -> bool:
        return self.config.enable_secret_hash is not None or self.config.enable_password is not None
