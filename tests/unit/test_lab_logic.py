"""The lab's pure logic, without root: wiring from configs, FRR and dnsmasq generation, names."""

from __future__ import annotations

import asyncio
import doctest
import importlib
import os
from ipaddress import IPv4Address, IPv4Interface, IPv4Network
from pathlib import Path

import pytest

from automation.emulator.config import (
    DhcpPool,
    ExcludedRange,
    OspfNetwork,
    OspfProcess,
    RunningConfig,
    StaticRoute,
    Vlan,
)
from automation.emulator.device import Device, DeviceSpec
from automation.lab import dhcp, frr_config
from automation.lab.topology import CableEnd, plan_from_json, plan_site, plan_to_json
from automation.lab.wiring import cable_tags, end_wiring, ios_interface, routed_ifname
from automation.models import load_site
from automation.render import render_intended

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).parent / "golden" / "lab"


def _end(node: str, kind: str, port: str, ifname: str) -> CableEnd:
    return CableEnd(
        node=node, kind=kind, netns=f"mt-x-{node.lower()}", port=port, ifname=ifname, mac="fa:16:3e:00:00:01"
    )


R1 = _end("R1", "router", "GigabitEthernet0/1", "Gi0-1")
SW1 = _end("SW1", "switch", "GigabitEthernet0/0", "Gi0-0")
SW2 = _end("SW2", "switch", "GigabitEthernet0/0", "Gi0-0")
PC = _end("PC", "pc", "eth0", "eth0")


def _router() -> RunningConfig:
    cfg = RunningConfig.factory("router", "R1")
    cfg.interfaces["GigabitEthernet0/1"].shutdown = False
    for sub, vlan in ((10, 10), (20, 25)):
        iface = cfg.new_interface(f"GigabitEthernet0/1.{sub}")
        iface.dot1q_vlan = vlan
        iface.address = IPv4Interface(f"192.168.{sub}.1/24")
    return cfg


def _switch(mode: str = "trunk", allowed: set[int] | None = None) -> RunningConfig:
    cfg = RunningConfig.factory("switch", "SW1")
    for vid in (10, 20, 25, 999):
        cfg.vlans[vid] = Vlan(vid)
    sp = cfg.interfaces["GigabitEthernet0/0"].switchport
    assert sp is not None
    sp.mode = mode  # type: ignore[assignment]
    sp.trunk_native = 999
    if allowed is not None:
        sp.trunk_allowed = frozenset(allowed)
    return cfg


def test_router_subinterfaces_ride_a_trunk_by_their_dot1q_tag() -> None:
    router, switch = _router(), _switch(allowed={10, 20})
    wr = end_wiring(router, R1, switch, SW1)
    ws = end_wiring(switch, SW1, router, R1)
    assert set(wr.tags) == {10, 25} and wr.untagged.up
    assert ws.trunk and set(ws.tags) == {10, 20} and ws.untagged.bridge is None  # native 999 not allowed
    assert cable_tags(wr, ws) == {10, 20, 25}
    assert ws.tags[10].bridge == "br10"
    cabled = {"GigabitEthernet0/1"}
    sub20 = router.interfaces["GigabitEthernet0/1.20"]
    assert routed_ifname(router, sub20, cabled) == "Gi0-1.25"
    assert ios_interface(router, "Gi0-1.25") == "GigabitEthernet0/1.20"


def test_shutdown_and_access_ports() -> None:
    router = _router()
    router.interfaces["GigabitEthernet0/1.10"].shutdown = True
    wr = end_wiring(router, R1, None, SW1)
    assert not wr.tags[10].up and wr.tags[25].up
    access = _switch("access")
    sp = access.interfaces["GigabitEthernet0/0"].switchport
    assert sp is not None
    sp.access_vlan = 20
    assert end_wiring(access, SW1, None, PC).untagged.bridge == "br20"
    sp.access_vlan = 30  # not created: the port is inactive
    assert end_wiring(access, SW1, None, PC).untagged.bridge is None
    assert end_wiring(None, SW1, None, PC).untagged.up is False  # not booted: dark


def test_dtp_negotiates_a_trunk_only_with_a_trunking_peer() -> None:
    auto, trunk = _switch("dynamic auto"), _switch("trunk")
    assert end_wiring(auto, SW1, trunk, SW2).trunk
    assert not end_wiring(auto, SW1, _switch("dynamic auto"), SW2).trunk
    assert end_wiring(_switch("dynamic desirable"), SW1, auto, SW2).trunk


def test_frr_config_and_incremental_diff() -> None:
    cfg = _router()
    cfg.static_routes.append(StaticRoute(IPv4Network("0.0.0.0/0"), next_hop=IPv4Address("10.0.12.2")))
    proc = OspfProcess(1, router_id=IPv4Address("10.255.0.1"))
    proc.networks.append(OspfNetwork(IPv4Address("192.168.10.0"), IPv4Address("0.0.0.255"), "0"))
    proc.passive.append("GigabitEthernet0/1.10")
    cfg.ospf[1] = proc
    cabled = {"GigabitEthernet0/1"}

    def ifname_of(name: str) -> str | None:
        return routed_ifname(cfg, cfg.interfaces[name], cabled)

    first = frr_config.render(cfg, ifname_of, Path("/tmp/x"))
    text = frr_config.text(first.ospfd)
    assert "network 192.168.10.0/24 area 0" in text and "ospf router-id 10.255.0.1" in text
    block = "interface Gi0-1.10\n ip ospf hello-interval 1\n ip ospf dead-interval 3\n"
    assert block + " ip ospf retransmit-interval 1\n ip ospf passive" in text
    assert "ip route 0.0.0.0/0 10.0.12.2" in frr_config.text(first.staticd)
    proc.networks.append(OspfNetwork(IPv4Address("192.168.20.0"), IPv4Address("0.0.0.255"), "0"))
    proc.passive.clear()
    second = frr_config.render(cfg, ifname_of, Path("/tmp/x"))
    assert frr_config.diff(first.ospfd, second.ospfd) == [
        "interface Gi0-1.10", "no ip ospf passive", "exit",
        "router ospf", "network 192.168.20.0/24 area 0", "exit",
    ]  # fmt: skip
    cfg.ospf.clear()
    third = frr_config.render(cfg, ifname_of, Path("/tmp/x"))
    assert frr_config.diff(second.ospfd, third.ospfd)[-1] == "no router ospf"


def test_dnsmasq_pools_exclusions_and_relay() -> None:
    cfg = _router()
    cfg.dhcp_excluded.append(ExcludedRange(IPv4Address("192.168.10.1"), IPv4Address("192.168.10.9")))
    cfg.dhcp_pools["BE"] = DhcpPool(
        "BE", IPv4Network("192.168.10.0/24"), [IPv4Address("192.168.10.1")], [IPv4Address("192.168.40.10")],
        "mt.com", (0, 12, 0),
    )  # fmt: skip
    cfg.interfaces["GigabitEthernet0/1.20"].helper_addresses.append(IPv4Address("10.0.12.1"))
    text = dhcp.render(cfg, Path("/run/x"))
    assert text is not None
    tag = dhcp.pool_tag("BE")
    assert f"dhcp-range=set:{tag},192.168.10.10,192.168.10.254,255.255.255.0,43200" in text
    assert f"dhcp-option=tag:{tag},option:dns-server,192.168.40.10" in text
    assert f"dhcp-option=tag:{tag},option:domain-name,mt.com" in text
    assert "dhcp-relay=192.168.20.1,10.0.12.1" in text and "no-ping" in text
    assert dhcp.render(RunningConfig.factory("router", "R9"), Path("/run/x")) is None


def _booted(config: str, kind: str, name: str, tmp: Path) -> RunningConfig:
    """`config` as the emulator reads it at boot: the running config a lab device would have."""
    device = Device(DeviceSpec(name, kind, tmp / name, day0_config=config))  # type: ignore[arg-type]
    asyncio.run(device.boot())
    return device.config


@pytest.mark.parametrize("router", ["R1", "R2"])
def test_dnsmasq_config_of_the_intended_router_matches_golden(router: str, tmp_path: Path) -> None:
    """dnsmasq.conf from the mastertech router's intended config; the same whatever order the
    pools were configured in (their tags come from their names)."""
    site = load_site(ROOT / "inventory" / "mastertech")
    cfg = _booted(render_intended(site, router), "router", router, tmp_path)
    text = dhcp.render(cfg, Path("/run/lab/dhcp") / router)
    golden = GOLDEN / f"{router}.dnsmasq.conf"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(text or "")
    assert text == golden.read_text()
    cfg.dhcp_pools = dict(reversed(list(cfg.dhcp_pools.items())))
    assert dhcp.render(cfg, Path("/run/lab/dhcp") / router) == text


@pytest.mark.parametrize("router", ["R1", "R2"])
def test_frr_config_of_the_intended_router_matches_golden(router: str, tmp_path: Path) -> None:
    """The FRR daemons' configs (zebra, staticd, ospfd) from the mastertech router's intended
    config, with its ports cabled as the site's topology says."""
    site = load_site(ROOT / "inventory" / "mastertech")
    cfg = _booted(render_intended(site, router), "router", router, tmp_path)
    cabled = {c.end(router).port for c in plan_site(site).cables_of(router)}

    def ifname_of(name: str) -> str | None:
        return routed_ifname(cfg, cfg.interfaces[name], cabled)

    rendered = frr_config.render(cfg, ifname_of, Path("/run/lab/frr") / router)
    text = "".join(f"! --- {d}\n{frr_config.text(getattr(rendered, d))}" for d in frr_config.DAEMONS)
    golden = GOLDEN / f"{router}.frr.conf"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(text)
    assert text == golden.read_text()


def test_plan_round_trips_and_names_fit_the_kernel() -> None:
    plan = plan_site(load_site(ROOT / "inventory" / "mastertech"))
    assert plan_from_json(plan_to_json(plan)) == plan
    names = [n.netns for n in plan.nodes]
    assert len(set(names)) == len(names) and all(n.startswith("mt-mastertech-") for n in names)
    for cable in plan.cables:
        for end in (cable.a, cable.b):
            assert len(end.ifname) + len(".4094") <= 15
    hosts = {n.mgmt.host for n in plan.nodes if n.mgmt}
    assert len(hosts) == len(plan.devices()) and all(h.startswith("127.") for h in hosts)


@pytest.mark.parametrize("name", ["automation.lab.names", "automation.lab.dhcp", "automation.lab.frr_config"])
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0 and result.failed == 0


def test_without_root_the_lab_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    from automation.errors import UsageError
    from automation.lab import launcher

    monkeypatch.setattr(launcher.os, "geteuid", lambda: 1000)
    with pytest.raises(UsageError, match="needs root"):
        launcher.up(load_site(ROOT / "inventory" / "lab06"))


def test_teardown_keeps_the_logs_of_the_last_run(tmp_path: Path) -> None:
    """`lab down` (even with --wipe) leaves the controller log and the daemons' logs and configs
    in last-run/, replacing the previous run's, and never copies a server node's root."""
    from automation.lab import cleanup
    from automation.lab.state import LabPaths

    paths = LabPaths(tmp_path / "mastertech")
    files = {
        "frr/R1/ospfd.log": "OSPF: adjacency",
        "frr/R1/ospfd.conf": "router ospf",
        "frr/R1/ospfd.pid": "42",
        "dhcp/R1/dnsmasq.log": "DHCPACK",
        "pcs/BE-PC1-udhcpc.log": "lease",
        "servers/DNS/console.log": "named up",
        "servers/DNS/root/etc/passwd.log": "host file",
    }
    for rel, body in files.items():
        (paths.run / rel).parent.mkdir(parents=True, exist_ok=True)
        (paths.run / rel).write_text(body, encoding="utf-8")
    paths.log.write_text("ERROR mt-mastertech-r1: ospfd push failed\n", encoding="utf-8")
    (paths.last_run / "frr" / "R9").mkdir(parents=True)
    (paths.devices / "R1").mkdir(parents=True)
    cleanup.teardown(paths, wipe=True)
    kept = sorted(str(f.relative_to(paths.last_run)) for f in paths.last_run.rglob("*") if f.is_file())
    assert kept == [
        "controller.log",
        "dhcp/R1/dnsmasq.log",
        "frr/R1/ospfd.conf",
        "frr/R1/ospfd.log",
        "pcs/BE-PC1-udhcpc.log",
        "servers/DNS/console.log",
    ]
    assert "push failed" in (paths.last_run / "controller.log").read_text(encoding="utf-8")
    assert sorted(p.name for p in paths.root.iterdir()) == ["last-run"]
