"""network.yml against the IOS emulator: a fresh router gets its config; a second run changes nothing.

The emulator runs standalone on 127.0.0.1 (`mastertech emulator serve`), so this needs no root and
no namespaces; it is in the lab tier because it starts a server process and talks SSH to it.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from automation.ansible.runner import run_playbook
from automation.models import load_site

pytestmark = pytest.mark.lab

ROOT = Path(__file__).resolve().parents[2]
MASTERTECH = Path(sys.executable).parent / "mastertech"
PASSWORD = "network-yml-test-pw"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def emulated_r1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, int]]:
    if not MASTERTECH.exists():
        pytest.skip("the mastertech console script is not installed in .venv")
    monkeypatch.setenv("MASTERTECH_PASSWORD", PASSWORD)
    monkeypatch.setenv("MASTERTECH_VAULT", str(tmp_path / "vault.yaml"))
    port = _free_port()
    proc = subprocess.Popen(
        [str(MASTERTECH), "emulator", "serve", "--hostname", "R1", "--kind", "router", "--port", str(port),
         "--state-dir", str(tmp_path / "R1")],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=(tmp_path / "emulator.log").open("w"),
        env={**os.environ, "MASTERTECH_PASSWORD": PASSWORD},
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
                    if conn.recv(16).startswith(b"SSH-"):
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"emulator did not start: {(tmp_path / 'emulator.log').read_text()[-2000:]}")
            time.sleep(0.2)
        yield ("127.0.0.1", port)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_network_playbook_pushes_once_then_is_idempotent(
    emulated_r1: tuple[str, int], tmp_path: Path
) -> None:
    site = load_site(ROOT / "inventory" / "mastertech")
    eps = {"R1": emulated_r1}

    def run(check: bool) -> tuple[int, tuple[str, ...]]:
        result = run_playbook(
            site, "network.yml", endpoints=eps, limit=["R1"], check=check, diff=check, data_dir=tmp_path
        )
        assert result.ok, result.host("R1").failed_tasks
        return result.changed, result.host("R1").changed_tasks

    changed, _ = run(check=True)
    assert changed > 0, "check mode sees nothing to do on a fresh router"
    changed, tasks = run(check=False)
    assert "Intended configuration is present" in tasks
    changed, tasks = run(check=False)
    assert changed == 0, f"second run changed: {tasks}"
    changed, tasks = run(check=True)
    assert changed == 0, f"check mode after the push reports drift: {tasks}"
