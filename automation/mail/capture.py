"""A packet capture on a PC's interface while a mail client runs there.

On the embedded lab tcpdump runs inside the PC's namespace (the provider's `capture_argv`, as
`mastertech lab capture` does); on a target reached over SSH it runs on the host itself, when the
host has it, and the file is copied back. Either way the pcap is scrubbed of the passwords the
clients sent (plaintext POP3 and IMAP carry them), so the saved file can be shared.
"""

from __future__ import annotations

import logging
import signal
import struct
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

import paramiko

from automation.errors import AutomationError
from automation.polling import until
from automation.providers.base import Endpoint

log = logging.getLogger(__name__)

START_BUDGET = 5.0  # seconds for tcpdump to say it listens
STOP_BUDGET = 5.0  # seconds for tcpdump to flush and exit after SIGINT
SETTLE = 0.5  # seconds of tail after the client ended: the last FIN and ACK reach the file
# Packets go to tcpdump as they arrive, not when a ring-buffer block times out (a second): else
# the last session before SIGINT can be missing from the file.
IMMEDIATE = ("--immediate-mode",)
PCAP_HEADER = 24
RECORD_HEADER = 16


class Capture(Protocol):
    note: str  # why there is no pcap, or where it is

    def start(self) -> None: ...

    def stop(self) -> Path | None: ...


class NoCapture:
    def __init__(self, note: str) -> None:
        self.note = note

    def start(self) -> None:
        """Nothing to start: the reason is in `note`."""

    def stop(self) -> Path | None:
        return None


class ProcessCapture:
    """tcpdump as a local process (in a namespace on the embedded lab)."""

    def __init__(self, argv: Sequence[str], out: Path) -> None:
        self.argv = list(argv)
        self.out = out
        self.note = f"pcap {out}"
        self._proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self._proc = subprocess.Popen(self.argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if not _wait_listening(self._proc):
            self.note = "tcpdump did not start; no pcap"
            self.stop()
            self._proc = None

    def stop(self) -> Path | None:
        if self._proc is None:
            return None
        time.sleep(SETTLE)
        self._proc.send_signal(signal.SIGINT)
        try:
            self._proc.wait(timeout=STOP_BUDGET)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        self._proc = None
        return self.out if self.out.exists() else None


def _wait_listening(proc: subprocess.Popen[bytes]) -> bool:
    """tcpdump prints `listening on IFACE` on stderr once its capture runs."""
    assert proc.stderr is not None
    deadline = time.monotonic() + START_BUDGET
    seen = b""
    while time.monotonic() < deadline and proc.poll() is None:
        chunk = proc.stderr.readline()
        seen += chunk
        if b"listening on" in seen:
            return True
    return False


class SshCapture:
    """tcpdump on a host reached over SSH; the file is copied back and removed there."""

    def __init__(self, endpoint: Endpoint, user: str, password: str, out: Path, bpf: str) -> None:
        self.endpoint, self.user, self._password, self.out, self.bpf = endpoint, user, password, out, bpf
        self.note = f"pcap {out}"
        self._client: paramiko.SSHClient | None = None
        self._channel: paramiko.Channel | None = None
        self._remote = f"/tmp/mastertech-trace-{out.stem}.pcap"
        self._pid = ""

    def start(self) -> None:
        client = paramiko.SSHClient()
        client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
        try:
            client.connect(
                self.endpoint.host, self.endpoint.port, username=self.user, password=self._password,
                timeout=10, allow_agent=False, look_for_keys=False,
            )  # fmt: skip
            _, stdout, _ = client.exec_command("command -v tcpdump", timeout=10)
            if not stdout.read().strip():
                self.note = f"no tcpdump on {self.endpoint.host}; no pcap"
                client.close()
                return
            transport = client.get_transport()
            assert transport is not None  # connected just above
            channel = transport.open_session()
            channel.set_combine_stderr(True)
            flags = " ".join(IMMEDIATE)
            channel.exec_command(f"echo $$; exec tcpdump -n -U {flags} -i any -w {self._remote} {self.bpf}")
            self._client, self._channel = client, channel
            seen = ""

            def started() -> bool:
                nonlocal seen
                while channel.recv_ready():
                    seen += channel.recv(4096).decode(errors="replace")
                return "listening on" in seen or channel.exit_status_ready()

            until(started, START_BUDGET, 0.05)
            self._pid = seen.split("\n", 1)[0].strip()
            if "listening on" not in seen:
                self.note = f"tcpdump did not start on {self.endpoint.host}: {seen[-200:].strip()}"
                self._close()
        except (OSError, paramiko.SSHException) as exc:
            self.note = f"cannot capture on {self.endpoint.host}: {exc}"
            client.close()

    def stop(self) -> Path | None:
        if self._client is None:
            return None
        time.sleep(SETTLE)
        client = self._client
        try:
            if self._pid.isdigit():
                client.exec_command(f"kill -INT {self._pid}", timeout=10)[1].read()
            if self._channel is not None:
                until(self._channel.exit_status_ready, STOP_BUDGET, 0.05)
            self.out.parent.mkdir(parents=True, exist_ok=True)
            # cat, not SFTP: a lab host's sshd need not offer the sftp subsystem.
            _, stdout, _ = client.exec_command(f"cat {self._remote}; rm -f {self._remote}", timeout=30)
            data = stdout.read()
            if not data:
                self.note = f"no pcap came back from {self.endpoint.host}"
                return None
            self.out.write_bytes(data)
        except (OSError, paramiko.SSHException) as exc:
            self.note = f"pcap not copied from {self.endpoint.host}: {exc}"
            return None
        finally:
            self._close()
        return self.out

    def _close(self) -> None:
        if self._client is not None:
            self._client.close()
        self._client = self._channel = None


# --- scrubbing -------------------------------------------------------------------------------------


def _checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    total = sum(int.from_bytes(data[i : i + 2], "big") for i in range(0, len(data), 2))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def _ip_offset(linktype: int, frame: bytes) -> int | None:
    if linktype == 1 and frame[12:14] == b"\x08\x00":  # Ethernet II, IPv4
        return 14
    if linktype == 113 and frame[14:16] == b"\x08\x00":  # Linux cooked v1
        return 16
    if linktype == 276 and frame[0:2] == b"\x08\x00":  # Linux cooked v2 (tcpdump 4.99 -i any)
        return 20
    return None


def _fix_tcp_checksum(linktype: int, frame: bytearray) -> None:
    at = _ip_offset(linktype, bytes(frame))
    if at is None or len(frame) < at + 20 or frame[at + 9] != 6:
        return
    ihl = (frame[at] & 0x0F) * 4
    total = int.from_bytes(frame[at + 2 : at + 4], "big")
    tcp = at + ihl
    end = min(len(frame), at + total)
    segment = bytearray(frame[tcp:end])
    if len(segment) < 20:
        return
    segment[16:18] = b"\0\0"
    pseudo = bytes(frame[at + 12 : at + 20]) + struct.pack("!BBH", 0, 6, len(segment))
    frame[tcp + 16 : tcp + 18] = _checksum(pseudo + bytes(segment)).to_bytes(2, "big")


def scrub_pcap(path: Path, secrets: Sequence[str]) -> int:
    """Overwrite every secret in the captured packets with asterisks of the same length (the TCP
    stream keeps its sequence numbers) and fix those packets' TCP checksums; how many were changed."""
    data = bytearray(path.read_bytes())
    if len(data) < PCAP_HEADER:
        return 0
    magic = bytes(data[:4])
    order = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    linktype = int(struct.unpack(f"{order}I", data[20:24])[0])
    needles = [s.encode() for s in secrets if s]
    changed, at = 0, PCAP_HEADER
    while at + RECORD_HEADER <= len(data):
        caplen = struct.unpack(f"{order}I", data[at + 8 : at + 12])[0]
        start, end = at + RECORD_HEADER, at + RECORD_HEADER + caplen
        frame = bytearray(data[start:end])
        hit = False
        for needle in needles:
            while needle in frame:
                i = frame.index(needle)
                frame[i : i + len(needle)] = b"*" * len(needle)
                hit = True
        if hit:
            _fix_tcp_checksum(linktype, frame)
            data[start:end] = frame
            changed += 1
        at = end
    if changed:
        path.write_bytes(bytes(data))
    return changed


def capture_on(
    pc: str, out: Path, bpf: str, argv_for: Callable[[str, str, Path], list[str]] | None,
    ssh: tuple[Endpoint, str, str] | None,
) -> Capture:  # fmt: skip
    """The capture that fits the target: a local process where the provider gives a tcpdump
    command line, SSH where the PC has an endpoint, else none (with the reason)."""
    if argv_for is not None:
        try:
            argv = argv_for(pc, "eth0", out)
        except AutomationError as exc:
            return NoCapture(f"cannot capture on {pc}: {exc}; no pcap")
        return ProcessCapture([*argv, *IMMEDIATE, "-Z", "root", *bpf.split()], out)
    if ssh is not None:
        endpoint, user, password = ssh
        return SshCapture(endpoint, user, password, out, bpf)
    return NoCapture(f"{pc} cannot be captured on this target; no pcap")
