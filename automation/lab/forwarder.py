"""A loopback endpoint in the root namespace for a TCP service inside a lab namespace.

The root namespace never gets a route into the lab. A node's sshd is reached instead through a
thread of the process that owns the lab: it listens on 127.0.0.1 in the root namespace and opens
each connection from inside the node's network namespace to 127.0.0.1:22 there, and nowhere else.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import selectors
import socket
import threading

log = logging.getLogger(__name__)

CLONE_NEWNET = 0x40000000
SSHD_PORT = 22


def _enter_netns(path: str) -> None:
    """Move the calling thread (only) into a network namespace; sockets it opens then live there."""
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open(path, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            err = ctypes.get_errno()
            raise OSError(err, f"setns({path}): {os.strerror(err)}")
    finally:
        os.close(fd)


class Forwarder:
    """127.0.0.1:<port> in the root namespace -> 127.0.0.1:22 inside one node's network namespace."""

    def __init__(self, name: str, netns_path: str, port_inside: int = SSHD_PORT) -> None:
        self.name = name
        self.netns_path = netns_path
        self.port_inside = port_inside
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._closed = threading.Event()
        self._conns: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._accept, name=f"ssh-forward-{name}", daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(
                target=self._serve, args=(client,), name=f"ssh-pipe-{self.name}", daemon=True
            ).start()

    def _serve(self, client: socket.socket) -> None:
        try:
            _enter_netns(self.netns_path)
            upstream = socket.create_connection(("127.0.0.1", self.port_inside), timeout=5)
        except OSError as exc:
            log.debug("%s: ssh forward cannot reach sshd: %s", self.name, exc)
            client.close()
            return
        upstream.settimeout(None)
        with self._lock:
            self._conns.update((client, upstream))
        try:
            self._pump(client, upstream)
        finally:
            with self._lock:
                self._conns.difference_update((client, upstream))
            client.close()
            upstream.close()

    @staticmethod
    def _pump(a: socket.socket, b: socket.socket) -> None:
        peer = {a: b, b: a}
        open_reads = {a, b}
        with selectors.DefaultSelector() as sel:
            for s in open_reads:
                sel.register(s, selectors.EVENT_READ)
            while open_reads:
                for key, _ in sel.select():
                    src: socket.socket = key.fileobj  # type: ignore[assignment]
                    try:
                        data = src.recv(65536)
                    except OSError:
                        return
                    if data:
                        try:
                            peer[src].sendall(data)
                        except OSError:
                            return
                        continue
                    # One side finished sending: pass the half-close on, keep the other direction.
                    sel.unregister(src)
                    open_reads.discard(src)
                    with contextlib.suppress(OSError):
                        peer[src].shutdown(socket.SHUT_WR)

    def close(self) -> None:
        self._closed.set()
        with contextlib.suppress(OSError):
            self._listener.close()
        with self._lock:
            for conn in list(self._conns):
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)
