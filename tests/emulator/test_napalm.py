"""NAPALM `ios` getters against the emulator."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from emulator_support import open_napalm

from automation.emulator.server import ThreadedEmulator


@pytest.fixture(scope="module")
def r1(emulator: ThreadedEmulator) -> Iterator[Any]:
    device = open_napalm(emulator.hosts["R1"].port, fast_cli=False)
    conn = device.device
    conn.send_config_set(
        [
            "interface g0/0",
            "description uplink",
            "ip address 10.0.12.1 255.255.255.252",
            "ip address 10.9.0.1 255.255.255.0 secondary",
            "no shutdown",
        ]
    )
    yield device
    device.close()


def test_get_facts(r1: Any) -> None:
    facts = r1.get_facts()
    assert facts["hostname"] == "R1"
    assert facts["vendor"] == "Cisco"
    assert facts["model"] == "IOSv"
    assert facts["os_version"].startswith("IOSv Software (VIOS-ADVENTERPRISEK9-M), Version 15.8(3)M2")
    assert facts["serial_number"].startswith("9")
    assert facts["fqdn"] == "R1.mt.com"
    assert "GigabitEthernet0/0" in facts["interface_list"]
    assert facts["uptime"] >= 0


def test_get_interfaces(r1: Any) -> None:
    ifaces = r1.get_interfaces()
    g0 = ifaces["GigabitEthernet0/0"]
    assert g0["is_up"] is True and g0["is_enabled"] is True
    assert g0["description"] == "uplink"
    assert g0["mtu"] == 1500
    assert g0["speed"] == 1000.0
    assert g0["mac_address"].lower().startswith("fa:16:3e")
    assert ifaces["GigabitEthernet0/3"]["is_enabled"] is False


def test_get_interfaces_ip(r1: Any) -> None:
    ips = r1.get_interfaces_ip()
    assert ips["GigabitEthernet0/0"]["ipv4"] == {
        "10.0.12.1": {"prefix_length": 30},
        "10.9.0.1": {"prefix_length": 24},
    }


def test_get_arp_table(r1: Any) -> None:
    arp = r1.get_arp_table()
    own = {entry["ip"]: entry for entry in arp}
    assert own["10.0.12.1"]["interface"] == "GigabitEthernet0/0"
    assert own["10.0.12.1"]["mac"].lower().startswith("fa:16:3e")


def test_get_config(r1: Any) -> None:
    config = r1.get_config()
    assert config["running"].lstrip().startswith("!")
    assert "Building configuration" not in config["running"]
    assert "interface GigabitEthernet0/0\n description uplink\n" in config["running"]
    assert "hostname R1" in config["startup"]


def test_ping_and_is_alive(r1: Any) -> None:
    assert r1.is_alive()["is_alive"] is True
    own = r1.ping("10.0.12.1", count=3)
    assert own["success"]["packet_loss"] == 0
    assert own["success"]["probes_sent"] == 3
    away = r1.ping("10.0.12.2", count=2)
    assert away["success"]["packet_loss"] == 2
