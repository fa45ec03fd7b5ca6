"""The mastertech lab with the design pushed over SSH: DHCP, routing, OSPF, and a trunk shut at the CLI.

Built once for the module: day-0 devices, then every device's rendered configuration pushed with
netmiko, as `mastertech deploy` would. Everything is then checked from where a user would look: the
PCs' own namespaces and the devices' show commands parsed by ntc-templates.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from ipaddress import IPv4Address
from pathlib import Path

import pytest
from lab_support import (
    CONVERGE_BUDGET,
    LEASE_BUDGET,
    Lab,
    needs_root,
    pc_address,
    pc_gateway,
    pc_resolv,
    pings,
    poll,
    running_lab,
    sh,
)

pytestmark = [needs_root]

SITE = "mastertech"
MASTERTECH = str(Path(sys.executable).parent / "mastertech")


@pytest.fixture(scope="module")
def root_before() -> tuple[str, str]:
    return sh("ip", "route").stdout, sh("sysctl", "-n", "net.ipv4.ip_forward").stdout


@pytest.fixture(scope="module")
def lab(root_before: tuple[str, str]) -> Iterator[Lab]:
    with running_lab(SITE) as lab:
        rejected = lab.push_design()
        assert not any(rejected.values()), f"IOS rejected lines: {rejected}"
        for pc in lab.site.pcs:
            poll(lambda pc=pc: pc_address(lab.netns(pc.name)), LEASE_BUDGET, f"{pc.name} DHCP lease")
        yield lab


def test_status_json_follows_the_contract(lab: Lab) -> None:
    proc = subprocess.run(
        [MASTERTECH, "lab", "status", "--json", "--site", SITE],
        capture_output=True, text=True, check=False, env=_env(),
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert set(data) == {"site", "phase", "nodes"} and data["site"] == SITE
    assert data["phase"] in ("ready", "degraded")
    kinds = {n["name"]: n["kind"] for n in data["nodes"]}
    assert (
        kinds["R1"] == "router"
        and kinds["SW1"] == "switch"
        and kinds["BE-PC1"] == "pc"
        and kinds["DNS"] == "server"
    )
    for node in data["nodes"]:
        assert set(node) == {"name", "kind", "netns", "mgmt", "department", "mail", "addresses", "health"}
        assert node["health"]["state"] in ("ok", "degraded", "failed"), node
        assert node["netns"].startswith("mt-mastertech-")
        if node["kind"] in ("router", "switch"):
            assert IPv4Address(node["mgmt"]["host"]).is_loopback
    be = next(n for n in data["nodes"] if n["name"] == "BE-PC1")
    assert be["department"] == "Backend" and be["mail"] == "alice@mt.com"
    assert any(a.startswith("192.168.10.") for a in be["addresses"])


def test_every_pc_leases_in_its_department(lab: Lab) -> None:
    vlans = {v.id: v for v in lab.site.vlans}
    for pc in lab.site.pcs:
        ns = lab.netns(pc.name)
        vlan = vlans[pc.vlan]
        address = pc_address(ns)
        assert address is not None and address.network == vlan.subnet, f"{pc.name}: {address}"
        assert pc_gateway(ns) == vlan.gateway, pc.name
        resolv = pc_resolv(ns)
        assert lab.site.dns is not None
        assert f"nameserver {lab.site.dns.address}" in resolv, f"{pc.name}: {resolv!r}"
        assert f"search {lab.site.domain}" in resolv, f"{pc.name}: {resolv!r}"


def test_pcs_reach_each_other_across_departments_and_routers(lab: Lab) -> None:
    addresses = {pc.name: pc_address(lab.netns(pc.name)) for pc in lab.site.pcs}
    pairs = [("BE-PC1", "FE-PC1"), ("BE-PC1", "MG-PC1"), ("FE-PC2", "MG-PC2"), ("MG-PC1", "BE-PC2")]
    for src, dst in pairs:
        target = addresses[dst]
        assert target is not None
        assert poll(lambda s=src, t=target: pings(lab.netns(s), t.ip), CONVERGE_BUDGET, f"{src} -> {dst}")
    assert lab.site.dns is not None
    assert pings(lab.netns("FE-PC1"), lab.site.dns.address), "FE-PC1 -> DNS server"


def test_ospf_is_full_on_both_routers(lab: Lab) -> None:
    for router in ("R1", "R2"):

        def full(r: str = router) -> list[dict[str, str]]:
            rows = lab.show(r, "show ip ospf neighbor", parse=True)
            return [n for n in rows if isinstance(n, dict) and n["state"].startswith("FULL")]

        rows = poll(full, CONVERGE_BUDGET, f"{router} OSPF FULL")
        assert len(rows) == 1 and rows[0]["interface"] == "GigabitEthernet0/0"


def test_routes_come_from_ospf(lab: Lab) -> None:
    routes = lab.show("R1", "show ip route", parse=True)
    ospf = {f"{r['network']}/{r['prefix_length']}" for r in routes if r["protocol"] == "O"}
    assert {"192.168.30.0/24", "192.168.40.0/24"} <= ospf
    connected = {r["nexthop_if"] for r in routes if r["protocol"] == "C"}
    assert {"GigabitEthernet0/1.10", "GigabitEthernet0/1.20", "GigabitEthernet0/0"} <= connected


def test_dhcp_bindings_list_the_pcs(lab: Lab) -> None:
    text = lab.show("R1", "show ip dhcp binding")
    parsed = lab.show("R1", "show ip dhcp binding", parse=True)
    assert isinstance(parsed, list) and len(parsed) >= len(lab.site.pcs)
    for pc in lab.site.pcs:
        mac = sh("ip", "-n", lab.netns(pc.name), "-br", "link", "show", "eth0").stdout.split()[2]
        dotted = "01" + mac.replace(":", "")
        client_id = ".".join(dotted[i : i + 4] for i in range(0, len(dotted), 4))
        assert client_id in text, f"{pc.name} ({mac}) not in bindings"


def test_switch_tables_read_the_bridges(lab: Lab) -> None:
    assert pings(lab.netns("BE-PC1"), "192.168.10.1")
    table = lab.show("SW1", "show mac address-table", parse=True)
    ports = {(r["vlan_id"], r["destination_port"][0]) for r in table}
    assert ("10", "Gi1/0") in ports and ("10", "Gi0/0") in ports
    arp = lab.show("R1", "show ip arp", parse=True)
    assert any(r["interface"] == "GigabitEthernet0/1.10" and r["age"] != "-" for r in arp)


def test_device_ping_runs_in_its_namespace(lab: Lab) -> None:
    result = lab.show("R1", "ping 192.168.40.10", parse=True)
    assert result[0]["success_pct"] == "100"
    result = lab.show("R1", "ping 192.0.2.1", parse=True)
    assert result[0]["success_pct"] == "0"  # the root namespace's network is not reachable from the lab


def test_shut_trunk_cuts_exactly_its_pcs_and_no_shut_heals(lab: Lab) -> None:
    fe, be, mg = lab.netns("FE-PC1"), lab.netns("BE-PC1"), lab.netns("MG-PC1")
    lab.configure("SW1", ["interface Gi0/1", "shutdown"])
    try:
        poll(lambda: not pings(fe, "192.168.20.1"), CONVERGE_BUDGET, "FE-PC1 loses its gateway")
        assert pings(be, "192.168.10.1"), "BE-PC1 is on SW1 itself and keeps its gateway"
        mg_addr = pc_address(mg)
        assert mg_addr is not None and pings(be, mg_addr.ip), "BE-PC1 still reaches Management behind R2"
        status = lab.show("SW2", "show interfaces status", parse=True)
        assert next(r for r in status if r["port"] == "Gi0/0")["status"] == "notconnect"
    finally:
        lab.configure("SW1", ["interface Gi0/1", "no shutdown"])
    poll(lambda: pings(fe, "192.168.20.1"), CONVERGE_BUDGET, "FE-PC1 gets its gateway back")
    assert poll(lambda: pings(fe, pc_address(mg).ip), CONVERGE_BUDGET, "FE-PC1 -> MG-PC1 again")  # type: ignore[union-attr]


def test_trunk_allowed_list_follows_the_cli(lab: Lab) -> None:
    fe = lab.netns("FE-PC2")
    lab.configure("SW1", ["interface Gi0/1", "switchport trunk allowed vlan remove 20"])
    try:
        poll(lambda: not pings(fe, "192.168.20.1"), CONVERGE_BUDGET, "VLAN 20 pruned from the trunk")
    finally:
        lab.configure("SW1", ["interface Gi0/1", "switchport trunk allowed vlan add 20"])
    poll(lambda: pings(fe, "192.168.20.1"), CONVERGE_BUDGET, "VLAN 20 allowed again")


def test_root_namespace_is_untouched(lab: Lab, root_before: tuple[str, str]) -> None:
    routes, forward = root_before
    assert sh("ip", "route").stdout == routes
    assert sh("sysctl", "-n", "net.ipv4.ip_forward").stdout == forward
    for prefix in ("10.0.12.", "192.168.10.", "192.168.40."):
        assert prefix not in sh("ip", "-4", "addr").stdout


def test_second_up_says_it_is_running(lab: Lab) -> None:
    proc = subprocess.run(
        [MASTERTECH, "lab", "up", "--site", SITE],
        capture_output=True, text=True, check=False, env=_env(),
    )  # fmt: skip
    assert proc.returncode == 2 and "already running" in proc.stderr


def _env() -> dict[str, str]:
    return dict(os.environ)
