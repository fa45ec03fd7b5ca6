"""Show outputs of the stored-only features: logging, SNMP, LLDP/LACP, OSPF process views,
`show ip protocols`, `show ip ssh`, route filters and summary, `show vlan id|all-ports`.

Layouts are IOS 15.x from memory unless an ntc-templates template constrains them (then they
are checked by tests/emulator/test_show_parsing.py); see the emulator README.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from ipaddress import IPv4Address

from automation.emulator.config import Interface, OspfProcess, RunningConfig
from automation.emulator.dataplane import OspfNeighbor, Route
from automation.emulator.shows.routing import classful
from automation.platforms.cisco_ios import short_name


def show_logging(cfg: RunningConfig, buffer: Sequence[str]) -> str:
    log = cfg.logging
    count = len(buffer)
    console = f"level {log.console_level or 'debugging'}" if log.console else "disabled"
    monitor = f"level {log.monitor_level or 'debugging'}" if log.monitor else "disabled"
    buffered = f"level {log.buffered_level or 'debugging'}" if log.buffered else "disabled"
    out = [
        "Syslog logging: enabled (0 messages dropped, 0 messages rate-limited, 0 flushes, "
        "0 overruns, xml disabled, filtering disabled)",
        "",
        "No Active Message Discriminator.",
        "",
        "",
        "",
        "No Inactive Message Discriminator.",
        "",
        "",
        f"    Console logging: {console}, {count} messages logged, xml disabled,",
        "                     filtering disabled",
        f"    Monitor logging: {monitor}, 0 messages logged, xml disabled,",
        "                     filtering disabled",
        f"    Buffer logging:  {buffered}, {count if log.buffered else 0} messages logged, xml disabled,",
        "                    filtering disabled",
        "    Exception Logging: size (4096 bytes)",
        "    Count and timestamp logging messages: disabled",
        "    Persistent logging: disabled",
        "",
        "No active filter modules.",
        "",
        f"    Trap logging: level {log.trap_level or 'informational'}, {count} message lines logged",
        "        Logging Source-Interface:       VRF Name:",
    ]
    for host in log.hosts:
        out += [
            f"        Logging to {host}  (udp port 514, audit disabled,",
            "              link up),",
            f"              {count} message lines logged, ",
            "              0 message lines rate-limited, ",
            "              0 message lines dropped-by-MD, ",
            "              xml disabled, sequence number disabled",
            "              filtering disabled",
        ]
    if log.source_interface:
        out.append(f"        Logging Source-Interface:       VRF Name:\n        {log.source_interface}")
    if log.buffered:
        out += ["", f"Log Buffer ({log.buffered_size or 4096} bytes):", ""]
        out += list(buffer)
    return "\n".join(out) + "\n"


def syslog_line(now: datetime, message: str) -> str:
    """A buffered message as `service timestamps log datetime msec` prints it (not NTP-synced)."""
    return f"*{now:%b} {now.day:>2} {now:%H:%M:%S}.{now.microsecond // 1000:03d}: {message}"


def show_lldp_interface(cfg: RunningConfig) -> str:
    if not cfg.lldp_run:
        return "% LLDP is not enabled\n"
    out: list[str] = []
    for iface in cfg.sorted_interfaces():
        if not iface.is_physical:
            continue
        out += [
            f"{iface.name}:",
            f"    Tx: {'enabled' if iface.lldp_transmit else 'disabled'}",
            f"    Rx: {'enabled' if iface.lldp_receive else 'disabled'}",
            "    Tx state: IDLE",
            "    Rx state: WAIT FOR FRAME",
            "",
        ]
    return "\n".join(out) + "\n"


def show_lacp_sys_id(mac: str) -> str:
    return f"32768, {mac}\n"


def _area_key(area: str) -> int:
    return int(IPv4Address(area)) if "." in area else int(area)


def _area_text(area: str) -> str:
    if "." in area:
        return area
    n = int(area)
    return str(IPv4Address(n)) if n else "0"


def _process_interfaces(cfg: RunningConfig, proc: OspfProcess) -> list[tuple[Interface, str]]:
    """Interfaces in the process, with their area: `ip ospf N area A` or a covering `network`."""
    out: list[tuple[Interface, str]] = []
    for iface in cfg.sorted_interfaces():
        if iface.address is None or iface.switchport is not None:
            continue
        if iface.ospf_area is not None and iface.ospf_area[0] == proc.process_id:
            out.append((iface, iface.ospf_area[1]))
            continue
        for net in proc.networks:
            if net.covers(iface.address.ip):
                out.append((iface, net.area))
                break
    return out


def router_id(cfg: RunningConfig, proc: OspfProcess) -> IPv4Address:
    if proc.router_id is not None:
        return proc.router_id
    loops = [i.address.ip for i in cfg.interfaces.values() if i.address and i.name.startswith("Loopback")]
    others = [i.address.ip for i in cfg.interfaces.values() if i.address and not i.shutdown]
    pool = loops or others
    return max(pool) if pool else IPv4Address("0.0.0.0")


def show_ip_ospf(cfg: RunningConfig, neighbors: list[OspfNeighbor]) -> str:
    out: list[str] = []
    for proc in sorted(cfg.ospf.values(), key=lambda p: p.process_id):
        members = _process_interfaces(cfg, proc)
        areas = sorted({a for _, a in members}, key=_area_key)
        out += [
            f' Routing Process "ospf {proc.process_id}" with ID {router_id(cfg, proc)}',
            " Start time: 00:00:01.234, Time elapsed: 00:10:00.000",
            " Supports only single TOS(TOS0) routes",
            " Supports opaque LSA",
            " Supports Link-local Signaling (LLS)",
            " Supports area transit capability",
            " Supports NSSA (compatible with RFC 3101)",
            " Supports Database exchange summary list optimization (RFC 5243)",
            " Event-log enabled, Maximum number of events: 1000, Mode: cyclic",
            " Router is not originating router-LSAs with maximum metric",
            " Initial SPF schedule delay 5000 msecs",
            " Minimum hold time between two consecutive SPFs 10000 msecs",
            " Maximum wait time between two consecutive SPFs 10000 msecs",
            " Incremental-SPF disabled",
            " Minimum LSA interval 5 secs",
            " Minimum LSA arrival 1000 msecs",
            " LSA group pacing timer 240 secs",
            " Interface flood pacing timer 33 msecs",
            " Retransmission pacing timer 66 msecs",
            " EXCHANGE/LOADING adjacency limit: initial 300, process maximum 300",
            " Number of external LSA 0. Checksum Sum 0x000000",
            " Number of opaque AS LSA 0. Checksum Sum 0x000000",
            " Number of DCbitless external and opaque AS LSA 0",
            " Number of DoNotAge external and opaque AS LSA 0",
            f" Number of areas in this router is {len(areas)}. {len(areas)} normal 0 stub 0 nssa",
            " Number of areas transit capable is 0",
            " External flood list length 0",
            " IETF NSF helper support enabled",
            " Cisco NSF helper support enabled",
            " Reference bandwidth unit is 100 mbps",
        ]
        for area in areas:
            count = sum(1 for _, a in members if a == area)
            name = "BACKBONE(0)" if _area_text(area) in ("0", "0.0.0.0") else _area_text(area)
            out += [
                f"    Area {name}",
                f"        Number of interfaces in this area is {count}",
                "\tArea has no authentication",
                "\tSPF algorithm last executed 00:05:00.000 ago",
                "\tSPF algorithm executed 2 times",
                "\tArea ranges are",
                "\tNumber of LSA 1. Checksum Sum 0x00A1B2",
                "\tNumber of opaque link LSA 0. Checksum Sum 0x000000",
                "\tNumber of DCbitless LSA 0",
                "\tNumber of indication LSA 0",
                "\tNumber of DoNotAge LSA 0",
                "\tFlood list length 0",
            ]
        out.append("")
    return "\n".join(out) + "\n" if out else ""


def show_ip_ospf_interface_brief(cfg: RunningConfig, neighbors: list[OspfNeighbor]) -> str:
    out: list[str] = []
    rows: list[str] = []
    for proc in sorted(cfg.ospf.values(), key=lambda p: p.process_id):
        for iface, area in _process_interfaces(cfg, proc):
            assert iface.address is not None
            nbrs = [n for n in neighbors if n.interface == iface.name]
            full = sum(1 for n in nbrs if n.state.startswith("FULL"))
            if iface.name.startswith("Loopback"):
                state = "LOOP"
            elif iface.shutdown:
                state = "DOWN"
            elif iface.ospf_network == "point-to-point":
                state = "P2P"
            else:
                state = "DR" if not nbrs else "BDR" if any(n.state.endswith("/DR") for n in nbrs) else "DR"
            cost = iface.ospf_cost or 1
            rows.append(
                f"{short_name(iface.name):<10} {proc.process_id:<5} {_area_text(area):<15} "
                f"{iface.address.with_prefixlen:<18} {cost:<5} {state:<5} {full}/{len(nbrs)}"
            )
    if rows:
        out.append("Interface    PID   Area            IP Address/Mask    Cost  State Nbrs F/C")
        out += rows
    return "\n".join(out) + "\n" if out else ""


def show_ip_ospf_database(cfg: RunningConfig, neighbors: list[OspfNeighbor]) -> str:
    out: list[str] = []
    for proc in sorted(cfg.ospf.values(), key=lambda p: p.process_id):
        rid = router_id(cfg, proc)
        areas = sorted({a for _, a in _process_interfaces(cfg, proc)}, key=_area_key)
        out += ["", f"            OSPF Router with ID ({rid}) (Process ID {proc.process_id})", ""]
        for area in areas:
            out += [
                f"\t\tRouter Link States (Area {_area_text(area)})",
                "",
                "Link ID         ADV Router      Age         Seq#       Checksum Link count",
            ]
            links = sum(1 for _, a in _process_interfaces(cfg, proc) if a == area)
            out.append(f"{rid!s:<16}{rid!s:<16}{300:<12}0x80000002 0x00A1B2 {links}")
            for n in neighbors:
                out.append(f"{n.router_id!s:<16}{n.router_id!s:<16}{300:<12}0x80000002 0x00B2C3 1")
            out.append("")
    return "\n".join(out) + "\n" if out else ""


def show_ip_protocols(cfg: RunningConfig, neighbors: list[OspfNeighbor]) -> str:
    out = ["*** IP Routing is NSF aware ***", ""]
    for proc in sorted(cfg.ospf.values(), key=lambda p: p.process_id):
        rid = router_id(cfg, proc)
        members = _process_interfaces(cfg, proc)
        areas = sorted({a for _, a in members})
        out += [
            f'Routing Protocol is "ospf {proc.process_id}"',
            "  Outgoing update filter list for all interfaces is not set",
            "  Incoming update filter list for all interfaces is not set",
            f"  Router ID {rid}",
            f"  Number of areas in this router is {len(areas)}. {len(areas)} normal 0 stub 0 nssa",
            "  Maximum path: 4",
            "  Routing for Networks:",
        ]
        out += [f"    {n.address} {n.wildcard} area {n.area}" for n in proc.networks]
        on_iface = [(i, a) for i, a in members if i.ospf_area is not None]
        if on_iface:
            out.append(
                "  Routing on Interfaces Configured Explicitly (Area 0):"
                if False
                else "  Routing on Interfaces Configured Explicitly:"
            )
            out += [f"    {i.name} area {a}" for i, a in on_iface]
        passive = [i.name for i, _ in members if proc.is_passive(i.name)]
        if passive:
            out.append("  Passive Interface(s):")
            out += [f"    {name}" for name in passive]
        out += ["  Routing Information Sources:", "    Gateway         Distance      Last Update"]
        out += [f"    {n.router_id!s:<16}{110:<14}00:05:00" for n in neighbors]
        out += ["  Distance: (default is 110)", ""]
    return "\n".join(out) + "\n"


def show_ip_ssh(cfg: RunningConfig) -> str:
    enabled = cfg.rsa_modulus is not None
    version = {None: "1.99", 1: "1.5", 2: "2.0"}[cfg.ssh_version] if enabled else "1.99"
    timeout = cfg.ssh_timeout or 120
    retries = cfg.ssh_retries if cfg.ssh_retries is not None else 3
    head = f"SSH {'Enabled' if enabled else 'Disabled'} - version {version}"
    out = [
        head,
        "Authentication methods:publickey,keyboard-interactive,password",
        "Authentication Publickey Algorithms:x509v3-ssh-rsa,ssh-rsa",
        "Hostkey Algorithms:x509v3-ssh-rsa,ssh-rsa",
        "Encryption Algorithms:aes128-ctr,aes192-ctr,aes256-ctr",
        "MAC Algorithms:hmac-sha2-256,hmac-sha2-512,hmac-sha1,hmac-sha1-96",
        "KEX Algorithms:diffie-hellman-group-exchange-sha1,diffie-hellman-group14-sha1",
        f"Authentication timeout: {timeout} secs; Authentication retries: {retries}",
        "Minimum expected Diffie Hellman key size : 2048 bits",
        f"IOS Keys in SECSH format(ssh-rsa, base64 encoded): {cfg.hostname}.{cfg.domain_name or ''}".rstrip(
            "."
        ),
    ]
    if not enabled:
        out = [head, f"Authentication timeout: {timeout} secs; Authentication retries: {retries}",
               "Minimum expected Diffie Hellman key size : 2048 bits",
               "IOS Keys in SECSH format(ssh-rsa, base64 encoded): NONE"]  # fmt: skip
    return "\n".join(out) + "\n"


def route_summary(routes: list[Route]) -> str:
    """`show ip route summary` (checked against the ntc-templates template)."""
    names = [
        ("connected", ("C", "L")),
        ("static", ("S",)),
        ("application", ()),
        ("ospf 1", ("O", "O IA", "O E2")),
    ]
    out = [
        "IP routing table name is default (0x0)",
        "IP routing table maximum-paths is 32",
        "Route Source    Networks    Subnets     Replicates  Overhead    Memory (bytes)",
    ]
    total_n = total_s = 0
    for name, codes in names:
        # Networks count prefixes: the paths of an equal-cost route are one network.
        chosen = list({r.prefix: r for r in routes if r.protocol in codes}.values())
        if not chosen and name == "ospf 1":
            continue
        # A network is a classful network or a supernet of one; anything longer is a subnet.
        networks = sum(1 for r in chosen if classful(r.prefix) == r.prefix)
        subnets = len(chosen) - networks
        total_n += networks
        total_s += subnets
        out.append(f"{name:<16}{networks:<12}{subnets:<12}{0:<12}{len(chosen) * 72:<12}{len(chosen) * 216}")
        if name.startswith("ospf"):
            out += [
                "  Intra-area: {} Inter-area: 0 External-1: 0 External-2: 0".format(
                    sum(1 for r in chosen if r.protocol == "O")
                ),
                "  NSSA External-1: 0 NSSA External-2: 0",
            ]
    out += ["internal        1                                               4208"]
    count = total_n + total_s
    out.append(f"Total           {total_n + 1:<12}{total_s:<12}{0:<12}{count * 72:<12}{4208 + count * 216}")
    return "\n".join(out) + "\n"


def vlan_all_ports(cfg: RunningConfig) -> list[str]:
    """Every switch port per VLAN including trunks (the `all-ports` view), short names."""
    return [short_name(i.name) for i in cfg.sorted_interfaces() if i.switchport is not None and i.is_physical]
