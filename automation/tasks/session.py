"""An IOS CLI session for the deploy and drift tasks: netmiko's cisco_ios driver logs in, then
every exchange waits for the device's prompt and for nothing else.

netmiko's own helpers are built for any device: a push waits for the echo of each line before it
sends the next (a round trip per line), and preparing a session or finding the prompt sleeps
between reads. Here, on the same SSH channel:

- the session is prepared in one write (`terminal width 511`, `terminal length 0`), and the
  prompt is learned from the reply;
- a command is read until the exec prompt comes back at the end of the output;
- a config is written in one go (at most `WINDOW` bytes typed ahead of the device's echo), read
  until the exec prompt after `end`, and every refused line is found in the echoed transcript.

IOS goes on after a refused line, so a push names every refused line, not only the first; the
caller rolls the device back. A refused section line can make a later `exit` leave config mode
and the next one end the session: the push then reports what the device refused, and the next
use of the session logs in again.
"""

from __future__ import annotations

import re
import select
import socket
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import paramiko
from netmiko import BaseConnection, ConnectHandler, NetmikoTimeoutException, ReadTimeout
from nornir.core.configuration import Config
from nornir.core.plugins.connections import ConnectionPluginRegister
from nornir.core.task import Task

from automation.errors import DeviceError
from automation.platforms.cisco_ios import ERROR_PATTERN

CONNECTION = "ios_cli"  # the Nornir connection name; its options are the host's `netmiko` ones
WINDOW = 4096  # bytes of config typed ahead of the echo: well inside an IOS vty's input buffer
READ_TIMEOUT = 60.0

_ERROR = re.compile(ERROR_PATTERN)
# A whole prompt line at the end of the output; an exec prompt has no "(config...)" part.
_ANY_PROMPT = re.compile(r"\n([^\n]*[>#])[ \t\r]*\Z")
_EXEC_PROMPT = re.compile(r"\n([^\s()#>]+#)[ \t\r]*\Z")
_PREPARE = ("terminal width 511", "terminal length 0")


class SessionClosed(DeviceError):
    """The device ended the SSH session while a command was still being read."""

    def __init__(self, message: str, output: str) -> None:
        super().__init__(message)
        self.output = output


@dataclass(frozen=True)
class Rejection:
    """A config line the device refused, and the first line of what it said."""

    line: str
    message: str

    def __str__(self) -> str:
        return f"{self.line!r} rejected: {self.message}"


@dataclass(frozen=True)
class Transcript:
    """What a device echoed for the lines sent to it: how many it echoed (in order) and which it refused."""

    sent: tuple[str, ...]
    echoed: int
    rejected: tuple[Rejection, ...] = field(default=())
    echo_at: tuple[int, ...] = field(default=(), repr=False)  # where each echo's line starts
    reply: str = ""  # the output of the exec command sent after `end` (`configure(then=...)`)
    ended: bool = False  # the device ended the session before it had answered everything

    @property
    def complete(self) -> bool:
        return self.echoed == len(self.sent) and not self.ended


def read_transcript(output: str, sent: Sequence[str]) -> Transcript:
    """Match the device's output to the lines sent, in order: each sent line is echoed at the end
    of an output line (after the prompt), and what the device refused follows the echo of the
    refused line, before the next echo.

    >>> out = (
    ...     "configure terminal\\nR1(config)#interface Loopback9\\n"
    ...     "R1(config-if)#  ip adress 10.9.9.9 255.255.255.255\\n"
    ...     "                  ^\\n% Invalid input detected at '^' marker.\\n\\n"
    ...     "R1(config-if)#  exit\\nR1(config)#end\\nR1#"
    ... )
    >>> sent = ["configure terminal", "interface Loopback9", "  ip adress 10.9.9.9 255.255.255.255",
    ...         "  exit", "end"]
    >>> t = read_transcript(out, sent)
    >>> t.complete, [str(r) for r in t.rejected]
    (True, ["'ip adress 10.9.9.9 255.255.255.255' rejected: % Invalid input detected at '^' marker."])
    >>> read_transcript("configure terminal\\nR1(config)#interface Loopback9\\n", sent).echoed
    2
    """
    wanted = [line.strip() for line in sent]
    owner: str | None = None
    echo_at: list[int] = []
    refused: set[int] = set()
    rejected: list[Rejection] = []
    start = 0
    for raw in output.split("\n"):
        text = raw.rstrip()
        if len(echo_at) < len(wanted) and text.endswith(wanted[len(echo_at)]):
            owner = wanted[len(echo_at)]
            echo_at.append(start)
        elif _ERROR.match(text) and len(echo_at) not in refused:
            # One refusal per echoed line: IOS may add detail lines after the first.
            refused.add(len(echo_at))
            rejected.append(Rejection(owner if owner is not None else "(before any line)", text.strip()))
        start += len(raw) + 1
    return Transcript(tuple(sent), len(echo_at), tuple(rejected), tuple(echo_at))


def _windows(lines: Sequence[str], size: int) -> list[list[str]]:
    """The lines in consecutive groups of at most `size` bytes (a longer line alone)."""
    out: list[list[str]] = [[]]
    used = 0
    for line in lines:
        if out[-1] and used + len(line) + 1 > size:
            out.append([])
            used = 0
        out[-1].append(line)
        used += len(line) + 1
    return out


class Session:
    """One device's CLI in privileged exec mode over a logged-in netmiko connection."""

    def __init__(self, conn: BaseConnection, timeout: float = READ_TIMEOUT) -> None:
        self.conn = conn
        self.timeout = timeout
        self.prompt = self._prepare()

    # -- the channel ---------------------------------------------------------------------------

    @property
    def alive(self) -> bool:
        channel = self.conn.remote_conn
        if isinstance(channel, paramiko.Channel):
            return not (channel.closed or channel.eof_received)
        return channel is not None

    def _write(self, lines: Sequence[str]) -> None:
        self.conn.write_channel("".join(f"{line}\n" for line in lines))

    def _wait(self, seconds: float) -> None:
        """Until the channel has something to read (or `seconds` passed), without polling."""
        channel = self.conn.remote_conn
        if isinstance(channel, paramiko.Channel):
            select.select([channel], [], [], seconds)
        else:
            time.sleep(min(seconds, 0.01))

    def _read_until(self, done: Callable[[str], bool], what: str, timeout: float | None = None) -> str:
        """Read until `done(output so far)`; the session log sees everything read."""
        deadline = time.monotonic() + (timeout or self.timeout)
        output = ""
        while True:
            output += self.conn.read_channel()
            if done(output):
                return output
            if not self.alive:
                output += self.conn.read_channel()
                raise SessionClosed(f"{self.conn.host}: the device closed the session during {what}", output)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                seconds = timeout or self.timeout
                raise ReadTimeout(f"{self.conn.host}: no prompt after {what} within {seconds} s")
            self._wait(min(remaining, 1.0))

    # -- preparing -----------------------------------------------------------------------------

    def _prepare(self) -> str:
        """No paging, no wrapping, privileged exec; the exec prompt."""
        self._write(_PREPARE)

        def prepared(output: str) -> bool:
            return read_transcript(output, _PREPARE).complete and _ANY_PROMPT.search(output) is not None

        output = self._read_until(prepared, "the session's preparation")
        match = _ANY_PROMPT.search(output)
        assert match is not None
        prompt = match[1].strip()
        self._set_prompt(prompt)
        if prompt.endswith(">"):  # logged in below privilege 15: netmiko's enable (secret prompt)
            self.conn.enable()
            prompt = f"{prompt[:-1]}#"
            self._set_prompt(prompt)
        return prompt

    def _set_prompt(self, prompt: str) -> None:
        self.prompt = prompt
        # netmiko's own helpers (enable, disconnect) match on the base prompt; IOS abbreviates
        # a long hostname in config modes, so netmiko keeps 16 characters of it.
        self.conn.base_prompt = prompt[:-1][:16]

    # -- commands ------------------------------------------------------------------------------

    def run(self, command: str, timeout: float | None = None) -> str:
        """An exec command's output, without its echo and the prompt after it."""
        ending = re.compile(r"\n" + re.escape(self.prompt) + r"[ \t\r]*\Z")
        self._write([command])
        output = self._read_until(lambda out: ending.search(out) is not None, repr(command), timeout)
        echo = output.find(command)
        body = output[output.find("\n", echo) + 1 :]  # after the echo
        return body[: body.rfind("\n") + 1]  # before the prompt

    def configure(self, lines: Sequence[str], timeout: float | None = None, *, then: str = "") -> Transcript:
        """Send config lines (`configure terminal` ... `end`) and read what the device made of them;
        `then`, an exec command typed after `end`, comes back as the transcript's `reply` (a
        deploy reads the running config it must verify without another exchange).

        The lines are typed ahead in windows: the next window goes once the device has echoed
        the last line of the one before. The transcript is complete when the exec prompt follows
        the echo of the last line; a session the device ended gives the transcript up to there.
        """
        sent = ["configure terminal", *lines, "end"]
        typed = [*sent, then] if then else sent
        windows = _windows(typed, WINDOW)
        written = 0  # windows written
        echoes_needed = 0

        def finished(out: str) -> bool:
            nonlocal written, echoes_needed
            transcript = read_transcript(out, typed)
            while written < len(windows) and transcript.echoed >= echoes_needed:
                self._write(windows[written])
                echoes_needed += len(windows[written])
                written += 1
            if not transcript.complete:
                return False
            tail = out[transcript.echo_at[-1] :]
            # The prompt `then` was typed at ends its output: a config line cannot pass for it.
            # (Without `then`, or with an echo ahead of its prompt, any exec prompt line does.)
            echo = tail.split("\n", 1)[0].rstrip()
            prompt = echo[: len(echo) - len(typed[-1].strip())].strip()
            if then and prompt.endswith("#"):
                return re.search(r"\n" + re.escape(prompt) + r"[ \t\r]*\Z", tail) is not None
            return _EXEC_PROMPT.search(tail) is not None

        try:
            finished("")
            output = self._read_until(finished, f"a push of {len(lines)} lines", timeout)
        except SessionClosed as closed:
            return replace(read_transcript(closed.output, sent), ended=True)
        match = _EXEC_PROMPT.search(output)
        assert match is not None
        self._set_prompt(match[1])  # `hostname` may have been among the lines
        if not then:
            return read_transcript(output, sent)
        cut = read_transcript(output, typed).echo_at[-1]
        reply = output[output.find("\n", cut) + 1 :]
        transcript = read_transcript(output[:cut], sent)
        return replace(transcript, reply=reply[: reply.rfind("\n") + 1])

    def close(self) -> None:
        """Log out (`exit`) and wait for the device to close the channel, then let netmiko clean up:
        its own cleanup would first look for config mode, a round trip more."""
        try:
            if self.alive:
                self._write(["exit"])
                self._read_until(lambda _: not self.alive, "the logout", timeout=2.0)
        except (SessionClosed, ReadTimeout, OSError):
            pass  # closed, or it will be: the transport is closed below either way
        finally:
            self.conn.disconnect()


class IosCli:
    """Nornir connection plugin: a `Session` over netmiko's cisco_ios driver.

    netmiko logs in (SSH, password or key, its `extras` as the host's netmiko options give them)
    but does not prepare the session: `Session` does, in one exchange.
    """

    def __init__(self) -> None:
        self.connection: Session | None = None

    def open(
        self,
        hostname: str | None,
        username: str | None,
        password: str | None,
        port: int | None,
        platform: str | None,
        extras: dict[str, Any] | None = None,
        configuration: Config | None = None,
    ) -> None:
        params: dict[str, Any] = {
            "host": hostname, "username": username, "password": password, "port": port,
            "device_type": platform or "cisco_ios",
        }  # fmt: skip
        if configuration is not None and configuration.ssh.config_file:
            params["ssh_config_file"] = configuration.ssh.config_file  # as nornir-netmiko does
        params.update(extras or {})
        params["auto_connect"] = False
        conn = ConnectHandler(**params)
        try:
            _connect_without_delay(conn)
            conn.establish_connection()
            self.connection = Session(conn)
        except Exception:
            conn.disconnect()
            raise

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()


ConnectionPluginRegister.register(CONNECTION, IosCli)


def _connect_without_delay(conn: BaseConnection) -> None:
    """Open the TCP connection for paramiko with TCP_NODELAY, as OpenSSH does for a session.

    Without it Nagle's algorithm holds back a small packet until the one before is acknowledged,
    and the peer delays that acknowledgement (40 ms on Linux, more on IOS): the SSH handshake
    alone met that stall about twice per login. A proxy from the SSH config is left as it is.
    """
    # netmiko's own view of where to connect, after ~/.ssh/config (HostName, Port, ProxyCommand).
    target = conn._connect_params_dict()
    if target["sock"] is not None:
        return
    address = (target["hostname"], target["port"])
    try:
        sock = socket.create_connection(address, timeout=conn.conn_timeout)
    except OSError as exc:
        raise NetmikoTimeoutException(f"TCP connection to {address[0]}:{address[1]} failed: {exc}") from exc
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    conn.sock = sock


def session(task: Task) -> Session:
    """The host's IOS session, opened with its netmiko connection options; a session the device
    ended is opened again."""
    host = task.host
    plugin = host.connections.get(CONNECTION)
    if plugin is not None and not plugin.connection.alive:
        host.close_connection(CONNECTION)
    if CONNECTION not in host.connections:
        options = host.get_connection_parameters("netmiko")
        host.open_connection(
            CONNECTION, task.nornir.config, hostname=options.hostname, username=options.username,
            password=options.password, port=options.port, platform=options.platform,
            extras=dict(options.extras or {}),
        )  # fmt: skip
    connection: Session = host.connections[CONNECTION].connection
    return connection
