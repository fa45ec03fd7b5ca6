"""Ansible `cisco.ios` resource modules against the emulator: `ios_facts` with every network
resource, and ACL / logging / NTP / static route / OSPF interface modules run twice each (the
second run must change nothing: the device prints back what the module expects)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from emulator_support import device_spec
from test_ansible import run_playbook

from automation.emulator.server import ThreadedEmulator

pytestmark = pytest.mark.emulator

SETUP = """\
interface Loopback0
 ip address 10.255.0.1 255.255.255.255
interface GigabitEthernet0/0
 ip address 10.0.12.1 255.255.255.252
 no shutdown
router ospf 1
 router-id 10.255.0.1
"""

# IOS 15 prints named ACL entries without sequence numbers (IOS-XE prints them), so entries are
# given without them, as a playbook for IOSv would.
ACLS = {
    "config": [
        {
            "afi": "ipv4",
            "acls": [
                {
                    "name": "MGMT",
                    "acl_type": "standard",
                    "aces": [
                        {
                            "grant": "permit",
                            "source": {"address": "192.168.1.0", "wildcard_bits": "0.0.0.255"},
                        },
                    ],
                },
                {
                    "name": "WEB",
                    "acl_type": "extended",
                    "aces": [
                        {
                            "grant": "permit",
                            "protocol": "tcp",
                            "source": {"any": True},
                            "destination": {"host": "10.0.12.1", "port_protocol": {"eq": "www"}},
                        },
                        {
                            "grant": "deny",
                            "protocol": "ip",
                            "source": {"any": True},
                            "destination": {"any": True},
                            "log": {"set": True},
                        },
                    ],
                },
            ],
        }
    ],
    "state": "merged",
}

LOGGING = {
    "config": {
        "buffered": {"size": 16384, "severity": "informational"},
        "console": {"severity": "warnings"},
        "hosts": [{"host": "10.9.9.9"}],
        "trap": "notifications",
        "source_interface": [{"interface": "Loopback0"}],
    },
    "state": "merged",
}

NTP = {
    "config": {
        "servers": [{"server": "10.1.1.1", "prefer": True}, {"server": "10.1.1.2"}],
        "source": "Loopback0",
    },
    "state": "merged",
}

STATIC = {
    "config": [
        {
            "address_families": [
                {
                    "afi": "ipv4",
                    "routes": [
                        {"dest": "0.0.0.0/0", "next_hops": [{"forward_router_address": "10.0.12.2"}]},
                        {"dest": "192.0.2.0/24", "next_hops": [{"interface": "Null0"}]},
                    ],
                }
            ]
        }
    ],
    "state": "merged",
}

OSPF_IF = {
    "config": [
        {
            "name": "GigabitEthernet0/0",
            "address_family": [
                {
                    "afi": "ipv4",
                    "process": {"id": 1, "area_id": "0"},
                    "network": {"point_to_point": True},
                    "cost": {"interface_cost": 10},
                }
            ],
        },
        {"name": "Loopback0", "address_family": [{"afi": "ipv4", "process": {"id": 1, "area_id": "0"}}]},
    ],
    "state": "merged",
}

MODULES = [
    ("acls", "cisco.ios.ios_acls", ACLS),
    ("logging", "cisco.ios.ios_logging_global", LOGGING),
    ("ntp", "cisco.ios.ios_ntp_global", NTP),
    ("static", "cisco.ios.ios_static_routes", STATIC),
    ("ospf_if", "cisco.ios.ios_ospf_interfaces", OSPF_IF),
    # `defaults: true` asks `show running-config ?` first (context help), then reads `... all`.
    ("defaults", "cisco.ios.ios_config", {"lines": ["ip ssh time-out 60", "no cdp run"], "defaults": True}),
]


def tasks() -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = [
        {
            "name": "facts",
            "cisco.ios.ios_facts": {"gather_subset": ["min"], "gather_network_resources": ["all"]},
        }
    ]
    for name, module, args in MODULES:
        out.append({"name": f"{name} first", module: args})
        out.append({"name": f"{name} again", module: args})
    return out


@pytest.fixture(scope="module")
def emu(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ThreadedEmulator]:
    tmp: Path = tmp_path_factory.mktemp("resources")
    with ThreadedEmulator([device_spec(tmp, "R1", "router", extra=SETUP)]) as emu:
        yield emu


def test_facts_and_resource_modules_converge(emu: ThreadedEmulator, tmp_path: Path) -> None:
    results = run_playbook(tmp_path, emu.hosts["R1"].port, "paramiko", with_facts=False, tasks=tasks())
    facts = results["facts"]
    assert not facts["failed"], facts
    resources = facts["ansible_facts"]["ansible_network_resources"]
    assert resources["ospfv2"]["processes"][0]["router_id"] == "10.255.0.1"
    for name, _, _ in MODULES:
        first, again = results[f"{name} first"], results[f"{name} again"]
        assert not first["failed"], (name, first)
        assert first["changed"] is True, (name, first)
        assert again["changed"] is False, (name, again.get("commands"), json.dumps(again.get("before")))
    running = emu.hosts["R1"].device.running_text()
    for line in (
        "ip access-list extended WEB\n permit tcp any host 10.0.12.1 eq www\n deny   ip any any log\n",
        "logging buffered 16384 informational\n",
        "logging console warnings\n",
        "logging host 10.9.9.9\n",
        "ntp server 10.1.1.1 prefer\n",
        "ip route 192.0.2.0 255.255.255.0 Null0\n",
        " ip ospf network point-to-point\n ip ospf cost 10\n ip ospf 1 area 0\n",
    ):
        assert line in running, (line, running)
