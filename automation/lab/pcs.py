"""PCs: a namespace with one NIC that takes its address the way a desktop does.

A DHCP PC runs busybox udhcpc in the foreground for the whole life of the lab. Like a real PC it
keeps asking until a server answers (the network may be unconfigured for minutes), then renews;
its script sets the address, the default route and the namespace's own resolv.conf from the lease.
A static PC (no DHCP in its design) gets its address, gateway and DNS server set once.
"""

from __future__ import annotations

import logging
import subprocess
from pathlib import Path

from automation.lab import netns, process
from automation.lab.command import ip
from automation.lab.names import HOST_IFNAME
from automation.lab.process import ProcessRecord
from automation.lab.topology import LabNode

log = logging.getLogger(__name__)

# udhcpc: 2 discovers 1 s apart, then a 1 s pause, forever: a PC finds a new server within ~3 s.
DISCOVER_TRIES = 2
DISCOVER_TIMEOUT = 1
RETRY_PAUSE = 1

UDHCPC_SCRIPT = """#!/bin/sh
# Called by busybox udhcpc inside the PC's namespace; /etc/resolv.conf is the namespace's own file.
case "$1" in
  deconfig)
    ip -4 addr flush dev "$interface"
    ip link set "$interface" up
    ;;
  bound|renew)
    ip -4 addr flush dev "$interface"
    ip addr add "$ip/${mask:-24}" dev "$interface"
    if [ -n "$router" ]; then
      ip route replace default via "${router%% *}" dev "$interface"
    fi
    {
      [ -n "$domain" ] && echo "search $domain"
      for d in $dns; do echo "nameserver $d"; done
    } > /etc/resolv.conf
    ;;
esac
exit 0
"""


def write_script(run_dir: Path) -> Path:
    path = run_dir / "udhcpc.script"
    path.write_text(UDHCPC_SCRIPT, encoding="utf-8")
    path.chmod(0o755)
    return path


def start_dhcp_client(
    node: LabNode, script: Path, log_dir: Path
) -> tuple[subprocess.Popen[bytes], ProcessRecord]:
    ip(node.netns, "link", "set", HOST_IFNAME, "up")
    argv = [
        "busybox",
        "udhcpc",
        "-f",
        "-i",
        HOST_IFNAME,
        "-s",
        str(script),
        "-t",
        str(DISCOVER_TRIES),
        "-T",
        str(DISCOVER_TIMEOUT),
        "-A",
        str(RETRY_PAUSE),
        "-x",
        f"hostname:{node.name}",
    ]
    return process.spawn(
        f"{node.name}/udhcpc", argv, netns=node.netns, log_path=log_dir / f"{node.name}-udhcpc.log"
    )


def configure_static(node: LabNode, dns_server: str | None, domain: str | None) -> None:
    """A fixed address, gateway and resolver, as typed into a PC's network settings."""
    address = node.pc.address if node.pc else node.server.address if node.server else None
    gateway = node.pc.gateway if node.pc else node.server.gateway if node.server else None
    ip(node.netns, "link", "set", HOST_IFNAME, "up")
    if address is not None:
        ip(node.netns, "addr", "replace", str(address), "dev", HOST_IFNAME)
    if gateway is not None:
        ip(node.netns, "route", "replace", "default", "via", str(gateway), "dev", HOST_IFNAME)
    netns.write_resolv_conf(node.netns, [dns_server] if dns_server else [], domain)
