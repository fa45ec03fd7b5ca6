"""The running-config model of one emulated device: typed, mutable, and read by the lab.

This is a contract with the embedded lab: `DataPlane.apply()` receives a deep copy of
`RunningConfig` after committed changes, and the lab derives its namespaces, bridges, FRR and
dnsmasq configuration from these fields. Field names say what IOS line they come from.

Mutated only by the grammar handlers (one asyncio loop, so no locking); printed by `render.py`.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Interface, IPv4Network
from typing import Literal

from automation.emulator.interfaces import interface_name, sort_key
from automation.platforms.cisco_ios import DEFAULT_VLAN, MODELS, Kind

SwitchportMode = Literal["access", "trunk", "dynamic auto", "dynamic desirable"]

ALL_VLANS: frozenset[int] = frozenset(range(1, 4095))


@dataclass
class Switchport:
    """Layer-2 settings of a switch port (`switchport ...` lines). IOSvL2 only."""

    mode: SwitchportMode = "dynamic auto"
    access_vlan: int = 1
    trunk_allowed: frozenset[int] = ALL_VLANS  # ALL_VLANS prints nothing; empty prints `none`
    trunk_native: int = 1
    trunk_encapsulation_dot1q: bool = False
    nonegotiate: bool = False

    @property
    def is_trunk(self) -> bool:
        return self.mode == "trunk"


@dataclass
class PortSecurity:
    """`switchport port-security` and its options (IOSvL2); stored and printed only."""

    enabled: bool = False
    maximum: int | None = None
    violation: str | None = None  # protect | restrict (shutdown is the default)
    sticky: bool = False
    aging_time: int | None = None
    mac_addresses: list[str] = field(default_factory=list)  # `mac-address [sticky] H.H.H`


@dataclass
class Interface:
    """One interface: physical port, subinterface, Loopback or Vlan (SVI)."""

    name: str  # canonical, e.g. "GigabitEthernet0/1.10"
    description: str | None = None
    address: IPv4Interface | None = None  # primary `ip address A M`
    secondary: list[IPv4Interface] = field(default_factory=list)
    shutdown: bool = False
    dot1q_vlan: int | None = None  # `encapsulation dot1Q N` (subinterfaces)
    dot1q_native: bool = False
    helper_addresses: list[IPv4Address] = field(default_factory=list)
    ospf_cost: int | None = None
    ospf_hello: int | None = None
    ospf_dead: int | None = None
    duplex: str | None = None  # None = not printed (Loopback/Vlan); "auto" default on routers
    speed: str | None = None
    media_type: str | None = None
    negotiation_auto: bool | None = None
    switchport: Switchport | None = None  # None = routed (router ports, `no switchport`, SVIs)
    portfast: bool = False
    # Stored and printed only (no data-plane effect yet):
    bandwidth: int | None = None  # `bandwidth KBPS`
    mtu: int | None = None  # `mtu BYTES`
    ip_mtu: int | None = None  # `ip mtu BYTES`
    tcp_mss: int | None = None  # `ip tcp adjust-mss N`
    ospf_area: tuple[int, str] | None = None  # `ip ospf PID area AREA`
    ospf_network: str | None = None  # `ip ospf network point-to-point|broadcast|...`
    ospf_priority: int | None = None
    access_groups: dict[str, str] = field(default_factory=dict)  # "in"/"out" -> ACL name
    nat: str | None = None  # `ip nat inside|outside`
    ipv6_addresses: list[str] = field(default_factory=list)  # canonical `2001:DB8::1/64 [link-local]`
    ipv6_enable: bool = False
    ipv6_ospf: tuple[int, str] | None = None  # `ipv6 ospf PID area AREA`
    cdp_enable: bool = True  # `no cdp enable` prints
    lldp_transmit: bool = True
    lldp_receive: bool = True
    tunnel_source: str | None = None
    tunnel_destination: IPv4Address | None = None
    tunnel_mode: str | None = None
    port_security: PortSecurity | None = None  # IOSvL2 `switchport port-security ...`
    voice_vlan: int | None = None  # IOSvL2 `switchport voice vlan N`
    channel_group: tuple[int, str] | None = None  # `channel-group N mode M`

    @property
    def parent(self) -> str | None:
        """The physical interface of a subinterface."""
        return interface_name(self.name).parent

    @property
    def is_physical(self) -> bool:
        parsed = interface_name(self.name)
        return parsed.type.slotted and parsed.parent is None

    @property
    def addresses(self) -> list[IPv4Interface]:
        """Primary first, then secondaries."""
        return ([self.address] if self.address else []) + list(self.secondary)


@dataclass
class Vlan:
    """`vlan N` / ` name X` (IOSvL2, VTP transparent: vlans appear in running-config)."""

    id: int
    name: str | None = None

    @property
    def display_name(self) -> str:
        return self.name if self.name else f"VLAN{self.id:04d}"


@dataclass(frozen=True)
class StaticRoute:
    """`ip route PREFIX MASK NEXT_HOP|INTERFACE [DISTANCE] [name N] [permanent] [tag T]`.

    `interface` may be "Null0" (a discard route: no next hop).
    """

    prefix: IPv4Network
    next_hop: IPv4Address | None = None
    interface: str | None = None
    distance: int | None = None
    name: str | None = None
    tag: int | None = None
    permanent: bool = False


@dataclass(frozen=True)
class AclEntry:
    """One line of an access list, kept in IOS's printed form (`permit tcp any host A eq www`).

    `text` is the canonical entry after `permit`/`deny` (or the remark text); `seq` orders it.
    """

    seq: int
    action: str  # permit | deny | remark
    text: str


@dataclass
class AccessList:
    """A numbered (`access-list 10 ...`) or named (`ip access-list extended NAME`) IPv4 ACL."""

    name: str
    extended: bool
    numbered: bool
    entries: list[AclEntry] = field(default_factory=list)

    def next_seq(self) -> int:
        return (max((e.seq for e in self.entries), default=0) // 10 + 1) * 10


@dataclass
class Logging:
    """`logging ...` lines; levels are IOS names (`informational`); stored, printed, no syslog."""

    buffered: bool = False
    buffered_size: int | None = None
    buffered_level: str | None = None
    console: bool = True
    console_level: str | None = None
    monitor: bool = True
    monitor_level: str | None = None
    trap_level: str | None = None  # None = informational (the default, not printed)
    facility: str | None = None
    source_interface: str | None = None
    hosts: list[IPv4Address] = field(default_factory=list)
    timestamps_debug: str | None = "datetime msec"  # `service timestamps debug ...`
    timestamps_log: str | None = "datetime msec"


@dataclass
class NtpServer:
    address: IPv4Address
    prefer: bool = False
    key: int | None = None
    source: str | None = None


@dataclass
class Ntp:
    """`ntp ...` lines; stored and printed (the clock is the host's)."""

    servers: list[NtpServer] = field(default_factory=list)
    source: str | None = None
    master: int | None = None  # stratum of `ntp master [N]` (8 when bare)
    update_calendar: bool = False
    authenticate: bool = False
    keys: dict[int, str] = field(default_factory=dict)  # `ntp authentication-key N md5 KEY`
    trusted_keys: list[int] = field(default_factory=list)


@dataclass
class Snmp:
    """`snmp-server ...` lines as canonical text in IOS's order; no SNMP agent runs."""

    communities: dict[str, str] = field(default_factory=dict)  # name -> canonical rest ("RO", "RW 10")
    location: str | None = None
    contact: str | None = None
    traps: list[str] = field(default_factory=list)  # `snmp-server enable traps X`
    hosts: list[str] = field(default_factory=list)  # canonical rest of `snmp-server host ...`
    other: list[str] = field(default_factory=list)  # other `snmp-server` lines, as typed

    @property
    def enabled(self) -> bool:
        return bool(
            self.communities or self.hosts or self.traps or self.location or self.contact or self.other
        )


@dataclass
class RoutingBlock:
    """`router eigrp N` / `router bgp N` (and `ipv6 router ospf N`): child lines as canonical text.

    Stored and printed in the order typed (duplicates and `no` forms removed); no routing runs.
    """

    header: str
    lines: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class OspfNetwork:
    """`network A WILDCARD area N` inside `router ospf`."""

    address: IPv4Address
    wildcard: IPv4Address
    area: str  # as typed: "0" or dotted "0.0.0.0"

    def covers(self, ip: IPv4Address) -> bool:
        mask = ~int(self.wildcard) & 0xFFFFFFFF
        return (int(ip) & mask) == (int(self.address) & mask)


@dataclass
class OspfProcess:
    """`router ospf N`."""

    process_id: int
    router_id: IPv4Address | None = None
    passive_default: bool = False
    passive: list[str] = field(default_factory=list)  # canonical names (or exceptions when default)
    extra: list[str] = field(default_factory=list)  # other lines, canonical text (stored, printed only)
    networks: list[OspfNetwork] = field(default_factory=list)

    def is_passive(self, interface: str) -> bool:
        listed = interface in self.passive
        return not listed if self.passive_default else listed


@dataclass(frozen=True)
class ExcludedRange:
    """`ip dhcp excluded-address LOW [HIGH]`."""

    low: IPv4Address
    high: IPv4Address | None = None

    def contains(self, ip: IPv4Address) -> bool:
        return self.low <= ip <= (self.high or self.low)


@dataclass
class DhcpPool:
    """`ip dhcp pool NAME` and its `dhcp-config` lines."""

    name: str
    network: IPv4Network | None = None
    default_routers: list[IPv4Address] = field(default_factory=list)
    dns_servers: list[IPv4Address] = field(default_factory=list)
    domain_name: str | None = None
    lease: tuple[int, int, int] | Literal["infinite"] | None = None  # days, hours, minutes


@dataclass
class User:
    """`username NAME [privilege N] secret 9 HASH | password 0 TEXT`."""

    name: str
    privilege: int = 1
    secret_hash: str | None = None  # "$9$..." (type 9)
    password: str | None = None  # type 0 clear text, printed encrypted with password-encryption


@dataclass
class Line:
    """`line con 0` / `line aux 0` / `line vty 0 4`."""

    name: str
    login: Literal["none", "login", "local"] = "none"
    transport_input: list[str] | None = None  # None = not printed
    exec_timeout: tuple[int, int] | None = None
    password: str | None = None


def _default_lines(kind: Kind) -> dict[str, Line]:
    vty = Line("vty 0 4", login="login", transport_input=["none"] if kind == "router" else None)
    return {"con 0": Line("con 0"), "aux 0": Line("aux 0"), "vty 0 4": vty}


@dataclass
class ArchiveSettings:
    """The `archive` block: where archived configs go, and whether `write memory` archives too."""

    path: str | None = None  # `path flash:archive`: files flash:archive-1, -2, ...
    write_memory: bool = False
    maximum: int | None = None  # None: IOS's 10


@dataclass
class RunningConfig:
    """The whole configuration of one device. `RunningConfig.factory(kind)` is a fresh boot."""

    kind: Kind
    hostname: str
    domain_name: str | None = None
    domain_lookup: bool = True
    name_servers: list[IPv4Address] = field(default_factory=list)
    users: dict[str, User] = field(default_factory=dict)
    enable_secret_hash: str | None = None
    enable_password: str | None = None
    password_encryption: bool = False
    ssh_version: int | None = None
    rsa_modulus: int | None = None  # keys exist once `crypto key generate rsa` ran; not printed
    file_prompt_quiet: bool = False
    spanning_tree_mode: str = "pvst"  # IOSvL2: pvst | rapid-pvst
    banner_motd: str | None = None
    lines: dict[str, Line] = field(default_factory=dict)
    interfaces: dict[str, Interface] = field(default_factory=dict)
    vlans: dict[int, Vlan] = field(default_factory=dict)  # configured vlans (1 is implicit)
    default_gateway: IPv4Address | None = None
    ip_routing: bool = True
    static_routes: list[StaticRoute] = field(default_factory=list)
    null_routes: list[StaticRoute] = field(default_factory=list)  # `ip route ... Null0` (no data plane)
    ospf: dict[int, OspfProcess] = field(default_factory=dict)
    dhcp_excluded: list[ExcludedRange] = field(default_factory=list)
    dhcp_pools: dict[str, DhcpPool] = field(default_factory=dict)
    # Stored and printed only (no data-plane effect yet):
    services: dict[str, bool] = field(default_factory=dict)  # `[no] service X` beyond the fixed ones
    logging: Logging = field(default_factory=Logging)
    ntp: Ntp = field(default_factory=Ntp)
    snmp: Snmp = field(default_factory=Snmp)
    access_lists: dict[str, AccessList] = field(default_factory=dict)
    cdp_run: bool = True
    lldp_run: bool = False
    banner_login: str | None = None
    banner_exec: str | None = None
    clock_timezone: str | None = None  # canonical rest: "CET 1 0"
    clock_summer_time: str | None = None
    ssh_timeout: int | None = None  # `ip ssh time-out N` (120 = default, not printed)
    ssh_retries: int | None = None  # `ip ssh authentication-retries N` (3 = default)
    scp_server: bool = False
    login_block_for: tuple[int, int, int] | None = None  # seconds, attempts, within
    login_on_failure_log: bool = False
    login_on_success_log: bool = False
    archive: ArchiveSettings | None = None
    routing_blocks: dict[str, RoutingBlock] = field(default_factory=dict)  # key: header text
    ipv6_unicast_routing: bool = False
    ipv6_routes: list[str] = field(default_factory=list)  # canonical rest of `ipv6 route ...`
    nat_lines: list[str] = field(default_factory=list)  # canonical rest of `ip nat ...`
    vtp_mode: str | None = None  # IOSvL2: server (default) | client | transparent | off
    vtp_domain: str | None = None
    vtp_version: int | None = None

    @classmethod
    def factory(cls, kind: Kind, hostname: str | None = None) -> RunningConfig:
        """The configuration of a freshly booted IOSv (router) or IOSvL2 (switch)."""
        cfg = cls(
            kind=kind,
            hostname=hostname or ("Router" if kind == "router" else "Switch"),
            ip_routing=kind == "router",
            lines=_default_lines(kind),
        )
        for name in MODELS[kind].ports:
            if kind == "router":
                # IOSv router ports boot unaddressed and administratively down.
                cfg.interfaces[name] = Interface(
                    name, shutdown=True, duplex="auto", speed="auto", media_type="rj45"
                )
            else:
                cfg.interfaces[name] = Interface(name, negotiation_auto=True, switchport=Switchport())
        if kind == "switch":
            cfg.interfaces["Vlan1"] = Interface("Vlan1", shutdown=True)
        return cfg

    def new_interface(self, name: str) -> Interface:
        """Create a logical interface (subinterface, Loopback, Vlan) as IOS does on `interface X`."""
        iface = self.interfaces.get(name)
        if iface is None:
            iface = Interface(name)
            if self.kind == "switch" and name.startswith("Port-channel"):
                iface.switchport = Switchport()  # IOSvL2 EtherChannels start as layer-2 ports
            self.interfaces[name] = iface
        return iface

    def sorted_interfaces(self) -> list[Interface]:
        return [self.interfaces[n] for n in sorted(self.interfaces, key=sort_key)]

    def vlan_ids(self) -> list[int]:
        """VLANs that exist on a switch: 1 plus the configured ones (1002-1005 are implicit)."""
        return sorted({DEFAULT_VLAN, *self.vlans})

    def snapshot(self) -> RunningConfig:
        """A deep copy, safe to hand to another component."""
        return copy.deepcopy(self)
