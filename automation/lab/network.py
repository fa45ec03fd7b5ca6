"""The lab's network: keeps namespaces, links, bridges, addresses and daemons in step with configs.

`LabNetwork.apply(node, config)` is the one way the data plane changes. It is called with the whole
running config of a device, recomputes what that device and its cable peers ask for (VLANs on each
cable, bridges, addresses, forwarding, FRR, dnsmasq) and changes only what differs from the kernel.
Calls are serialised by a lock: a cable's state depends on both of its ends' configs.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from ipaddress import IPv4Interface
from pathlib import Path

from automation.emulator.config import RunningConfig
from automation.lab import dhcp, frr, frr_config, netns
from automation.lab.command import ip, run
from automation.lab.fabric import TrunkFabric
from automation.lab.links import Changes, KernelLink, read_links
from automation.lab.names import bridge_name, port_ifname
from automation.lab.process import ProcessRecord
from automation.lab.topology import Cable, CableEnd, LabNode, LabPlan, burned_in_mac
from automation.lab.wiring import EndWiring, cable_tags, end_wiring, routed_ifname, tag_channel

log = logging.getLogger(__name__)

LOOPBACK_V4 = IPv4Interface("127.0.0.1/8")
BUILD_WORKERS = 8


@dataclass
class DeviceState:
    """What the lab knows of one device between applies."""

    node: LabNode
    config: RunningConfig | None = None
    forwarding: bool | None = None
    gateway: str | None = None
    frr: frr.FrrInstance | None = None
    dnsmasq: dhcp.DnsmasqInstance | None = None
    cabled: set[str] = field(default_factory=set)


class LabNetwork:
    def __init__(
        self,
        plan: LabPlan,
        fabric: TrunkFabric,
        run_dir: Path,
        on_process: Callable[[ProcessRecord], None] | None = None,
    ) -> None:
        self.plan = plan
        self.fabric = fabric
        self.run_dir = run_dir
        self.lock = threading.Lock()
        self.on_process = on_process
        self.devices: dict[str, DeviceState] = {}
        self._seen: dict[str, dict[str, KernelLink]] = {}
        for node in plan.devices():
            state = DeviceState(node)
            state.cabled = {c.end(node.name).port for c in plan.cables_of(node.name)}
            self.devices[node.name] = state

    # --- build ----------------------------------------------------------------------------------

    def build(self) -> None:
        """Namespaces for every node and every cable laid, all device ports dark."""
        # Each step is a few short `ip` processes per node: run them side by side.
        with ThreadPoolExecutor(max_workers=BUILD_WORKERS) as pool:
            list(pool.map(lambda n: netns.create(n.netns, n.name, str(self.run_dir.parent)), self.plan.nodes))
            list(pool.map(self.fabric.connect, self.plan.cables))
        for cable in self.plan.cables:
            for end in (cable.a, cable.b):
                if not end.is_device:
                    ip(end.netns, "link", "set", end.ifname, "up")
        routers = [s for s in self.devices.values() if s.node.kind == "router"]
        for state in routers:
            state.frr = frr.FrrInstance(
                state.node.netns, self.run_dir / "frr" / state.node.name, on_start=self._record
            )
            state.frr.start()
            state.dnsmasq = dhcp.DnsmasqInstance(
                state.node.netns, self.run_dir / "dhcp" / state.node.name, on_start=self._record
            )
        for state in routers:
            assert state.frr is not None
            state.frr.wait_ready()

    def _record(self, rec: ProcessRecord) -> None:
        if self.on_process:
            self.on_process(rec)

    # --- apply ----------------------------------------------------------------------------------

    def apply(self, node: str, config: RunningConfig) -> None:
        with self.lock:
            t0 = time.monotonic()
            self._apply(node, config)
            log.debug("%s: data plane applied in %.3f s", node, time.monotonic() - t0)

    def _links(self, ns: str) -> dict[str, KernelLink]:
        """The links of a namespace as last read during this apply (re-read after a change)."""
        if ns not in self._seen:
            self._seen[ns] = read_links(ns)
        return self._seen[ns]

    def _commit(self, changes: Changes) -> None:
        if changes.apply():
            self._seen.pop(changes.netns, None)

    def _apply(self, node: str, config: RunningConfig) -> None:
        # Kernel state read in one apply; nothing else changes the lab's links meanwhile.
        self._seen = {}
        state = self.devices[node]
        state.config = config
        touched = {node}
        for cable in self.plan.cables_of(node):
            peer = cable.peer(node)
            if peer.is_device:
                touched.add(peer.node)
        for name in sorted(touched):
            self._bridges(self.devices[name])
        for cable in self.plan.cables_of(node):
            self._cable(cable)
        for name in sorted(touched):
            self._layer3(self.devices[name])
        if state.frr is not None:
            self._routing(state)

    def config(self, node: str) -> RunningConfig | None:
        return self.devices[node].config

    def _wiring(self, end: CableEnd, peer: CableEnd) -> EndWiring:
        cfg = self.devices[end.node].config if end.is_device else None
        peer_cfg = self.devices[peer.node].config if peer.is_device else None
        return end_wiring(cfg, end, peer_cfg, peer)

    def _bridges(self, state: DeviceState) -> None:
        """A switch has one bridge per VLAN that exists in its configuration (and VLAN 1)."""
        cfg = state.config
        if state.node.kind != "switch" or cfg is None:
            return
        ns = state.node.netns
        links = self._links(ns)
        wanted = {bridge_name(v): v for v in cfg.vlan_ids()}
        changes = Changes(ns)
        for name, link in links.items():
            if link.kind == "bridge" and name not in wanted:
                changes.add(f"link del {name}")
        for name, vlan in wanted.items():
            if name not in links:
                mac = burned_in_mac(state.node.name, f"Vlan{vlan}", "switch")
                # No STP: the lab's topologies are trees, and STP's 30 s of listening/learning
                # would hide every change the CLI makes.
                changes.add(f"link add {name} address {mac} type bridge stp_state 0")
                changes.add(f"link set dev {name} up")
        self._commit(changes)

    def _cable(self, cable: Cable) -> None:
        wa = self._wiring(cable.a, cable.b)
        wb = self._wiring(cable.b, cable.a)
        tags = cable_tags(wa, wb)
        if self.fabric.sync_tags(cable, tags):
            self._seen.pop(cable.a.netns, None)
            self._seen.pop(cable.b.netns, None)
        for end, wiring in ((cable.a, wa), (cable.b, wb)):
            links = self._links(end.netns)
            changes = Changes(end.netns)
            base = links.get(end.ifname)
            changes.set_master(base, end.ifname, wiring.untagged.bridge)
            changes.set_state(base, end.ifname, wiring.untagged.up)
            for tag in sorted(tags):
                name = self.fabric.tag_ifname(end, tag)
                channel = tag_channel(wiring, tag)
                link = links.get(name)
                changes.set_master(link, name, channel.bridge)
                changes.set_state(link, name, channel.up)
            self._commit(changes)

    def _layer3(self, state: DeviceState) -> None:
        """Addresses of routed interfaces, IP forwarding and a switch's default gateway."""
        cfg = state.config
        if cfg is None:
            return
        ns = state.node.netns
        links = self._links(ns)
        wanted: dict[str, set[IPv4Interface]] = {"lo": {LOOPBACK_V4}}
        for iface in cfg.sorted_interfaces():
            if iface.switchport is not None:
                continue
            ifname = routed_ifname(cfg, iface, state.cabled)
            if ifname is None or ifname not in links:
                continue
            logical = iface.name.startswith(("Loopback", "Vlan"))
            if logical and iface.shutdown:
                continue  # a shut logical interface has no carrier to drop: withdraw its addresses
            wanted.setdefault(ifname, set()).update(iface.addresses)
        changes = Changes(ns)
        for name, link in links.items():
            changes.set_addresses(link, name, wanted.get(name, set()))
        self._commit(changes)
        forwarding = cfg.ip_routing and state.node.kind == "router"
        if state.forwarding != forwarding:
            netns.sysctl(ns, "net.ipv4.ip_forward", "1" if forwarding else "0")
            state.forwarding = forwarding
        gateway = str(cfg.default_gateway) if cfg.default_gateway and not forwarding else None
        if gateway != state.gateway:
            if state.gateway:
                run(["ip", "-n", ns, "route", "del", "default", "via", state.gateway], check=False)
                state.gateway = None
            # Unreachable until the SVI has its address: retried at the next apply.
            if (
                gateway
                and run(
                    ["ip", "-n", ns, "route", "replace", "default", "via", gateway], check=False
                ).returncode
                == 0
            ):
                state.gateway = gateway

    def _routing(self, state: DeviceState) -> None:
        cfg = state.config
        assert cfg is not None and state.frr is not None and state.dnsmasq is not None

        def ifname_of(name: str) -> str | None:
            iface = cfg.interfaces.get(name)
            return routed_ifname(cfg, iface, state.cabled) if iface is not None else None

        state.frr.apply(frr_config.render(cfg, ifname_of, state.frr.dir))
        state.dnsmasq.apply(dhcp.render(cfg, state.dnsmasq.dir))

    # --- read helpers -----------------------------------------------------------------------

    def links(self, node: str) -> dict[str, KernelLink]:
        return read_links(self.plan.node(node).netns)

    def port_ifname(self, port: str) -> str:
        return port_ifname(port)

    # --- teardown ---------------------------------------------------------------------------

    def stop_daemons(self) -> None:
        for state in self.devices.values():
            if state.dnsmasq is not None:
                state.dnsmasq.stop()
            if state.frr is not None:
                state.frr.stop()
                state.frr.remove_files()
