"""A canonical config pasted line by line comes back from `show running-config` as it was sent, and
a running config pasted into a fresh device reproduces itself exactly."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from emulator_support import RawShell, device_spec

from automation.emulator.server import ThreadedEmulator

ROUTER = """\
hostname R1
!
ip dhcp excluded-address 192.168.10.1 192.168.10.9
!
ip dhcp pool BACKEND
 network 192.168.10.0 255.255.255.0
 default-router 192.168.10.1
 dns-server 192.168.40.10
 domain-name mt.com
 lease 1
!
no ip domain lookup
ip domain name mt.com
!
interface Loopback0
 ip address 10.255.0.1 255.255.255.255
!
interface GigabitEthernet0/0
 description to R2 Gi0/0
 ip address 10.0.12.1 255.255.255.252
 ip ospf cost 10
 duplex auto
 speed auto
 media-type rj45
!
interface GigabitEthernet0/1
 no ip address
 duplex auto
 speed auto
 media-type rj45
!
interface GigabitEthernet0/1.10
 description Backend
 encapsulation dot1Q 10
 ip address 192.168.10.1 255.255.255.0
 ip helper-address 10.0.12.2
!
router ospf 1
 router-id 10.255.0.1
 passive-interface GigabitEthernet0/1.10
 network 10.0.12.0 0.0.0.3 area 0
 network 192.168.10.0 0.0.0.255 area 0
!
ip route 0.0.0.0 0.0.0.0 10.0.12.2
!
end
"""

SWITCH = """\
hostname SW1
!
vlan 10
 name BACKEND
!
vlan 999
 name NATIVE-UNUSED
!
interface GigabitEthernet0/0
 description to R1 Gi0/1
 switchport trunk allowed vlan 10,20,99
 switchport trunk encapsulation dot1q
 switchport trunk native vlan 999
 switchport mode trunk
 negotiation auto
!
interface GigabitEthernet1/0
 description BE-PC1
 switchport access vlan 10
 switchport mode access
 spanning-tree portfast
!
interface GigabitEthernet3/3
 shutdown
 negotiation auto
!
interface Vlan99
 ip address 192.168.99.11 255.255.255.0
!
ip default-gateway 192.168.99.1
!
end
"""


@pytest.fixture(scope="module")
def emu(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ThreadedEmulator]:
    tmp: Path = tmp_path_factory.mktemp("roundtrip")
    specs = [
        device_spec(tmp, name, kind)
        for name, kind in (("A1", "router"), ("B1", "router"), ("A2", "switch"), ("B2", "switch"))
    ]
    with ThreadedEmulator(specs) as emu:
        yield emu


def paste(shell: RawShell, text: str) -> str:
    """Type `text` line by line in config mode; return everything the device answered."""
    out = [shell.cmd("configure terminal").decode()]
    for line in text.splitlines():
        out.append(shell.cmd(line, rb"#$").decode())
    return "".join(out)


def body(running: str) -> list[str]:
    """The config lines of `show running-config`, without header and `! Last change` comments."""
    lines = running.replace("\r\n", "\n").split("\n")
    start = next(i for i, ln in enumerate(lines) if ln.startswith("version "))
    end = lines.index("end", start)
    return lines[start : end + 1]


def subsequence(wanted: list[str], got: list[str]) -> list[str]:
    """Lines of `wanted` not found in order in `got` (empty when it is a subsequence)."""
    it = iter(got)
    return [line for line in wanted if not any(line == g for g in it)]


@pytest.mark.parametrize(("source", "copy", "config"), [("A1", "B1", ROUTER), ("A2", "B2", SWITCH)])
def test_round_trip(emu: ThreadedEmulator, source: str, copy: str, config: str) -> None:
    shell = RawShell(emu.hosts[source].port)
    answers = paste(shell, config)
    assert "% " not in answers, answers
    running = body(shell.cmd("show running-config", rb"\nend\r\n[\w-]+#$").decode())
    sent = [ln for ln in config.splitlines() if ln != "!"]
    assert subsequence(sent, running) == []
    shell.close()

    clone = RawShell(emu.hosts[copy].port)
    answers = paste(clone, "\n".join(running))
    assert "% " not in answers, answers
    again = body(clone.cmd("show running-config", rb"\nend\r\n[\w-]+#$").decode())
    assert again == running
    clone.close()
