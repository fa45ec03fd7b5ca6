"""dnsmasq as a router's IOS DHCP server (`ip dhcp pool`) and relay (`ip helper-address`).

One dnsmasq per router, DHCP only (no DNS). Its configuration is generated from the running config;
dnsmasq cannot reload its ranges, so it restarts when (and only when) that text changes. Leases
live in a file that survives restarts, and `show ip dhcp binding` reads it. `no-ping` matters:
without it dnsmasq probes each address for ~3 s and slow clients give up on the offer.
"""

from __future__ import annotations

import hashlib
import logging
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from ipaddress import IPv4Address, IPv4Network
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined

from automation.emulator.config import DhcpPool, RunningConfig
from automation.errors import printable
from automation.lab import process
from automation.lab.budgets import BUDGETS, INTERVALS
from automation.lab.names import dotted_mac
from automation.lab.process import ProcessRecord
from automation.polling import until

log = logging.getLogger(__name__)

DEFAULT_LEASE = 86400  # IOS pools lease for one day unless `lease` says otherwise


def lease_seconds(pool: DhcpPool) -> str:
    if pool.lease == "infinite":
        return "infinite"
    if pool.lease is None:
        return str(DEFAULT_LEASE)
    days, hours, minutes = pool.lease
    return str(max(120, days * 86400 + hours * 3600 + minutes * 60))


def free_ranges(
    network: IPv4Network, excluded: list[tuple[IPv4Address, IPv4Address]]
) -> list[tuple[IPv4Address, IPv4Address]]:
    """Host addresses of `network` outside every excluded range, as (first, last) runs.

    >>> net = IPv4Network("192.168.10.0/24")
    >>> free_ranges(net, [(IPv4Address("192.168.10.1"), IPv4Address("192.168.10.9"))])
    [(IPv4Address('192.168.10.10'), IPv4Address('192.168.10.254'))]
    """
    if network.prefixlen >= 31:
        return []
    low, high = int(network.network_address) + 1, int(network.broadcast_address) - 1
    runs: list[tuple[IPv4Address, IPv4Address]] = []
    cursor = low
    for lo, hi in sorted((int(a), int(b)) for a, b in excluded):
        if hi < cursor or lo > high:
            continue
        if lo > cursor:
            runs.append((IPv4Address(cursor), IPv4Address(lo - 1)))
        cursor = max(cursor, hi + 1)
    if cursor <= high:
        runs.append((IPv4Address(cursor), IPv4Address(high)))
    return runs


@dataclass(frozen=True)
class Pool:
    """One `ip dhcp pool` as dnsmasq takes it."""

    name: str
    tag: str
    netmask: IPv4Address
    lease: str
    ranges: tuple[tuple[IPv4Address, IPv4Address], ...]
    routers: tuple[str, ...]
    dns_servers: tuple[str, ...]
    domain: str | None


def pool_tag(name: str) -> str:
    """A dnsmasq tag for a pool, from its name: stable whatever the order of the pools.

    >>> pool_tag("BACKEND") == pool_tag("BACKEND") != pool_tag("FRONTEND")
    True
    """
    return "pool-" + hashlib.sha256(name.encode()).hexdigest()[:12]


def pools(cfg: RunningConfig) -> list[Pool]:
    own = [(a.ip, a.ip) for i in cfg.interfaces.values() if not i.shutdown for a in i.addresses]
    excluded = [(r.low, r.high or r.low) for r in cfg.dhcp_excluded] + own
    return [
        Pool(
            name=printable(name),
            tag=pool_tag(name),
            netmask=pool.network.netmask,
            lease=lease_seconds(pool),
            ranges=tuple(free_ranges(pool.network, excluded)),
            routers=tuple(map(str, pool.default_routers)),
            dns_servers=tuple(map(str, pool.dns_servers)),
            domain=pool.domain_name,
        )
        for name, pool in sorted(cfg.dhcp_pools.items())
        if pool.network is not None
    ]


def relays(cfg: RunningConfig) -> list[tuple[IPv4Address, IPv4Address]]:
    return [
        (iface.address.ip, helper)
        for iface in cfg.sorted_interfaces()
        if iface.address is not None and not iface.shutdown
        for helper in iface.helper_addresses
    ]


_TEMPLATE = Environment(
    loader=PackageLoader("automation.lab"), undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
    keep_trailing_newline=True, autoescape=False,
).get_template("dnsmasq.conf.j2")  # fmt: skip


def render(cfg: RunningConfig, run_dir: Path) -> str | None:
    """dnsmasq.conf for the router's pools and helpers; None when it needs no DHCP at all."""
    context = {"run_dir": run_dir, "pools": pools(cfg), "relays": relays(cfg)}
    if not context["pools"] and not context["relays"]:
        return None
    return _TEMPLATE.render(context)


@dataclass(frozen=True)
class Lease:
    expiry: int  # epoch seconds, 0 = infinite
    mac: str
    address: IPv4Address
    hostname: str | None
    client_id: str | None

    @property
    def ios_client_id(self) -> str:
        """IOS prints the client identifier in dotted groups: `01` + MAC for Ethernet clients."""
        raw = (self.client_id or "01:" + self.mac).replace(":", "").lower()
        return ".".join(raw[i : i + 4] for i in range(0, len(raw), 4))

    @property
    def ios_mac(self) -> str:
        return dotted_mac(self.mac)

    @property
    def ios_expires(self) -> str | None:
        if self.expiry == 0:
            return None
        return datetime.fromtimestamp(self.expiry).strftime("%b %d %Y %I:%M %p")


def read_leases(path: Path) -> list[Lease]:
    if not path.exists():
        return []
    out: list[Lease] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) < 5 or ":" not in parts[1]:
            continue
        out.append(
            Lease(
                int(parts[0]),
                parts[1],
                IPv4Address(parts[2]),
                None if parts[3] == "*" else parts[3],
                None if parts[4] == "*" else parts[4],
            )
        )
    return out


class DnsmasqInstance:
    """The DHCP server/relay of one router; restarted only when its configuration changes."""

    def __init__(
        self, netns: str, run_dir: Path, on_start: Callable[[ProcessRecord], None] | None = None
    ) -> None:
        self.netns = netns
        self.dir = run_dir
        self.conf_text: str | None = None
        self.record: ProcessRecord | None = None
        self.child: subprocess.Popen[bytes] | None = None
        self.on_start = on_start

    @property
    def lease_file(self) -> Path:
        return self.dir / "dnsmasq.leases"

    def apply(self, conf: str | None) -> bool:
        if conf == self.conf_text and (conf is None or self.running()):
            return False
        self.stop()
        self.conf_text = conf
        if conf is None:
            return True
        self.dir.mkdir(parents=True, exist_ok=True)
        path = self.dir / "dnsmasq.conf"
        path.write_text(conf, encoding="utf-8")
        proc, rec = process.spawn(
            f"{self.netns}/dnsmasq",
            ["dnsmasq", "--keep-in-foreground", "-C", str(path)],
            netns=self.netns,
            log_path=self.dir / "dnsmasq.out",
        )
        self.child, self.record = proc, rec
        if self.on_start:
            self.on_start(rec)
        log.info("%s: dnsmasq (re)started", self.netns)
        return True

    def running(self) -> bool:
        return self.record is not None and process.alive(self.record)

    def stop(self) -> None:
        if self.record is not None:
            process.stop([self.record], children={self.child.pid: self.child} if self.child else None)
            # The new instance must not race the old one for port 67.
            record = self.record
            until(lambda: not process.alive(record), BUDGETS.process_stop, INTERVALS.poll)
        self.record = None
        self.child = None
