"""Network namespaces of the lab: create, list, delete, and the per-namespace /etc files.

`ip netns exec` bind-mounts /etc/netns/<name>/* over /etc, which gives every node its own
resolv.conf and hosts. Those files must exist before the first `exec`, and must be rewritten in
place (never renamed over), because a rename cannot replace a bind mount.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from automation.errors import LabError
from automation.lab.command import ip, run
from automation.lab.names import NETNS_PREFIX

log = logging.getLogger(__name__)

NETNS_DIR = Path("/var/run/netns")
ETC_NETNS = Path("/etc/netns")


def list_namespaces() -> list[str]:
    out = ip(None, "netns", "list")
    return [line.split()[0] for line in out.splitlines() if line.strip()]


def exists(name: str) -> bool:
    return (NETNS_DIR / name).exists()


# Which lab directory created each namespace. Not inside /etc/netns/<name>/: `ip netns exec`
# bind-mounts every file there over /etc and complains about one that /etc does not have.
OWNERS = Path("/run/mastertech/netns-owners")


def owner(name: str) -> str | None:
    """The lab directory that created namespace `name` (None: unknown or not a lab namespace)."""
    try:
        return (OWNERS / name).read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def create(name: str, hostname: str, lab_root: str | None = None) -> None:
    """A fresh namespace with lo up, no IPv6 (quiet links), and its own resolv.conf and hosts.

    `lab_root` is recorded with it, so that another lab directory never tears it down."""
    if not name.startswith(NETNS_PREFIX):
        raise LabError(f"refusing to create namespace {name!r}: lab namespaces start with {NETNS_PREFIX}")
    ip(None, "netns", "add", name)
    etc = ETC_NETNS / name
    etc.mkdir(parents=True, exist_ok=True)
    (etc / "resolv.conf").write_text("", encoding="utf-8")
    (etc / "hosts").write_text(f"127.0.0.1 localhost\n127.0.1.1 {hostname}\n", encoding="utf-8")
    if lab_root:
        OWNERS.mkdir(parents=True, exist_ok=True)
        (OWNERS / name).write_text(lab_root + "\n", encoding="utf-8")
    ip(name, "link", "set", "lo", "up")
    # No IPv6 (quiet links, no DAD); no ICMP rate limit, or a second traceroute within a
    # second finds the destination silent.
    run(
        [
            "ip",
            "netns",
            "exec",
            name,
            "sysctl",
            "-qw",
            "net.ipv6.conf.all.disable_ipv6=1",
            "net.ipv6.conf.default.disable_ipv6=1",
            "net.ipv4.icmp_ratelimit=0",
        ]
    )


def sysctl(name: str, key: str, value: str) -> None:
    """Set a sysctl inside the namespace only (never the root namespace's)."""
    if not name.startswith(NETNS_PREFIX):
        raise LabError(f"refusing to set {key} outside a lab namespace")
    run(["ip", "netns", "exec", name, "sysctl", "-qw", f"{key}={value}"])


def read_sysctl(name: str, key: str) -> str:
    return run(["ip", "netns", "exec", name, "sysctl", "-n", key]).stdout.strip()


def write_resolv_conf(name: str, nameservers: list[str], search: str | None) -> None:
    lines = [f"search {search}"] if search else []
    lines += [f"nameserver {ns}" for ns in nameservers]
    path = ETC_NETNS / name / "resolv.conf"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:  # in place: it may be bind-mounted right now
        fh.write("\n".join(lines) + ("\n" if lines else ""))


def pids(name: str) -> list[int]:
    """Every process whose network namespace is `name`."""
    if not exists(name):
        return []
    out = ip(None, "netns", "pids", name, check=False)
    return [int(p) for p in out.split() if p.isdigit()]


def delete(name: str) -> None:
    if not name.startswith(NETNS_PREFIX):
        raise LabError(f"refusing to delete namespace {name!r}: not a lab namespace")
    if exists(name):
        ip(None, "netns", "delete", name, check=False)
    shutil.rmtree(ETC_NETNS / name, ignore_errors=True)
    (OWNERS / name).unlink(missing_ok=True)
    log.debug("%s: namespace deleted", name)
