"""Every show output the emulator prints, parsed by its ntc-templates template (fields asserted).

The devices here run a stub data plane with one neighbour, lease, MAC and OSPF route, so that
table outputs have rows to parse.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from emulator_support import PASSWORD, SECRET, USER, StubbedLabPlane, device_spec
from netmiko import ConnectHandler
from ntc_templates.parse import parse_output

from automation.emulator.server import ThreadedEmulator

R1_CONFIG = """\
interface Loopback0
 ip address 10.255.0.1 255.255.255.255
interface GigabitEthernet0/0
 description to R2
 ip address 10.0.12.1 255.255.255.252
 no shutdown
interface GigabitEthernet0/1
 no shutdown
interface GigabitEthernet0/1.10
 encapsulation dot1Q 10
 ip address 192.168.10.1 255.255.255.0
 ip helper-address 10.0.12.2
ip dhcp excluded-address 192.168.10.1 192.168.10.9
ip dhcp pool BACKEND
 network 192.168.10.0 255.255.255.0
 default-router 192.168.10.1
router ospf 1
 router-id 10.255.0.1
 network 10.0.12.0 0.0.0.3 area 0
ip route 0.0.0.0 0.0.0.0 10.0.12.2
"""

SW1_CONFIG = """\
vlan 10
 name BACKEND
vlan 99
 name MGMT
interface GigabitEthernet0/0
 switchport trunk allowed vlan 10,99
 switchport trunk encapsulation dot1q
 switchport mode trunk
interface GigabitEthernet1/0
 description PC1
 switchport access vlan 10
 switchport mode access
interface GigabitEthernet3/3
 shutdown
interface Vlan99
 ip address 192.168.99.11 255.255.255.0
ip default-gateway 192.168.99.1
"""


@pytest.fixture(scope="module")
def emu(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ThreadedEmulator]:
    tmp: Path = tmp_path_factory.mktemp("parse")
    specs = [
        device_spec(tmp, "R1", "router", dataplane=StubbedLabPlane(), extra=R1_CONFIG),
        device_spec(tmp, "SW1", "switch", dataplane=StubbedLabPlane(), extra=SW1_CONFIG),
    ]
    with ThreadedEmulator(specs) as emu:
        yield emu


@pytest.fixture(scope="module")
def cli(emu: ThreadedEmulator) -> Iterator[Callable[[str, str], list[dict[str, Any]]]]:
    conns = {
        name: ConnectHandler(
            device_type="cisco_ios",
            host="127.0.0.1",
            port=emu.hosts[name].port,
            username=USER,
            password=PASSWORD,
            secret=SECRET,
        )
        for name in ("R1", "SW1")
    }

    def run(host: str, command: str) -> list[dict[str, Any]]:
        text = conns[host].send_command(command)
        assert isinstance(text, str)
        parsed = parse_output(platform="cisco_ios", command=command, data=text)
        assert isinstance(parsed, list)
        return parsed

    yield run
    for conn in conns.values():
        conn.disconnect()


def by(rows: list[dict[str, Any]], key: str) -> dict[str, dict[str, Any]]:
    return {row[key]: row for row in rows}


def test_show_version_switch(cli: Any) -> None:
    [row] = cli("SW1", "show version")
    assert row["hostname"] == "SW1"
    assert row["version"] == "15.2(4.0.55)E"
    assert row["running_image"] == "/vios_l2-adventerprisek9-m"


def test_show_ip_interface_brief(cli: Any) -> None:
    rows = by(cli("SW1", "show ip interface brief"), "interface")
    assert rows["Vlan99"]["ip_address"] == "192.168.99.11"
    assert rows["GigabitEthernet3/3"]["status"] == "administratively down"
    assert len(rows) == 18


def test_show_ip_interface(cli: Any) -> None:
    rows = by(cli("R1", "show ip interface"), "interface")
    assert rows["Loopback0"]["ip_address"] == ["10.255.0.1"]
    assert rows["Loopback0"]["prefix_length"] == ["32"]
    assert rows["GigabitEthernet0/2"]["link_status"] == "administratively down"


def test_show_interfaces_switch(cli: Any) -> None:
    rows = by(cli("SW1", "show interfaces"), "interface")
    assert rows["GigabitEthernet1/0"]["description"] == "PC1"
    assert rows["GigabitEthernet1/0"]["protocol_status"] == "up (connected)"
    assert rows["GigabitEthernet3/3"]["protocol_status"] == "down (disabled)"
    assert rows["Vlan99"]["hardware_type"] == "Ethernet SVI"
    one = cli("SW1", "show interfaces GigabitEthernet0/0")
    assert [r["interface"] for r in one] == ["GigabitEthernet0/0"]


def test_show_interfaces_status_and_description(cli: Any) -> None:
    rows = by(cli("SW1", "show interfaces status"), "port")
    assert rows["Gi1/0"]["vlan_id"] == "10"
    assert rows["Gi1/0"]["name"] == "PC1"
    assert rows["Gi0/0"]["vlan_id"] == "trunk"
    assert rows["Gi3/3"]["status"] == "disabled"
    desc = by(cli("SW1", "show interfaces description"), "port")
    assert desc["Gi1/0"]["description"] == "PC1"
    assert desc["Gi3/3"]["status"] == "admin down"


def test_show_interfaces_switchport(cli: Any) -> None:
    rows = by(cli("SW1", "show interfaces switchport"), "interface")
    assert rows["Gi0/0"]["mode"] == "trunk"
    assert rows["Gi1/0"]["access_vlan"] == "10"
    assert rows["Gi1/0"]["admin_mode"] == "static access"


def test_show_vlan_and_brief(cli: Any) -> None:
    for command in ("show vlan", "show vlan brief"):
        rows = by(cli("SW1", command), "vlan_id")
        assert rows["10"]["vlan_name"] == "BACKEND"
        assert rows["10"]["interfaces"] == ["Gi1/0"]
        assert rows["99"]["status"] == "active"
        assert rows["1002"]["status"] == "act/unsup"
        assert "Gi0/0" not in rows["1"]["interfaces"]


def test_show_ip_route(cli: Any) -> None:
    rows = cli("R1", "show ip route")
    routes = {(r["protocol"], r["network"], r["prefix_length"]): r for r in rows}
    assert routes[("S", "0.0.0.0", "0")]["nexthop_ip"] == "10.0.12.2"
    assert routes[("C", "10.0.12.0", "30")]["nexthop_if"] == "GigabitEthernet0/0"
    assert routes[("C", "10.255.0.1", "32")]["nexthop_if"] == "Loopback0"
    ospf = routes[("O", "192.168.40.0", "24")]
    assert ospf["distance"] == "110" and ospf["metric"] == "2"


def test_show_ip_ospf_neighbor(cli: Any) -> None:
    [row] = cli("R1", "show ip ospf neighbor")
    assert row["neighbor_id"] == "10.255.0.2"
    assert row["state"] == "FULL/DR"
    assert row["interface"] == "GigabitEthernet0/0"


def test_show_ip_dhcp_binding(cli: Any) -> None:
    [row] = cli("R1", "show ip dhcp binding")
    assert row["ip_address"] == "192.168.10.10"
    assert row["expiration"] == "Infinite"


def test_show_cdp_neighbors(cli: Any) -> None:
    [row] = cli("R1", "show cdp neighbors")
    assert row["neighbor_name"] == "R2.mastertech.com"
    assert row["platform"] == "IOSv"
    assert row["neighbor_interface"] == "Gig 0/0"
    [detail] = cli("R1", "show cdp neighbors detail")
    assert detail["neighbor_name"] == "R2.mastertech.com"
    assert detail["mgmt_address"] == "10.0.12.2"
    assert detail["local_interface"] == "GigabitEthernet0/0"


def test_show_mac_address_table(cli: Any) -> None:
    [row] = cli("SW1", "show mac address-table")
    assert row["destination_address"] == "5254.00aa.bb01"
    assert row["vlan_id"] == "10"
    assert row["destination_port"] == ["Gi1/0"]


def test_show_arp(cli: Any) -> None:
    for command in ("show ip arp", "show arp"):
        rows = cli("R1", command)
        assert {r.get("ip_address") or r.get("address") for r in rows} >= {"10.0.12.1", "192.168.10.1"}


def test_small_outputs(cli: Any) -> None:
    [clock] = cli("R1", "show clock")
    assert clock["timezone"] == "UTC"
    inventory = cli("R1", "show inventory")
    assert inventory[0]["pid"] == "IOSv"
    cpu = cli("R1", "show processes cpu")
    assert cpu[0]["cpu_usage_5_sec"] == "1"
    assert cpu[0]["process_name"] == "Chunk Manager"
    files = cli("R1", "dir")
    assert files[0]["file_system"] == "flash0:/"
    assert files[0]["name"] == "vios-adventerprisek9-m"
    archive = cli("R1", "show archive")
    assert archive is not None


def test_spanning_tree(cli: Any) -> None:
    rows = cli("SW1", "show spanning-tree")
    vlan10 = [r for r in rows if r["vlan_id"] == "10"]
    assert {r["interface"] for r in vlan10} == {"Gi0/0", "Gi1/0"}


def test_running_config_interface(cli: Any) -> None:
    [row] = cli("R1", "show running-config interface GigabitEthernet0/1.10")
    assert row["interface"] == "GigabitEthernet0/1.10"
    assert row["ip_address"] == "192.168.10.1"
    assert row["ip_address"] == "192.168.10.1"
    assert row["outer_vlan"] == "10"
    assert row["netmask"] == "255.255.255.0"


def test_ping_and_traceroute(cli: Any) -> None:
    [ok] = cli("R1", "ping 10.0.12.1")
    assert ok["success_pct"] == "100"
    [fail] = cli("R1", "ping 10.0.12.2 repeat 3 source Loopback0")
    assert fail["success_pct"] == "0"
    assert fail["sent_qty"] == "3"
    hops = cli("R1", "traceroute 10.0.12.1")
    assert hops[0]["ip_address"] == "10.0.12.1"
