"""Print a `RunningConfig` the way IOSv / IOSvL2 print `show running-config`.

The order of sections and of lines inside each section follows real IOS 15.x output, so that a
config written in canonical form round-trips line for line. Defaults are not printed except where
IOS prints them (`no ip address`, `shutdown` of fresh router ports, `duplex auto`...).
"""

from __future__ import annotations

from ipaddress import IPv4Interface

from automation.emulator.config import ALL_VLANS, Interface, Line, RunningConfig
from automation.emulator.grammar.acl import render as render_acls
from automation.emulator.grammar.ntp import render as render_ntp
from automation.emulator.grammar.snmp import render as render_snmp
from automation.emulator.secret import type7
from automation.platforms.cisco_ios.vlans import vlan_list

VERSION = {"router": "15.8", "switch": "15.2"}  # as `show version` reports


def _addr(a: IPv4Interface) -> str:
    return f"{a.ip} {a.netmask}"


def _password(cfg: RunningConfig, text: str, typed: bool = False) -> str:
    """A clear-text password as printed: `7 0822...` when encrypted, `0 x` / `x` otherwise."""
    if cfg.password_encryption:
        return f"7 {type7(text)}"
    return f"0 {text}" if typed else text


def render_interface(cfg: RunningConfig, iface: Interface) -> list[str]:
    lines = [f"interface {iface.name}"]
    if iface.description:
        lines.append(f" description {iface.description}")
    if iface.bandwidth is not None:
        lines.append(f" bandwidth {iface.bandwidth}")
    if iface.mtu is not None:
        lines.append(f" mtu {iface.mtu}")
    sp = iface.switchport
    if iface.dot1q_vlan is not None:
        lines.append(f" encapsulation dot1Q {iface.dot1q_vlan}{' native' if iface.dot1q_native else ''}")
    if sp is not None:
        if sp.trunk_allowed != ALL_VLANS:
            allowed = vlan_list(sp.trunk_allowed, empty="none")
            lines.append(f" switchport trunk allowed vlan {allowed}")
        if sp.trunk_encapsulation_dot1q:
            lines.append(" switchport trunk encapsulation dot1q")
        if sp.trunk_native != 1:
            lines.append(f" switchport trunk native vlan {sp.trunk_native}")
        if sp.access_vlan != 1:
            lines.append(f" switchport access vlan {sp.access_vlan}")
        if sp.mode in ("access", "trunk"):
            lines.append(f" switchport mode {sp.mode}")
        elif sp.mode == "dynamic desirable":
            lines.append(" switchport mode dynamic desirable")
        if sp.nonegotiate:
            lines.append(" switchport nonegotiate")
        if iface.voice_vlan is not None:
            lines.append(f" switchport voice vlan {iface.voice_vlan}")
        ps = iface.port_security
        if ps is not None:
            if ps.maximum is not None:
                lines.append(f" switchport port-security maximum {ps.maximum}")
            if ps.violation is not None:
                lines.append(f" switchport port-security violation {ps.violation}")
            if ps.sticky:
                lines.append(" switchport port-security mac-address sticky")
            lines += [f" switchport port-security mac-address {m}" for m in ps.mac_addresses]
            if ps.aging_time is not None:
                lines.append(f" switchport port-security aging time {ps.aging_time}")
            if ps.enabled:
                lines.append(" switchport port-security")
    else:
        if cfg.kind == "switch" and iface.is_physical:
            lines.append(" no switchport")
        for sec in iface.secondary:
            lines.append(f" ip address {_addr(sec)} secondary")
        if iface.address is not None:
            lines.append(f" ip address {_addr(iface.address)}")
        elif not iface.secondary:
            lines.append(" no ip address")
        for helper in iface.helper_addresses:
            lines.append(f" ip helper-address {helper}")
        for direction in ("in", "out"):
            if direction in iface.access_groups:
                lines.append(f" ip access-group {iface.access_groups[direction]} {direction}")
        if iface.ip_mtu is not None:
            lines.append(f" ip mtu {iface.ip_mtu}")
        if iface.nat is not None:
            lines.append(f" ip nat {iface.nat}")
        if iface.ospf_network is not None:
            lines.append(f" ip ospf network {iface.ospf_network}")
        if iface.ospf_cost is not None:
            lines.append(f" ip ospf cost {iface.ospf_cost}")
        if iface.ospf_hello is not None:
            lines.append(f" ip ospf hello-interval {iface.ospf_hello}")
        if iface.ospf_dead is not None:
            lines.append(f" ip ospf dead-interval {iface.ospf_dead}")
        if iface.ospf_priority is not None:
            lines.append(f" ip ospf priority {iface.ospf_priority}")
        if iface.ospf_area is not None:
            lines.append(f" ip ospf {iface.ospf_area[0]} area {iface.ospf_area[1]}")
        if iface.tcp_mss is not None:
            lines.append(f" ip tcp adjust-mss {iface.tcp_mss}")
    if iface.shutdown:
        lines.append(" shutdown")
    if iface.tunnel_source is not None:
        lines.append(f" tunnel source {iface.tunnel_source}")
    if iface.tunnel_destination is not None:
        lines.append(f" tunnel destination {iface.tunnel_destination}")
    if iface.tunnel_mode is not None:
        lines.append(f" tunnel mode {iface.tunnel_mode}")
    if iface.duplex is not None:
        lines.append(f" duplex {iface.duplex}")
    if iface.speed is not None:
        lines.append(f" speed {iface.speed}")
    if iface.media_type is not None:
        lines.append(f" media-type {iface.media_type}")
    if iface.negotiation_auto is True:
        lines.append(" negotiation auto")
    elif iface.negotiation_auto is False:
        lines.append(" no negotiation auto")
    if iface.ipv6_enable:
        lines.append(" ipv6 enable")
    lines += [f" ipv6 address {x}" for x in iface.ipv6_addresses]
    if iface.ipv6_ospf is not None:
        lines.append(f" ipv6 ospf {iface.ipv6_ospf[0]} area {iface.ipv6_ospf[1]}")
    if not iface.cdp_enable:
        lines.append(" no cdp enable")
    if not iface.lldp_transmit:
        lines.append(" no lldp transmit")
    if not iface.lldp_receive:
        lines.append(" no lldp receive")
    if iface.portfast:
        lines.append(" spanning-tree portfast")
    if iface.channel_group is not None:
        lines.append(f" channel-group {iface.channel_group[0]} mode {iface.channel_group[1]}")
    return lines


def _line_block(cfg: RunningConfig, line: Line) -> list[str]:
    out = [f"line {line.name}"]
    if line.exec_timeout is not None:
        out.append(f" exec-timeout {line.exec_timeout[0]} {line.exec_timeout[1]}")
    if line.password is not None:
        out.append(f" password {_password(cfg, line.password)}")
    if line.login == "local":
        out.append(" login local")
    elif line.login == "login":
        out.append(" login")
    if line.transport_input is not None:
        out.append(f" transport input {' '.join(line.transport_input)}")
    return out


def _archive(cfg: RunningConfig) -> list[str]:
    """The `archive` block (before the usernames, from memory of IOS 15), closed by `!`."""
    if cfg.archive is None:
        return []
    out = ["archive"]
    if cfg.archive.path is not None:
        out.append(f" path {cfg.archive.path}")
    if cfg.archive.maximum is not None:
        out.append(f" maximum {cfg.archive.maximum}")
    if cfg.archive.write_memory:
        out.append(" write-memory")
    return [*out, "!"]


def render_body(cfg: RunningConfig) -> list[str]:
    """The configuration lines from `version` to `end`, without the `Building...` header."""
    router = cfg.kind == "router"
    out: list[str] = [f"version {VERSION[cfg.kind]}"]
    services = cfg.services
    log = cfg.logging
    for word in ("pad", "tcp-keepalives-in", "tcp-keepalives-out", "config"):
        if word in services:
            out.append(f"{'' if services[word] else 'no '}service {word}")
    if log.timestamps_debug is not None:
        out.append(f"service timestamps debug {log.timestamps_debug}")
    if log.timestamps_log is not None:
        out.append(f"service timestamps log {log.timestamps_log}")
    out.append("service password-encryption" if cfg.password_encryption else "no service password-encryption")
    if not router:
        out.append("service compress-config")
    for word, on in services.items():
        if word not in ("pad", "tcp-keepalives-in", "tcp-keepalives-out", "config"):
            out.append(f"{'' if on else 'no '}service {word}")
    out += ["!", f"hostname {cfg.hostname}", "!", "boot-start-marker", "boot-end-marker", "!", "!"]
    logging_head: list[str] = []
    if log.buffered:
        size = f" {log.buffered_size}" if log.buffered_size is not None else ""
        level = f" {log.buffered_level}" if log.buffered_level is not None else ""
        logging_head.append(f"logging buffered{size}{level}")
    if not log.console:
        logging_head.append("no logging console")
    elif log.console_level is not None:
        logging_head.append(f"logging console {log.console_level}")
    if not log.monitor:
        logging_head.append("no logging monitor")
    elif log.monitor_level is not None:
        logging_head.append(f"logging monitor {log.monitor_level}")
    if logging_head:
        out += [*logging_head, "!"]
    if cfg.enable_secret_hash:
        out.append(f"enable secret 9 {cfg.enable_secret_hash}")
    if cfg.enable_password:
        out.append(f"enable password {_password(cfg, cfg.enable_password)}")
    if cfg.enable_secret_hash or cfg.enable_password:
        out.append("!")
    users: list[str] = []
    for user in cfg.users.values():
        priv = f" privilege {user.privilege}" if user.privilege != 1 else ""
        if user.secret_hash:
            users.append(f"username {user.name}{priv} secret 9 {user.secret_hash}")
        elif user.password is not None:
            users.append(f"username {user.name}{priv} password {_password(cfg, user.password, True)}")
        else:
            users.append(f"username {user.name}{priv}")
    if not router:
        out += _archive(cfg) + users
    out += ["no aaa new-model"]
    if cfg.clock_timezone is not None:
        out.append(f"clock timezone {cfg.clock_timezone}")
    if cfg.clock_summer_time is not None:
        out.append(f"clock summer-time {cfg.clock_summer_time}")
    out += ["!", "!", "!"]
    if router:
        out += [
            "mmi polling-interval 60",
            "no mmi auto-configure",
            "no mmi pvc",
            "mmi snmp-timeout 180",
            "!",
            "!",
        ]
    for rng in cfg.dhcp_excluded:
        out.append(f"ip dhcp excluded-address {rng.low}{f' {rng.high}' if rng.high else ''}")
    if cfg.dhcp_excluded:
        out.append("!")
    for pool in cfg.dhcp_pools.values():
        out.append(f"ip dhcp pool {pool.name}")
        if pool.network is not None:
            out.append(f" network {pool.network.network_address} {pool.network.netmask}")
        if pool.default_routers:
            out.append(f" default-router {' '.join(map(str, pool.default_routers))}")
        if pool.dns_servers:
            out.append(f" dns-server {' '.join(map(str, pool.dns_servers))}")
        if pool.domain_name:
            out.append(f" domain-name {pool.domain_name}")
        if pool.lease == "infinite":
            out.append(" lease infinite")
        elif pool.lease is not None:
            days, hours, mins = pool.lease
            out.append(
                " lease "
                + " ".join(
                    str(x) for x in ((days, hours, mins) if mins else (days, hours) if hours else (days,))
                )
            )
        out.append("!")
    out += ["!", "!"]
    if cfg.login_block_for is not None:
        secs, tries, within = cfg.login_block_for
        out.append(f"login block-for {secs} attempts {tries} within {within}")
    if cfg.login_on_failure_log:
        out.append("login on-failure log")
    if cfg.login_on_success_log:
        out.append("login on-success log")
    if not cfg.domain_lookup:
        out.append("no ip domain lookup")
    if cfg.domain_name:
        out.append(f"ip domain name {cfg.domain_name}")
    for ns in cfg.name_servers:
        out.append(f"ip name-server {ns}")
    if router and not cfg.ip_routing:
        out.append("no ip routing")
    if not router and cfg.ip_routing:
        out.append("ip routing")
    out += ["ip cef"]
    out += ["ipv6 unicast-routing", "ipv6 cef"] if cfg.ipv6_unicast_routing else ["no ipv6 cef"]
    out += ["!"]
    if router:
        out += ["multilink bundle-name authenticated", "!", "!", "!"]
        out += _archive(cfg) + users
        if users:
            out.append("!")
        out += ["redundancy", "!"]
    else:
        out += [
            "!",
            "!",
            f"spanning-tree mode {cfg.spanning_tree_mode}",
            "spanning-tree extend system-id",
            "!",
        ]
        out += ["vlan internal allocation policy ascending", "!"]
        if cfg.vtp_domain is not None:
            out.append(f"vtp domain {cfg.vtp_domain}")
        if cfg.vtp_version is not None:
            out.append(f"vtp version {cfg.vtp_version}")
        if cfg.vtp_mode is not None:
            out.append(f"vtp mode {cfg.vtp_mode}")
        if cfg.vtp_mode or cfg.vtp_domain or cfg.vtp_version:
            out.append("!")
        for vid in sorted(cfg.vlans):
            vlan = cfg.vlans[vid]
            out.append(f"vlan {vid}")
            if vlan.name:
                out.append(f" name {vlan.name}")
            out.append("!")
    if not router and cfg.lldp_run:
        out += ["lldp run", "!"]
    out += ["!", "!"]
    if cfg.ssh_timeout is not None:
        out.append(f"ip ssh time-out {cfg.ssh_timeout}")
    if cfg.ssh_retries is not None:
        out.append(f"ip ssh authentication-retries {cfg.ssh_retries}")
    if cfg.scp_server:
        out.append("ip scp server enable")
    out += ["!"]
    for iface in cfg.sorted_interfaces():
        out += render_interface(cfg, iface)
        out.append("!")
    blocks = sorted(
        cfg.routing_blocks.values(), key=lambda b: (b.header.split()[1], int(b.header.split()[2]))
    )
    for block in (b for b in blocks if b.header.startswith("router eigrp")):
        out.append(block.header)
        out += [f" {x}" for x in block.lines]
        out.append("!")
    for proc in sorted(cfg.ospf.values(), key=lambda p: p.process_id):
        out.append(f"router ospf {proc.process_id}")
        if proc.router_id is not None:
            out.append(f" router-id {proc.router_id}")
        if proc.passive_default:
            out.append(" passive-interface default")
        for name in proc.passive:
            out.append(f" {'no ' if proc.passive_default else ''}passive-interface {name}")
        out += [f" {x}" for x in proc.extra]
        for net in proc.networks:
            out.append(f" network {net.address} {net.wildcard} area {net.area}")
        out.append("!")
    for block in (b for b in blocks if not b.header.startswith("router eigrp")):
        out.append(block.header)
        out += [f" {x}" for x in block.lines]
        out.append("!")
    if cfg.default_gateway is not None:
        out.append(f"ip default-gateway {cfg.default_gateway}")
    out += ["ip forward-protocol nd", "!", "!", "no ip http server", "no ip http secure-server"]
    out += [f"ip nat {x.removeprefix('ip nat ')}" for x in cfg.nat_lines]
    routes = sorted(
        [*cfg.static_routes, *cfg.null_routes],
        key=lambda r: (int(r.prefix.network_address), r.prefix.prefixlen),
    )
    for sr in routes:
        target = " ".join(str(x) for x in (sr.interface, sr.next_hop) if x is not None)
        extra = f" {sr.distance}" if sr.distance is not None else ""
        extra += f" tag {sr.tag}" if sr.tag is not None else ""
        extra += f" name {sr.name}" if sr.name is not None else ""
        extra += " permanent" if sr.permanent else ""
        out.append(f"ip route {sr.prefix.network_address} {sr.prefix.netmask} {target}{extra}")
    if cfg.ssh_version is not None:
        out.append(f"ip ssh version {cfg.ssh_version}")
    out.append("!")
    named_acls, numbered_acls = render_acls(cfg.access_lists)
    out += named_acls
    if named_acls:
        out.append("!")
    if log.trap_level is not None:
        out.append(f"logging trap {log.trap_level}")
    if log.facility is not None:
        out.append(f"logging facility {log.facility}")
    if log.source_interface is not None:
        out.append(f"logging source-interface {log.source_interface}")
    out += [f"logging host {h}" for h in log.hosts]
    out += numbered_acls
    out += [f"ipv6 route {r}" for r in cfg.ipv6_routes]
    out.append("!")
    if router and cfg.lldp_run:
        out += ["lldp run", "!"]
    if not cfg.cdp_run:
        out += ["no cdp run", "!"]
    snmp_lines = render_snmp(cfg.snmp)
    out += snmp_lines
    out += ["!", "!", "control-plane", "!"]
    for which, text in (("exec", cfg.banner_exec), ("login", cfg.banner_login), ("motd", cfg.banner_motd)):
        if text is not None:
            out.append(f"banner {which} ^C{text}^C")
    out.append("!")
    for key in ("con 0", "aux 0", "vty 0 4"):
        if key in cfg.lines:
            out += _line_block(cfg, cfg.lines[key])
    for key, line in cfg.lines.items():
        if key not in ("con 0", "aux 0", "vty 0 4"):
            out += _line_block(cfg, line)
    out += ["!"]
    ntp_lines = render_ntp(cfg.ntp)
    if ntp_lines:
        out += [*ntp_lines, "!"]
    out += ["!", "end"]
    return out


def render_running(cfg: RunningConfig, comments: list[str]) -> str:
    """Full `show running-config` text with `\\n` line ends; `comments` are the `! Last ...` lines."""
    head = ["!", *comments, "!"] if comments else ["!"]
    body = "\n".join([*head, *render_body(cfg)]) + "\n"
    return f"Building configuration...\n\nCurrent configuration : {len(body.encode())} bytes\n{body}"


def render_interface_config(cfg: RunningConfig, name: str) -> str:
    """`show running-config interface X`, closed by `!` as ntc-templates' fixtures show it."""
    body = "!\n" + "\n".join(render_interface(cfg, cfg.interfaces[name])) + "\n!\n"
    return f"Building configuration...\n\nCurrent configuration : {len(body.encode())} bytes\n{body}"
