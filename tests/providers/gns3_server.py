"""A real gns3-server 3.0.6 (from PyPI, in .venv/gns3-server) on a loopback address with private
paths. Not 127.0.0.1: a controller joins two computes with UDP tunnels only between addresses it
trusts, and it takes 127.0.0.1 for "unknown" (another 127/8 address is loopback all the same).

Installed once (`make gns3-server`, run here when missing) and started per test session on a
free port; stopped by PID. Every file it writes lives under the session's tmp folder, and its
home is pointed there too, so nothing of the user's GNS3 is read or touched.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
VENV = ROOT / ".venv" / "gns3-server"
SERVER = VENV / "bin" / "gns3server"
USER, PASSWORD = "admin", "mastertech-test"
READY_BUDGET = 60.0

CONFIG = """\
[Server]
host = {host}
port = {port}
projects_path = {root}/projects
images_path = {root}/images
configs_path = {root}/configs
symbols_path = {root}/symbols
appliances_path = {root}/appliances
secrets_dir = {root}/secrets
report_errors = False
console_start_port_range = {console}
console_end_port_range = {console_end}
vnc_console_start_port_range = {vnc}
vnc_console_end_port_range = {vnc_end}
udp_start_port_range = {udp}
udp_end_port_range = {udp_end}
ubridge_path = {root}/no-ubridge
hardware_virtualization_check = False
compute_username = compute
compute_password = {compute_password}

[Controller]
default_admin_username = {user}
default_admin_password = {password}

[Qemu]
enable_hardware_acceleration = False
"""


def free_port(host: str) -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def install() -> None:
    if not SERVER.exists():
        subprocess.run(["make", "--no-print-directory", "gns3-server"], cwd=ROOT, check=True, timeout=600)


@dataclass
class RunningServer:
    url: str
    root: Path
    process: subprocess.Popen[bytes]

    def log(self) -> str:
        return (self.root / "server.log").read_text(errors="replace")[-3000:]

    def jwt_key(self) -> str:
        return (self.root / "secrets" / "gns3_jwt_secret_key").read_text().strip()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


def compute_login(server: RunningServer) -> tuple[str, str]:
    """The user and password another controller logs into `server`'s compute API with."""
    text = (server.root / "gns3_server.conf").read_text()
    user = next(ln.split("=", 1)[1].strip() for ln in text.splitlines() if ln.startswith("compute_username"))
    password = next(
        ln.split("=", 1)[1].strip() for ln in text.splitlines() if ln.startswith("compute_password")
    )
    return user, password


def start(root: Path, host: str = "127.0.0.3") -> RunningServer:
    install()
    port = free_port(host)
    base = 20000 + (port % 2000) * 10
    for sub in ("projects", "images", "configs", "symbols", "appliances", "secrets", "home"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    config = root / "gns3_server.conf"
    config.write_text(
        CONFIG.format(
            port=port,
            host=host,
            root=root,
            console=base,
            console_end=base + 199,
            vnc=base + 200,
            vnc_end=base + 299,
            udp=base + 300,
            udp_end=base + 999,
            user=USER,
            password=PASSWORD,
            compute_password=os.urandom(8).hex(),
        )
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GNS3_", "VIRTUAL_ENV"))}
    env["HOME"] = str(root / "home")
    with open(root / "server.log", "wb") as log:
        process = subprocess.Popen(
            [str(SERVER), "--config", str(config), "--local", "--host", host, "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=root,
            start_new_session=True,
        )
    server = RunningServer(f"http://{host}:{port}", root, process)
    deadline = time.monotonic() + READY_BUDGET
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gns3server exited with {process.returncode}:\n{server.log()}")
        try:
            if httpx.get(f"{server.url}/v3/version", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    server.stop()
    raise RuntimeError(f"gns3server not ready within {READY_BUDGET} s:\n{server.log()}")
