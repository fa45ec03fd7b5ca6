"""netmiko `cisco_ios` against the emulator: TextFSM-parsed shows, config sets, save, enable."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from emulator_support import OPERATOR, OPERATOR_PASSWORD, PASSWORD, SECRET, USER
from netmiko import ConnectHandler
from netmiko.cisco import CiscoIosSSH

from automation.emulator.server import ThreadedEmulator


def connect(emulator: ThreadedEmulator, host: str, **extra: Any) -> CiscoIosSSH:
    params: dict[str, Any] = {
        "device_type": "cisco_ios",
        "host": "127.0.0.1",
        "port": emulator.hosts[host].port,
        "username": USER,
        "password": PASSWORD,
        "secret": SECRET,
        "fast_cli": False,
    }
    params.update(extra)
    conn = ConnectHandler(**params)
    assert isinstance(conn, CiscoIosSSH)
    return conn


@pytest.fixture(scope="module")
def r1(emulator: ThreadedEmulator) -> Iterator[CiscoIosSSH]:
    conn = connect(emulator, "R1")
    yield conn
    conn.disconnect()


@pytest.fixture(scope="module")
def sw1(emulator: ThreadedEmulator) -> Iterator[CiscoIosSSH]:
    conn = connect(emulator, "SW1")
    yield conn
    conn.disconnect()


def test_prompt_and_version(r1: CiscoIosSSH) -> None:
    assert r1.find_prompt() == "R1#"
    parsed = r1.send_command("show version", use_textfsm=True)
    assert isinstance(parsed, list)
    assert parsed[0]["hostname"] == "R1"
    assert parsed[0]["version"] == "15.8(3)M2"
    assert parsed[0]["hardware"] == ["IOSv"]
    assert parsed[0]["running_image"] == "/vios-adventerprisek9-m"


@pytest.fixture(scope="module")
def r1_configured(r1: CiscoIosSSH) -> str:
    """R1 with an addressed port and a subinterface, pushed once; the tests below read it back
    (each passes alone too)."""
    return r1.send_config_set(
        [
            "interface GigabitEthernet0/1",
            "description to SW1",
            "ip address 10.1.1.1 255.255.255.0",
            "no shutdown",
            "interface g0/1.10",
            "encapsulation dot1Q 10",
            "ip address 192.168.10.1 255.255.255.0",
            "ip helper-address 10.0.12.1",
        ],
        error_pattern=r"% Invalid|% Incomplete|% Ambiguous",
    )


def test_config_set_and_parsed_interfaces(r1: CiscoIosSSH, r1_configured: str) -> None:
    assert "R1(config-subif)#" in r1_configured
    assert r1.check_config_mode() is False
    brief = r1.send_command("show ip interface brief", use_textfsm=True)
    assert isinstance(brief, list)
    rows = {row["interface"]: row for row in brief}
    assert rows["GigabitEthernet0/1"]["ip_address"] == "10.1.1.1"
    assert rows["GigabitEthernet0/1"]["status"] == "up"
    assert rows["GigabitEthernet0/1.10"]["ip_address"] == "192.168.10.1"
    assert rows["GigabitEthernet0/0"]["status"] == "administratively down"
    ipint = r1.send_command("show ip interface", use_textfsm=True)
    assert isinstance(ipint, list)
    sub = next(row for row in ipint if row["interface"] == "GigabitEthernet0/1.10")
    assert sub["ip_address"] == ["192.168.10.1"]
    assert sub["prefix_length"] == ["24"]
    assert sub["ip_helper"] == ["10.0.12.1"]
    ifaces = r1.send_command("show interfaces", use_textfsm=True)
    assert isinstance(ifaces, list)
    g01 = next(row for row in ifaces if row["interface"] == "GigabitEthernet0/1")
    assert g01["description"] == "to SW1"
    assert g01["link_status"] == "up"
    assert g01["ip_address"] == "10.1.1.1"
    assert g01["prefix_length"] == "24"
    assert g01["mac_address"].startswith("fa16.3e")
    sub10 = next(row for row in ifaces if row["interface"] == "GigabitEthernet0/1.10")
    assert sub10["vlan_id"] == "10"


def test_running_config_follows_changes(r1: CiscoIosSSH, r1_configured: str) -> None:
    run = r1.send_command("show running-config interface GigabitEthernet0/1.10")
    assert (
        "interface GigabitEthernet0/1.10\n encapsulation dot1Q 10\n ip address 192.168.10.1 255.255.255.0\n"
        " ip helper-address 10.0.12.1\n" in run
    )
    routes = r1.send_command("show ip route", use_textfsm=True)
    assert isinstance(routes, list)
    connected = {(r["protocol"], r["network"], r["prefix_length"]) for r in routes}
    assert ("C", "10.1.1.0", "24") in connected
    assert ("L", "10.1.1.1", "32") in connected


def test_save_config_writes_startup(r1: CiscoIosSSH, r1_configured: str, emulator: ThreadedEmulator) -> None:
    out = r1.save_config()
    assert "[OK]" in out
    startup = r1.send_command("show startup-config")
    assert startup.startswith("Using ")
    assert "ip address 10.1.1.1 255.255.255.0" in startup
    assert "ip address 10.1.1.1 255.255.255.0" in (emulator.hosts["R1"].device.startup_text() or "")


def test_enable_with_secret_from_user_level(emulator: ThreadedEmulator) -> None:
    conn = connect(emulator, "R1", username=OPERATOR, password=OPERATOR_PASSWORD)
    try:
        assert conn.find_prompt() == "R1>"
        conn.enable()
        assert conn.check_enable_mode()
        assert conn.send_command("show privilege").strip() == "Current privilege level is 15"
        conn.config_mode()
        assert conn.check_config_mode()
        conn.exit_config_mode()
    finally:
        conn.disconnect()


def test_switch_vlans_and_trunks(sw1: CiscoIosSSH) -> None:
    sw1.send_config_set(
        [
            "vlan 10",
            "name BACKEND",
            "vlan 20",
            "name FRONTEND",
            "interface GigabitEthernet1/0",
            "switchport access vlan 10",
            "switchport mode access",
            "interface g0/0",
            "switchport trunk allowed vlan 10,20",
            "switchport trunk encapsulation dot1q",
            "switchport trunk native vlan 999",
            "switchport mode trunk",
        ],
        error_pattern=r"% Invalid|% Incomplete|% Ambiguous",
    )
    vlans = sw1.send_command("show vlan", use_textfsm=True)
    assert isinstance(vlans, list)
    by_id = {v["vlan_id"]: v for v in vlans}
    assert by_id["10"]["vlan_name"] == "BACKEND"
    assert by_id["10"]["interfaces"] == ["Gi1/0"]
    assert "Gi0/0" not in by_id["1"]["interfaces"]
    ports = sw1.send_command("show interfaces switchport", use_textfsm=True)
    assert isinstance(ports, list)
    gi00 = next(p for p in ports if p["interface"] == "Gi0/0")
    assert gi00["admin_mode"] == "trunk"
    assert gi00["native_vlan"] == "999"
    assert gi00["trunking_vlans"] == ["10", "20"]
    gi10 = next(p for p in ports if p["interface"] == "Gi1/0")
    assert gi10["access_vlan"] == "10"
    run = sw1.send_command("show running-config | section GigabitEthernet0/0")
    assert run.splitlines()[:6] == [
        "interface GigabitEthernet0/0",
        " switchport trunk allowed vlan 10,20",
        " switchport trunk encapsulation dot1q",
        " switchport trunk native vlan 999",
        " switchport mode trunk",
        " negotiation auto",
    ]


def test_error_pattern_raises(r1: CiscoIosSSH) -> None:
    from netmiko.exceptions import ConfigInvalidException

    with pytest.raises(ConfigInvalidException):
        r1.send_config_set(["interface g0/3", "switchport mode access"], error_pattern=r"% Invalid")
    assert r1.check_config_mode() is False or r1.exit_config_mode() is not None
