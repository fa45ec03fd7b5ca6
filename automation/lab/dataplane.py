"""`NetnsDataPlane`: the emulator's `DataPlane` for one router or switch of the lab.

`apply()` hands the device's running config to `LabNetwork`, then sets what that leaves out:
interface `mtu` (the kernel link's MTU) and `ip access-group` (nftables rules in the device's
namespace, see `acl_ruleset`); every other method reads the real
state of the device's namespace (kernel links, neighbours and bridge fdb, FRR through vtysh, the
dnsmasq lease file, ping and traceroute run inside the namespace) and names interfaces the IOS way.
Blocking work runs in a thread so that one device never stalls the others in the emulator's loop.
"""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import timedelta
from ipaddress import IPv4Address, IPv4Network
from typing import Any

from automation.emulator.config import RunningConfig
from automation.emulator.dataplane import (
    ArpEntry,
    CdpNeighbor,
    DhcpBinding,
    InterfaceState,
    MacEntry,
    OspfNeighbor,
    PingResult,
    Route,
    RouteProtocol,
    TraceHop,
    interface_mac,
)
from automation.emulator.errors import DataPlaneRejected
from automation.errors import LabError
from automation.lab import limits
from automation.lab.acl import NFT_TABLE, acl_ruleset
from automation.lab.command import bridge_json, in_netns, ip_batch, ip_json, run
from automation.lab.dhcp import read_leases
from automation.lab.names import bridge_vlan, dotted_mac, port_ifname
from automation.lab.network import LabNetwork
from automation.lab.wiring import ios_interface, routed_ifname

log = logging.getLogger(__name__)

_PROTOCOLS: dict[str, RouteProtocol] = {"connected": "C", "static": "S", "ospf": "O"}
_NEIGH_OK = {"REACHABLE", "STALE", "DELAY", "PROBE", "PERMANENT", "NOARP"}
PING_INTERVAL = "0.2"  # seconds between probes; IOS sends back to back, 0.2 is ping's floor for root
TRACE_MAX_HOPS = 15


class NetnsDataPlane:
    def __init__(self, network: LabNetwork, node: str) -> None:
        self.network = network
        self.node = network.plan.node(node)
        self.netns = self.node.netns
        self._mtus: set[str] = set()  # kernel links whose MTU an IOS `mtu` changed
        self._ruleset = ""  # the nftables table last loaded for `ip access-group`

    # --- configuration --------------------------------------------------------------------------

    async def apply(self, config: RunningConfig) -> None:
        """Apply what the lab can of `config`; DataPlaneRejected names the lines it cannot."""
        await asyncio.to_thread(self._apply, config)

    def _apply(self, config: RunningConfig) -> None:
        """Links, addresses and daemons, then MTUs and filters; each step runs even when another
        could not do all it was asked, and every line left undone is reported at the end."""
        self.network.apply(self.node.name, config)
        problems = limits.refused(config)
        for step in (self._apply_mtus, self._apply_filters):
            try:
                problems += step(config)
            except LabError as exc:
                problems.append(str(exc))
        if problems:
            raise DataPlaneRejected(problems)

    def _apply_mtus(self, cfg: RunningConfig) -> list[str]:
        """IOS `mtu N` on a cabled port -> the kernel link's MTU (1500 again without it)."""
        cabled = self.network.devices[self.node.name].cabled
        wanted = {
            port_ifname(i.name): i.mtu or 1500
            for i in cfg.interfaces.values()
            if i.is_physical and i.name in cabled
        }
        if not self._mtus and all(mtu == 1500 for mtu in wanted.values()):
            return []  # no MTU was ever changed: no need to read the links
        have = {row["ifname"]: row.get("mtu") for row in ip_json(self.netns, "link", "show")}
        ip_batch(
            self.netns, [f"link set dev {n} mtu {m}" for n, m in sorted(wanted.items()) if have.get(n) != m]
        )
        self._mtus = {n for n, m in wanted.items() if m != 1500}
        return []

    def _apply_filters(self, cfg: RunningConfig) -> list[str]:
        """`ip access-group` -> the nftables table of `acl_ruleset`, loaded when it changed."""
        cabled = self.network.devices[self.node.name].cabled
        ruleset, problems = acl_ruleset(cfg, lambda i: routed_ifname(cfg, i, cabled))
        if ruleset == self._ruleset:
            return problems
        # Declaring the table first lets the delete succeed in a namespace without one; nft
        # applies the file as one transaction, so no packet meets half a rule set.
        text = f"table ip {NFT_TABLE} {{}}\ndelete table ip {NFT_TABLE}\n{ruleset}"
        try:
            proc = run(in_netns(self.netns, ["nft", "-f", "-"]), check=False, stdin=text)
        except LabError as exc:
            if "not installed" not in str(exc):
                raise
            return [
                *problems,
                "'ip access-group': the lab filters with nft (Debian package nftables): install it",
            ]
        if proc.returncode != 0:
            first = (proc.stderr.strip().splitlines() or [f"exit status {proc.returncode}"])[0]
            return [*problems, f"'ip access-group': nft refused the filters: {first}"]
        self._ruleset = ruleset
        return problems

    def _cfg(self) -> RunningConfig:
        cfg = self.network.config(self.node.name)
        if cfg is None:
            return RunningConfig.factory("router" if self.node.kind == "router" else "switch", self.node.name)
        return cfg

    def _ios(self, cfg: RunningConfig, ifname: str, address: IPv4Address | None = None) -> str:
        """IOS name of a kernel interface; `lo` addresses map to the Loopback that holds them."""
        if ifname == "lo":
            for iface in cfg.sorted_interfaces():
                if (
                    iface.name.startswith("Loopback")
                    and address is not None
                    and any(a.ip == address or address in a.network for a in iface.addresses)
                ):
                    return iface.name
            return next(
                (i.name for i in cfg.sorted_interfaces() if i.name.startswith("Loopback")), "Loopback0"
            )
        return ios_interface(cfg, ifname) or ifname

    # --- interfaces -----------------------------------------------------------------------------

    async def interfaces(self) -> list[InterfaceState]:
        return await asyncio.to_thread(self._interfaces)

    def _interfaces(self) -> list[InterfaceState]:
        cfg = self._cfg()
        links = self.network.links(self.node.name)
        cabled = self.network.devices[self.node.name].cabled
        out: list[InterfaceState] = []
        for iface in cfg.sorted_interfaces():
            name = iface.name
            mac = interface_mac(cfg.hostname, name)
            if name.startswith("Loopback"):
                up = not iface.shutdown
            elif name.startswith("Vlan"):
                link = links.get(routed_ifname(cfg, iface, cabled) or "")
                up = link is not None and not iface.shutdown and link.carrier
                mac = dotted_mac(link.mac) if link else mac
            else:
                port = iface.parent or name
                base = links.get(port_ifname(port)) if port in cabled else None
                up = base is not None and base.oper_up and not iface.shutdown
                if iface.parent is not None and up:
                    sub = routed_ifname(cfg, iface, cabled)
                    link = links.get(sub) if sub else None
                    up = link is None or link.oper_up
                mac = dotted_mac(base.mac) if base else mac
            out.append(InterfaceState(name, up, up, mac))
        return out

    # --- routing ----------------------------------------------------------------------------------

    async def routes(self) -> list[Route]:
        return await asyncio.to_thread(self._routes)

    def _routes(self) -> list[Route]:
        cfg = self._cfg()
        state = self.network.devices[self.node.name]
        links = self.network.links(self.node.name)
        routes: list[Route] = []
        if state.frr is not None:
            table = state.frr.show_json("show ip route")
            for prefix, entries in sorted(table.items()):
                for entry in entries:
                    routes.extend(self._frr_route(cfg, IPv4Network(prefix), entry))
        else:
            routes.extend(self._kernel_routes(cfg))
        # IOS 15 lists each interface address as a local /32 (`L`); the kernel keeps those in
        # its local table, FRR 8 does not show them.
        for link in links.values():
            if not link.oper_up or (link.name == "lo" and not link.addresses):
                continue
            for addr in link.addresses:
                if addr.ip.is_loopback:
                    continue
                if addr.network.prefixlen < 32:
                    routes.append(
                        Route("L", IPv4Network(f"{addr.ip}/32"), interface=self._ios(cfg, link.name, addr.ip))
                    )
        return routes

    def _frr_route(self, cfg: RunningConfig, prefix: IPv4Network, entry: dict[str, Any]) -> list[Route]:
        proto = _PROTOCOLS.get(entry.get("protocol", ""))
        if proto is None or not entry.get("selected"):
            return []
        age = _uptime(entry.get("uptime", ""))
        out: list[Route] = []
        for hop in entry.get("nexthops", []):
            if not hop.get("active", True):
                continue
            ifname = hop.get("interfaceName")
            iface = self._ios(cfg, ifname, prefix.network_address) if ifname else None
            if proto == "C" or (hop.get("directlyConnected") and "ip" not in hop):
                out.append(Route(proto, prefix, interface=iface, age=age))
                continue
            nh = IPv4Address(hop["ip"]) if "ip" in hop else None
            if hop.get("unreachable") or hop.get("blackhole"):
                iface = "Null0"
            out.append(
                Route(
                    proto,
                    prefix,
                    next_hop=nh,
                    interface=iface,
                    distance=int(entry.get("distance", 0)),
                    metric=int(entry.get("metric", 0)),
                    age=age,
                )
            )
        return out

    def _kernel_routes(self, cfg: RunningConfig) -> list[Route]:
        out: list[Route] = []
        for row in ip_json(self.netns, "route", "show"):
            dst = row.get("dst", "")
            prefix = (
                IPv4Network("0.0.0.0/0")
                if dst == "default"
                else IPv4Network(dst if "/" in dst else f"{dst}/32")
            )
            if "linkdown" in row.get("flags", []):
                continue
            iface = self._ios(cfg, row["dev"], prefix.network_address) if "dev" in row else None
            if "gateway" in row:
                out.append(
                    Route("S", prefix, next_hop=IPv4Address(row["gateway"]), interface=None, distance=1)
                )
            elif row.get("protocol") == "kernel":
                out.append(Route("C", prefix, interface=iface))
        return out

    async def ospf_neighbors(self) -> list[OspfNeighbor]:
        return await asyncio.to_thread(self._ospf_neighbors)

    def _ospf_neighbors(self) -> list[OspfNeighbor]:
        state = self.network.devices[self.node.name]
        if state.frr is None:
            return []
        cfg = self._cfg()
        data = state.frr.show_json("show ip ospf neighbor")
        out: list[OspfNeighbor] = []
        for rid, rows in (data.get("neighbors") or {}).items():
            for row in rows if isinstance(rows, list) else [rows]:
                ifname = str(row.get("ifaceName", "")).split(":")[0]
                state_text = str(row.get("nbrState") or row.get("state") or "")
                out.append(
                    OspfNeighbor(
                        router_id=IPv4Address(rid),
                        priority=int(row.get("nbrPriority", row.get("priority", 1))),
                        state=_ios_ospf_state(state_text),
                        dead_time=timedelta(
                            milliseconds=int(
                                row.get("deadTimeMsecs", row.get("routerDeadIntervalTimerDueMsec", 0))
                            )
                        ),
                        address=IPv4Address(row.get("ifaceAddress") or row.get("address")),
                        interface=self._ios(cfg, ifname),
                    )
                )
        return out

    # --- DHCP -------------------------------------------------------------------------------

    async def dhcp_bindings(self) -> list[DhcpBinding]:
        return await asyncio.to_thread(self._dhcp_bindings)

    def _dhcp_bindings(self) -> list[DhcpBinding]:
        state = self.network.devices[self.node.name]
        if state.dnsmasq is None:
            return []
        # `expires=None` prints `Infinite`: the only form ntc-templates' `show ip dhcp binding`
        # template accepts (a dated expiry raises TextFSMError), and clients parse this output.
        return [
            DhcpBinding(address=lease.address, client_id=lease.ios_client_id, expires=None)
            for lease in sorted(read_leases(state.dnsmasq.lease_file), key=lambda x: x.address)
        ]

    # --- layer 2 ------------------------------------------------------------------------------

    async def mac_table(self) -> list[MacEntry]:
        return await asyncio.to_thread(self._mac_table)

    def _mac_table(self) -> list[MacEntry]:
        if self.node.kind != "switch":
            return []
        cfg = self._cfg()
        out: list[MacEntry] = []
        for row in bridge_json(self.netns, "fdb", "show"):
            vlan = bridge_vlan(row.get("master", ""))
            flags = row.get("flags", [])
            if vlan is None or row.get("state") == "permanent" or "self" in flags:
                continue
            port = ios_interface(cfg, row["ifname"])
            if port is None:
                continue
            out.append(MacEntry(vlan, dotted_mac(row["mac"]), "DYNAMIC", port))
        return sorted(out, key=lambda e: (e.vlan, e.mac))

    async def arp_table(self) -> list[ArpEntry]:
        return await asyncio.to_thread(self._arp_table)

    def _arp_table(self) -> list[ArpEntry]:
        cfg = self._cfg()
        links = self.network.links(self.node.name)
        out: list[ArpEntry] = []
        for link in links.values():
            if link.name == "lo" or not link.oper_up:
                continue
            for addr in link.addresses:
                out.append(ArpEntry(addr.ip, dotted_mac(link.mac), self._ios(cfg, link.name), None))
        for row in ip_json(self.netns, "neigh", "show"):
            if "lladdr" not in row or not set(row.get("state", [])) & _NEIGH_OK:
                continue
            try:
                address = IPv4Address(row["dst"])
            except ValueError:
                continue
            out.append(ArpEntry(address, dotted_mac(row["lladdr"]), self._ios(cfg, row["dev"]), 0))
        return sorted(out, key=lambda e: e.address)

    async def cdp_neighbors(self) -> list[CdpNeighbor]:
        return await asyncio.to_thread(self._cdp_neighbors)

    def _cdp_neighbors(self) -> list[CdpNeighbor]:
        links = self.network.links(self.node.name)
        out: list[CdpNeighbor] = []
        for cable in self.network.plan.cables_of(self.node.name):
            mine, peer = cable.end(self.node.name), cable.peer(self.node.name)
            base = links.get(mine.ifname)
            peer_cfg = self.network.config(peer.node) if peer.is_device else None
            if peer_cfg is None or base is None or not base.oper_up:
                continue
            device_id = (
                f"{peer_cfg.hostname}.{peer_cfg.domain_name}" if peer_cfg.domain_name else peer_cfg.hostname
            )
            address = _first_address(peer_cfg)
            out.append(
                CdpNeighbor(
                    device_id=device_id,
                    local_interface=mine.port,
                    remote_interface=peer.port,
                    platform="IOSv" if peer.kind == "router" else "IOSvL2",
                    capabilities="R B" if peer.kind == "router" else "R S I",
                    address=address,
                )
            )
        return out

    # --- ping and traceroute ------------------------------------------------------------------

    async def ping(
        self, dest: IPv4Address, source: IPv4Address | None, repeat: int, size: int, timeout: int
    ) -> PingResult:
        return await asyncio.to_thread(self._ping, dest, source, repeat, size, timeout)

    def _ping(
        self, dest: IPv4Address, source: IPv4Address | None, repeat: int, size: int, timeout: int
    ) -> PingResult:
        payload = max(0, size - 28)  # IOS counts the IP and ICMP headers in the datagram size
        argv = [
            "ping",
            "-n",
            "-c",
            str(repeat),
            "-s",
            str(payload),
            "-W",
            str(max(1, timeout)),
            "-i",
            PING_INTERVAL,
        ]
        if source is not None:
            argv += ["-I", str(source)]
        budget = repeat * float(PING_INTERVAL) + max(1, timeout) + 5
        proc = run(in_netns(self.netns, [*argv, str(dest)]), check=False, timeout=budget)
        marks = ["."] * repeat
        for line in proc.stdout.splitlines():
            m = re.search(r"icmp_seq=(\d+)", line)
            if not m or not 1 <= int(m.group(1)) <= repeat:
                continue
            seq = int(m.group(1)) - 1
            if "bytes from" in line:
                marks[seq] = "!"
            elif "Unreachable" in line:
                marks[seq] = "U"
        rtt = None
        m = re.search(r"= ([\d.]+)/([\d.]+)/([\d.]+)/", proc.stdout)
        if m and "!" in marks:
            lo, avg, hi = (max(1, round(float(x))) for x in m.groups())
            rtt = (lo, avg, hi)
        return PingResult(dest, "".join(marks), size, timeout, source, rtt)

    async def traceroute(self, dest: IPv4Address) -> list[TraceHop]:
        return await asyncio.to_thread(self._traceroute, dest)

    def _traceroute(self, dest: IPv4Address) -> list[TraceHop]:
        argv = ["traceroute", "-n", "-q", "3", "-w", "1", "-m", str(TRACE_MAX_HOPS), str(dest)]
        proc = run(in_netns(self.netns, argv), check=False, timeout=TRACE_MAX_HOPS * 4 + 5)
        hops: list[TraceHop] = []
        for line in proc.stdout.splitlines()[1:]:
            m = re.match(r"^\s*(\d+)\s+(.*)$", line)
            if not m:
                continue
            hop, rest = int(m.group(1)), m.group(2)
            addr = re.search(r"(\d+\.\d+\.\d+\.\d+)", rest)
            rtts = tuple(max(1, round(float(x))) for x in re.findall(r"([\d.]+) ms", rest))
            hops.append(TraceHop(hop, IPv4Address(addr.group(1)) if addr else None, rtts))
            if addr and IPv4Address(addr.group(1)) == dest:
                break
        return hops


def _uptime(text: str) -> timedelta | None:
    m = re.match(r"^(\d+):(\d+):(\d+)$", text)
    if m:
        h, mi, s = (int(x) for x in m.groups())
        return timedelta(hours=h, minutes=mi, seconds=s)
    m = re.match(r"^(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?$", text)
    if m and text:
        w, d, h = (int(x) if x else 0 for x in m.groups())
        return timedelta(weeks=w, days=d, hours=h)
    return None


def _ios_ospf_state(text: str) -> str:
    """FRR `Full/DR` -> IOS `FULL/DR`; `Full/DROther` -> `FULL/DROTHER`; p2p `Full/-` -> `FULL/  -`."""
    state, _, role = text.partition("/")
    state = state.upper()
    role = role.upper()
    if role in ("", "-"):
        return f"{state}/  -"
    return f"{state}/{role}"


def _first_address(cfg: RunningConfig) -> IPv4Address | None:
    for iface in cfg.sorted_interfaces():
        if iface.address is not None and not iface.shutdown:
            return iface.address.ip
    return None
