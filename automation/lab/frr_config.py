"""The FRR configuration of a lab router, from its IOS running config: zebra, staticd, ospfd.

Interface names are mapped to the kernel's. Timers are the lab's own (hello 1 s, no LSA/SPF
throttling) so that a change converges in about a second; `show` commands keep printing what the
IOS configuration says. `diff` turns one configuration into the next as vtysh commands.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Network
from pathlib import Path

from automation.emulator.config import OspfProcess, RunningConfig

log = logging.getLogger(__name__)

DAEMONS = ("zebra", "staticd", "ospfd")
HELLO = 1
DEAD = 3
RETRANSMIT = 1

Block = tuple[str | None, tuple[str, ...]]


@dataclass
class FrrConfig:
    """Per-daemon configuration lines, each a list of (block header or None, lines)."""

    zebra: list[Block] = field(default_factory=list)
    staticd: list[Block] = field(default_factory=list)
    ospfd: list[Block] = field(default_factory=list)


def wildcard_prefix(address: IPv4Address, wildcard: IPv4Address) -> IPv4Network | None:
    """`10.0.12.0 0.0.0.3` -> 10.0.12.0/30; None for a non-contiguous wildcard.

    >>> wildcard_prefix(IPv4Address("192.168.10.0"), IPv4Address("0.0.0.255"))
    IPv4Network('192.168.10.0/24')
    """
    mask = ~int(wildcard) & 0xFFFFFFFF
    try:
        return IPv4Network((int(address) & mask, str(IPv4Address(mask))))
    except ValueError:
        return None


# IOS `ip ospf network` kinds FRR 8.4 takes as they are; IOS's `point-to-multipoint
# non-broadcast` has no FRR 8.4 form and runs as point-to-multipoint.
OSPF_NETWORKS = {
    "point-to-point": "point-to-point",
    "broadcast": "broadcast",
    "non-broadcast": "non-broadcast",
    "point-to-multipoint": "point-to-multipoint",
    "point-to-multipoint non-broadcast": "point-to-multipoint",
}


def render(cfg: RunningConfig, ifname_of: Callable[[str], str | None], log_dir: Path) -> FrrConfig:
    """FRR configuration of a router's running config. `ifname_of` maps IOS names to kernel names."""
    out = FrrConfig()
    out.zebra.append((None, (f"log file {log_dir / 'zebra.log'}",)))
    statics: list[str] = []
    for sr in cfg.static_routes:
        target = str(sr.next_hop) if sr.next_hop is not None else None
        if sr.interface is not None:
            ifname = ifname_of(sr.interface)
            if ifname is None:
                continue
            target = f"{ifname} {target}" if target else ifname
        if target is None:
            continue
        distance = f" {sr.distance}" if sr.distance else ""
        statics.append(f"ip route {sr.prefix} {target}{distance}")
    # `ip route ... Null0`: a discard route, the kernel's blackhole.
    statics += [
        f"ip route {sr.prefix} blackhole" + (f" {sr.distance}" if sr.distance else "")
        for sr in cfg.null_routes
    ]
    if statics:
        out.staticd.append((None, (f"log file {log_dir / 'staticd.log'}", *statics)))
    proc = _ospf(cfg)
    if proc is None:
        return out
    out.ospfd.append((None, (f"log file {log_dir / 'ospfd.log'}",)))
    # An interface's `ip ospf PID area A` becomes FRR's `ip ospf area A` on that interface.
    # FRR refuses that form while the instance has any `network` line (IOS runs both), and
    # every Loopback shares the kernel's `lo`: then each becomes `network ADDRESS/32 area A`,
    # which selects just that interface.
    areas = _interface_areas(cfg, proc.process_id)
    by_network = bool(proc.networks) or any(ifname_of(name) == "lo" for name in areas)
    host_networks = [
        f"network {iface.address.ip}/32 area {areas[iface.name]}"
        for iface in cfg.sorted_interfaces()
        if by_network and iface.name in areas and iface.address is not None
    ]
    for iface in cfg.sorted_interfaces():
        ifname = ifname_of(iface.name)
        if ifname is None or iface.switchport is not None or ifname == "lo":
            continue
        lines = [
            f"ip ospf hello-interval {iface.ospf_hello or HELLO}",
            f"ip ospf dead-interval {iface.ospf_dead or (iface.ospf_hello or HELLO) * DEAD}",
            # The first database description of an adjacency is often lost while both ends are
            # still settling; the default 5 s retransmit doubles the time to FULL.
            f"ip ospf retransmit-interval {RETRANSMIT}",
        ]
        if iface.ospf_network is not None:
            lines.append(f"ip ospf network {OSPF_NETWORKS.get(iface.ospf_network, 'broadcast')}")
        elif iface.address is not None and iface.address.network.prefixlen >= 30:
            # A /30 or /31 holds two routers: no DR election. FRR 8.4 sometimes never
            # re-originates its router-LSA after DR/BDR churn on such links (a 20-router chain
            # stayed split for minutes); point-to-point has no elections and no wait timer.
            lines.append("ip ospf network point-to-point")
        if iface.ospf_cost is not None:
            lines.append(f"ip ospf cost {iface.ospf_cost}")
        if iface.ospf_priority is not None:
            lines.append(f"ip ospf priority {iface.ospf_priority}")
        if proc.is_passive(iface.name):
            lines.append("ip ospf passive")
        if iface.name in areas and not by_network:
            lines.append(f"ip ospf area {areas[iface.name]}")
        out.ospfd.append((f"interface {ifname}", tuple(lines)))
    body = [] if proc.router_id is None else [f"ospf router-id {proc.router_id}"]
    body += ["timers throttle spf 0 50 500", "timers throttle lsa all 0", "timers lsa min-arrival 0"]
    for net in proc.networks:
        prefix = wildcard_prefix(net.address, net.wildcard)
        if prefix is None:
            log.warning("%s: non-contiguous OSPF wildcard %s ignored", cfg.hostname, net.wildcard)
            continue
        body.append(f"network {prefix} area {net.area}")
    body += host_networks
    out.ospfd.append(("router ospf", tuple(body)))
    return out


def _interface_areas(cfg: RunningConfig, pid: int) -> dict[str, str]:
    """IOS interface name -> area of its `ip ospf PID area A`, for the process FRR runs."""
    return {
        i.name: i.ospf_area[1]
        for i in cfg.sorted_interfaces()
        if i.ospf_area is not None and i.ospf_area[0] == pid
    }


def _ospf(cfg: RunningConfig) -> OspfProcess | None:
    """FRR runs one OSPF instance: the lowest-numbered IOS process, or, with no `router ospf`,
    the lowest process an interface's `ip ospf PID area A` names."""
    if cfg.ospf:
        return cfg.ospf[min(cfg.ospf)]
    pids = [i.ospf_area[0] for i in cfg.interfaces.values() if i.ospf_area is not None]
    return OspfProcess(min(pids)) if pids else None


def text(blocks: list[Block]) -> str:
    out: list[str] = []
    for header, lines in blocks:
        if header is None:
            out.extend(lines)
        else:
            out.append(header)
            out.extend(f" {line}" for line in lines)
            out.append("exit")
        out.append("!")
    return "\n".join(out) + "\n"


def negate(line: str) -> str:
    return line[3:] if line.startswith("no ") else f"no {line}"


def diff(old: list[Block], new: list[Block]) -> list[str]:
    """vtysh configuration commands that turn `old` into `new` (both from `render`)."""
    olds = dict(old)
    news = dict(new)
    cmds: list[str] = []
    for header, lines in old:
        if header in news:
            continue
        if header is not None and header.startswith("router "):
            cmds.append(f"no {header}")
            continue
        if header is not None:
            cmds.append(header)
        cmds.extend(negate(line) for line in lines if not line.startswith("log "))
        if header is not None:
            cmds.append("exit")
    for header, lines in new:
        before = olds.get(header, ())
        removed = [line for line in before if line not in lines]
        added = [line for line in lines if line not in before]
        if not removed and not added:
            continue
        if header is not None:
            cmds.append(header)
        cmds.extend(negate(line) for line in removed)
        cmds.extend(added)
        if header is not None:
            cmds.append("exit")
    return cmds


def router_id(blocks: list[Block]) -> str | None:
    for header, lines in blocks:
        if header == "router ospf":
            return next((line for line in lines if line.startswith("ospf router-id")), None)
    return None
