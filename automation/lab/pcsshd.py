"""An sshd in a PC's namespace, so that the end-to-end probes reach a PC like any remote host.

A PC is a bare network namespace on this machine's file system, so its sshd gets a private mount
namespace (the one `ip netns exec` makes) with three things of its own bind-mounted there and
nowhere else: an /etc/shadow holding only root's hash of the lab password, an empty /root (the
host root's dotfiles, shell start-up and vault stay out of the PC), and the PC's own
/etc/resolv.conf, which `ip netns exec` already brings. Login is `root` with the server password
from `automation.secrets`, the same as the lab's server nodes.

The sshd listens on 127.0.0.1:22 inside the PC only; the root namespace reaches it through a
`Forwarder` of the controller on a loopback port (`lab status` shows it as the PC's `mgmt`).
"""

from __future__ import annotations

import functools
import subprocess
from pathlib import Path

from automation.lab import process
from automation.lab.command import run
from automation.lab.forwarder import SSHD_PORT, Forwarder
from automation.lab.process import ProcessRecord
from automation.lab.topology import LabNode

SSHD = "/usr/sbin/sshd"

SSHD_CONFIG = """# sshd of lab PC {name}: written by automation/lab/pcsshd.py at each lab start.
Port {port}
ListenAddress 127.0.0.1
HostKey {key}
PidFile none
PermitRootLogin yes
PasswordAuthentication yes
KbdInteractiveAuthentication no
PubkeyAuthentication no
AuthorizedKeysFile none
UsePAM no
UseDNS no
PrintMotd no
PrintLastLog no
"""

# Run by `ip netns exec`, whose mount namespace is private to it: the binds never reach the host.
START = (
    'mount --bind "$1" /etc/shadow && mount --bind "$2" /root && mkdir -p /run/sshd '
    '&& exec "$3" -D -e -f "$4"'
)


@functools.lru_cache(maxsize=4)  # one hash for every PC of a lab (and each sshd restart)
def password_hash(password: str) -> str:
    """A SHA-512 crypt hash; the password goes through a pipe, never through argv."""
    return run(["openssl", "passwd", "-6", "-stdin"], stdin=password + "\n").stdout.strip()


def prepare(node: LabNode, run_dir: Path, password: str) -> Path:
    """Write the PC's sshd files (config, host key, shadow, empty home); returns its directory."""
    base = run_dir / "pcs" / node.name
    (base / "home").mkdir(parents=True, exist_ok=True, mode=0o700)
    key = base / "ssh_host_ed25519_key"
    if not key.exists():
        run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", f"lab PC {node.name}", "-f", str(key)])
    (base / "sshd_config").write_text(SSHD_CONFIG.format(name=node.name, port=SSHD_PORT, key=key))
    shadow = base / "shadow"
    shadow.touch(mode=0o600)
    shadow.write_text(f"root:{password_hash(password)}:19000:0:99999:7:::\n", encoding="utf-8")
    return base


def forwarder(node: LabNode) -> Forwarder:
    """The PC's loopback endpoint; it connects to the sshd anew for each session."""
    return Forwarder(node.name, f"/run/netns/{node.netns}")


def start(node: LabNode, run_dir: Path, password: str) -> tuple[subprocess.Popen[bytes], ProcessRecord]:
    """Start the PC's sshd (again after it died); the caller waits for the banner."""
    base = prepare(node, run_dir, password)
    argv = [
        "sh",
        "-c",
        START,
        "pc-sshd",
        str(base / "shadow"),
        str(base / "home"),
        SSHD,
        str(base / "sshd_config"),
    ]
    return process.spawn(
        f"{node.name}/sshd", argv, netns=node.netns, log_path=run_dir / "pcs" / f"{node.name}-sshd.log"
    )
