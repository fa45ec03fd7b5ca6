"""The SSH face of a device: asyncssh server, authentication, PTY shell and exec channels.

Bytes in, bytes out (`encoding=None`): the session does its own echo and CR/LF handling, exactly
like an IOS vty, because the clients' prompt and echo detection depend on every byte.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import asyncssh

from automation.emulator.flash import write_private
from automation.emulator.scp import ScpSink
from automation.emulator.session import Session

if TYPE_CHECKING:
    from automation.emulator.device import Device

log = logging.getLogger(__name__)

SERVER_VERSION = "Cisco-1.25"
KEY_FILE = "ssh_host_ed25519_key"


def load_host_key(state_dir: Path) -> asyncssh.SSHKey:
    """The device's persistent host key, created on first use (clients pin it), mode 0600."""
    path = state_dir / KEY_FILE
    if path.exists():
        return asyncssh.read_private_key(str(path))
    key = asyncssh.generate_private_key("ssh-ed25519")
    write_private(path, key.export_private_key())
    return key


class DeviceSSHServer(asyncssh.SSHServer):
    """Authentication against the device's `username` lines; `none` is always refused.

    Failed logins feed the device's `LoginGuard`: a connection is dropped after
    `per_connection` failures, and during quiet mode (`login block-for`) every login is refused.
    """

    def __init__(self, device: Device) -> None:
        self.device = device
        self.privilege = 1
        self.username = ""
        self.peer = "?"
        self.peer_host = "127.0.0.1"
        self.failures = 0

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        peer = conn.get_extra_info("peername")
        self.peer = f"{peer[0]}:{peer[1]}" if peer else "?"
        self.peer_host = str(peer[0]) if peer else "127.0.0.1"

    def connection_lost(self, exc: Exception | None) -> None:
        if exc is not None:
            log.debug("%s: connection from %s lost: %s", self.device.config.hostname, self.peer, exc)

    def begin_auth(self, username: str) -> bool:
        self.username = username
        self._refuse_if_quiet()
        return True

    def _refuse_if_quiet(self) -> None:
        left = self.device.login.quiet_for()
        if left > 0:
            log.warning(
                "%s: login from %s refused: quiet mode for %.0f more seconds",
                self.device.config.hostname, self.peer, left,
            )  # fmt: skip
            raise asyncssh.DisconnectError(
                asyncssh.DISC_HOST_NOT_ALLOWED_TO_CONNECT, "Login blocked: too many failed logins"
            )

    def password_auth_supported(self) -> bool:
        return True

    def validate_password(self, username: str, password: str) -> bool:
        return self._check(username, password)

    def kbdint_auth_supported(self) -> bool:
        return True

    def get_kbdint_challenge(
        self, username: str, lang: str, submethods: str
    ) -> tuple[str, str, str, list[tuple[str, bool]]]:
        # Exactly one prompt, "Password: ": ansible-pylibssh answers nothing else.
        return "", "", "", [("Password: ", False)]

    def validate_kbdint_response(self, username: str, responses: Sequence[str]) -> bool:
        return len(responses) == 1 and self._check(username, responses[0])

    def _check(self, username: str, password: str) -> bool:
        self._refuse_if_quiet()
        level = self.device.authenticate(username, password)
        if level is not None:
            self.privilege = level
            return True
        hostname = self.device.config.hostname
        log.info("%s: failed login for %s from %s", hostname, username, self.peer)
        self.failures += 1
        guard = self.device.login
        if guard.failed():
            log.warning(
                "%s: %d failed logins within %.0f s; refusing logins for %.0f s",
                hostname, guard.policy.attempts, guard.policy.within, guard.policy.block_for,
            )  # fmt: skip
        if self.failures >= guard.policy.per_connection:
            raise asyncssh.PermissionDenied("Too many authentication failures")
        return False

    def session_requested(self) -> asyncssh.SSHServerSession[bytes]:
        return VtySession(self.device, self.username, self.privilege, self.peer_host)


class VtySession(asyncssh.SSHServerSession[bytes]):
    """A vty line: PTY shell (the clients' way) or one exec command."""

    def __init__(self, device: Device, username: str, privilege: int, peer: str = "127.0.0.1") -> None:
        self.device = device
        self.peer = peer
        self.username = username
        self.privilege = privilege
        self.chan: asyncssh.SSHServerChannel[bytes] | None = None
        self.session: Session | None = None
        self.task: asyncio.Task[None] | None = None
        self._command: str | None = None
        self._eof_early = False
        self.scp: ScpSink | None = None

    def connection_made(self, chan: asyncssh.SSHServerChannel[bytes]) -> None:
        self.chan = chan

    def pty_requested(self, term_type: str, term_size: tuple[int, int, int, int], term_modes: Any) -> bool:
        return True

    def shell_requested(self) -> bool:
        return True

    def exec_requested(self, command: str) -> bool:
        self._command = command
        return True

    def terminal_size_changed(self, width: int, height: int, pixwidth: int, pixheight: int) -> None:
        """IOS neither wraps nor scrolls for the clients; the size is not used."""

    def session_started(self) -> None:
        assert self.chan is not None
        if self._command is not None and self._command.startswith("scp "):
            self._start_scp(self._command)
            return
        vty = self.device.free_vty()
        if vty is None:
            # Every configured vty line is in use: IOS drops the connection.
            log.info("%s: no free vty line for %s", self.device.config.hostname, self.peer)
            self.chan.exit(1)
            return
        self.session = Session(
            self.device,
            user=self.username,
            privilege=self.privilege,
            write=self._write,
            echo=self._command is None,
            hangup=self._hangup,
        )
        self.session.vty = vty
        self.session.peer = self.peer
        self.device.sessions.add(self.session)
        if self._eof_early:
            self.session.feed_eof()
        coro = self._shell() if self._command is None else self._exec(self._command)
        self.task = asyncio.get_running_loop().create_task(coro)

    def _start_scp(self, command: str) -> None:
        assert self.chan is not None
        if not self.device.config.scp_server:
            # Without `ip scp server enable` IOS refuses the transfer.
            self.chan.write(b"\x01scp: permission denied\n")
            self.chan.exit(1)
            return
        self.scp = ScpSink(command, self._write, self.device.flash.write)
        self.scp.start()
        if self._eof_early:
            self._finish()

    def _write(self, data: bytes) -> None:
        if self.chan is not None and not self.chan.is_closing():
            self.chan.write(data)

    def _hangup(self) -> None:
        if self.chan is not None and not self.chan.is_closing():
            self.chan.close()

    async def _shell(self) -> None:
        assert self.session is not None
        try:
            await self.session.run()
        except Exception:
            log.exception("%s: session failed", self.device.config.hostname)
        finally:
            self._finish()

    async def _exec(self, command: str) -> None:
        assert self.session is not None
        try:
            await self.session.execute(command)
            self.session.flush()
        except Exception:
            log.exception("%s: exec %r failed", self.device.config.hostname, command)
        finally:
            self._finish()

    def _finish(self) -> None:
        if self.session is not None:
            self.device.sessions.discard(self.session)
        failed = self.scp is not None and (self.scp.failed is not None or self.scp.pending is not None)
        if self.chan is not None and not self.chan.is_closing():
            self.chan.exit(1 if failed else 0)

    def data_received(self, data: bytes, datatype: asyncssh.DataType) -> None:
        if self.scp is not None:
            self.scp.feed(data)
        elif self.session is not None:
            self.session.feed(data)

    def eof_received(self) -> bool:
        """The client closed its input: the session ends, but its output still goes out.

        Returning True keeps the channel half-open; `_finish` sends the exit status and closes
        it once the command (or the shell reading the rest of its input) is done. (False made
        asyncssh answer with EOF at once, and a one-shot exec whose EOF arrived before it ran
        could never write its output or exit status: `ssh R1 "show clock" </dev/null` hung.)
        """
        if self.scp is not None:
            self._finish()
        elif self.session is not None:
            self.session.feed_eof()
        else:
            self._eof_early = True
        return True

    def connection_lost(self, exc: BaseException | None) -> None:
        if self.session is not None:
            self.session.feed_eof()
            self.device.sessions.discard(self.session)


async def start_ssh(device: Device, address: str, port: int) -> asyncssh.SSHAcceptor:
    """Listen for SSH on (address, port); port 0 picks a free one."""
    key = load_host_key(device.spec.state_dir)
    return await asyncssh.create_server(
        lambda: DeviceSSHServer(device),
        address,
        port,
        server_host_keys=[key],
        server_version=SERVER_VERSION,
        encoding=None,
        allow_scp=False,
        agent_forwarding=False,
        x11_forwarding=False,
        login_timeout=60,
        keepalive_interval=0,
        reuse_address=True,
    )
