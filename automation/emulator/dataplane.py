"""The data plane behind an emulated device: what `show` commands and `ping` report.

The emulator owns configuration; a data plane owns forwarding state. The embedded lab implements
`DataPlane` with real namespaces and daemons; `ConfigOnlyDataPlane` answers from configuration alone,
for a device that runs standalone.

Every method is a coroutine: they run in the emulator's single asyncio loop, so an implementation
that does blocking work must hand it to a thread (`asyncio.to_thread`) rather than stall every other
device of that loop. Results are frozen dataclasses; interface names are IOS canonical names
(`GigabitEthernet0/1.10`), MAC addresses are IOS dotted form (`fa16.3e00.0001`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from ipaddress import IPv4Address, IPv4Interface, IPv4Network
from typing import Literal, Protocol, runtime_checkable

from automation.emulator.config import RunningConfig

RouteProtocol = Literal["C", "L", "S", "O", "O IA", "O E2"]


@dataclass(frozen=True)
class InterfaceState:
    """Operational state of one interface (`show interfaces`, `show ip interface brief`)."""

    name: str
    link_up: bool  # physical link; False => "down" (admin up) for switch ports `(notconnect)`
    protocol_up: bool
    mac: str


@dataclass(frozen=True)
class Route:
    """One entry of `show ip route`. `next_hop` None = directly connected via `interface`."""

    protocol: RouteProtocol
    prefix: IPv4Network
    next_hop: IPv4Address | None = None
    interface: str | None = None
    distance: int = 0
    metric: int = 0
    age: timedelta | None = None


@dataclass(frozen=True)
class OspfNeighbor:
    """One row of `show ip ospf neighbor`."""

    router_id: IPv4Address
    priority: int
    state: str  # "FULL/DR", "FULL/BDR", "FULL/  -", "2WAY/DROTHER"...
    dead_time: timedelta
    address: IPv4Address
    interface: str


@dataclass(frozen=True)
class DhcpBinding:
    """One lease of `show ip dhcp binding`; `expires` None = Infinite."""

    address: IPv4Address
    client_id: str  # IOS form, "0100.5056.aabb.cc" (01 + MAC) or hardware address
    expires: str | None = None
    type: Literal["Automatic", "Manual"] = "Automatic"
    interface: str | None = None


@dataclass(frozen=True)
class MacEntry:
    """One row of `show mac address-table`."""

    vlan: int
    mac: str
    type: Literal["DYNAMIC", "STATIC"]
    port: str


@dataclass(frozen=True)
class ArpEntry:
    """One row of `show ip arp`; `age_minutes` None = the device's own address (`-`)."""

    address: IPv4Address
    mac: str
    interface: str
    age_minutes: int | None = None


@dataclass(frozen=True)
class PingResult:
    """Outcome of `ping`: one character per probe (`!` reply, `.` timeout, `U` unreachable)."""

    destination: IPv4Address
    replies: str
    size: int
    timeout: int
    source: IPv4Address | None = None
    rtt_ms: tuple[int, int, int] | None = None  # min/avg/max when at least one reply

    @property
    def success(self) -> int:
        return self.replies.count("!")


@dataclass(frozen=True)
class TraceHop:
    """One line of `traceroute`: hop number and the address that answered (None = `*`)."""

    hop: int
    address: IPv4Address | None
    rtt_ms: tuple[int, ...] = ()


@dataclass(frozen=True)
class CdpNeighbor:
    """One neighbour of `show cdp neighbors [detail]`."""

    device_id: str
    local_interface: str
    remote_interface: str
    platform: str
    capabilities: str  # "R B S I"
    address: IPv4Address | None = None
    holdtime: int = 150


@runtime_checkable
class DataPlane(Protocol):
    """Forwarding state of one device. Called by the emulator; implemented by the lab."""

    async def apply(self, config: RunningConfig) -> None:
        """Bring the data plane in line with `config`, a private deep copy of the whole running
        config. Called after committed changes (debounced: when a session leaves configuration mode
        and shortly after the last change otherwise), at boot and after `reload`. Calls for one
        device never overlap; the latest configuration always gets applied last."""
        ...

    async def interfaces(self) -> list[InterfaceState]: ...

    async def routes(self) -> list[Route]:
        """The IPv4 routing table, connected (`C`) and local (`L`) entries included."""
        ...

    async def ospf_neighbors(self) -> list[OspfNeighbor]: ...

    async def dhcp_bindings(self) -> list[DhcpBinding]: ...

    async def mac_table(self) -> list[MacEntry]: ...

    async def arp_table(self) -> list[ArpEntry]: ...

    async def cdp_neighbors(self) -> list[CdpNeighbor]: ...

    async def ping(
        self, dest: IPv4Address, source: IPv4Address | None, repeat: int, size: int, timeout: int
    ) -> PingResult: ...

    async def traceroute(self, dest: IPv4Address) -> list[TraceHop]: ...


def select_routes(candidates: list[Route]) -> list[Route]:
    """What a routing table installs: per prefix, the paths of the lowest administrative distance
    (connected and local routes count 0), all of them when several tie (equal-cost paths).
    A floating static route (a higher distance) stays out until the better route goes.

    >>> net = IPv4Network("10.9.0.0/16")
    >>> best = Route("S", net, IPv4Address("10.0.0.2"), distance=1)
    >>> floating = Route("S", net, IPv4Address("10.0.1.2"), distance=200)
    >>> select_routes([floating, best]) == [best]
    True
    """
    best: dict[IPv4Network, int] = {}
    for r in candidates:
        best[r.prefix] = min(r.distance, best.get(r.prefix, r.distance))
    return [r for r in candidates if r.distance == best[r.prefix]]


def interface_mac(hostname: str, interface: str) -> str:
    """A stable, locally unique MAC in the fa16.3e OUI that IOSv images on OpenStack/CML show."""
    digest = hashlib.sha256(f"{hostname}/{interface}".encode()).digest()
    return f"fa16.3e{digest[0]:02x}.{digest[1]:02x}{digest[2]:02x}"


class ConfigOnlyDataPlane:
    """A data plane that knows only the configuration: no links, no neighbours, no leases.

    Interfaces are up when not shut down (IOSv's virtual NICs have no carrier to lose); routes are
    the connected/local ones of up, addressed interfaces plus static routes whose next hop is on a
    connected network; ping answers only the device's own addresses.
    """

    def __init__(self) -> None:
        self._config: RunningConfig | None = None

    async def apply(self, config: RunningConfig) -> None:
        self._config = config

    def _cfg(self) -> RunningConfig:
        if self._config is None:
            raise RuntimeError("apply() has not been called yet")
        return self._config

    def _up(self, cfg: RunningConfig, name: str) -> bool:
        iface = cfg.interfaces[name]
        if iface.shutdown:
            return False
        parent = iface.parent
        return not (parent and cfg.interfaces[parent].shutdown)

    async def interfaces(self) -> list[InterfaceState]:
        cfg = self._cfg()
        return [
            InterfaceState(
                i.name, self._up(cfg, i.name), self._up(cfg, i.name), interface_mac(cfg.hostname, i.name)
            )
            for i in cfg.sorted_interfaces()
        ]

    def _connected(self, cfg: RunningConfig) -> list[tuple[IPv4Interface, str]]:
        out: list[tuple[IPv4Interface, str]] = []
        for iface in cfg.sorted_interfaces():
            if self._up(cfg, iface.name) and iface.switchport is None:
                out.extend((a, iface.name) for a in iface.addresses)
        return out

    async def routes(self) -> list[Route]:
        cfg = self._cfg()
        connected = self._connected(cfg)
        candidates: list[Route] = []
        for addr, name in connected:
            candidates.append(Route("C", addr.network, interface=name))
            if addr.network.prefixlen < 32:
                candidates.append(Route("L", IPv4Network(f"{addr.ip}/32"), interface=name))
        if cfg.ip_routing:
            for sr in cfg.static_routes:
                if sr.next_hop is not None:
                    if not any(sr.next_hop in a.network for a, _ in connected):
                        continue
                elif sr.interface is None or not self._up(cfg, sr.interface):
                    continue
                candidates.append(
                    Route(
                        "S",
                        sr.prefix,
                        next_hop=sr.next_hop,
                        interface=sr.interface,
                        distance=sr.distance or 1,
                    )
                )
            # Discard routes are always candidates (Null0 never goes down).
            candidates += [
                Route("S", sr.prefix, interface="Null0", distance=sr.distance or 1) for sr in cfg.null_routes
            ]
        return select_routes(candidates)

    async def ospf_neighbors(self) -> list[OspfNeighbor]:
        return []

    async def dhcp_bindings(self) -> list[DhcpBinding]:
        return []

    async def mac_table(self) -> list[MacEntry]:
        return []

    async def arp_table(self) -> list[ArpEntry]:
        cfg = self._cfg()
        return [
            ArpEntry(addr.ip, interface_mac(cfg.hostname, name), name) for addr, name in self._connected(cfg)
        ]

    async def cdp_neighbors(self) -> list[CdpNeighbor]:
        return []

    async def ping(
        self, dest: IPv4Address, source: IPv4Address | None, repeat: int, size: int, timeout: int
    ) -> PingResult:
        own = {a.ip for a, _ in self._connected(self._cfg())}
        if dest in own:
            return PingResult(dest, "!" * repeat, size, timeout, source, (1, 1, 1))
        return PingResult(dest, "." * repeat, size, timeout, source)

    async def traceroute(self, dest: IPv4Address) -> list[TraceHop]:
        own = {a.ip for a, _ in self._connected(self._cfg())}
        if dest in own:
            return [TraceHop(1, dest, (1, 1, 1))]
        return [TraceHop(hop, None) for hop in range(1, 4)]
