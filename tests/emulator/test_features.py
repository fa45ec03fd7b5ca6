"""The wider routine config: ACLs, logging, NTP, SNMP, service lines, banners, OSPF/EIGRP/BGP,
IPv6, NAT, tunnels, port security, EtherChannel... pasted in canonical form, printed back the
same, and reproduced by a fresh device from its own running config. Also the show outputs of
these features (parsed by ntc-templates where a template exists) and IOS's strictness."""

from __future__ import annotations

import time
from collections.abc import Iterator
from ipaddress import IPv4Address, IPv4Network
from pathlib import Path

import pytest
from emulator_support import RawShell, device_spec
from ntc_templates.parse import parse_output
from test_roundtrip import body, paste, subsequence

from automation.emulator.dataplane import Route
from automation.emulator.server import ThreadedEmulator
from automation.emulator.shows.routing import show_ip_route

pytestmark = pytest.mark.emulator

ROUTER = """\
no service pad
service tcp-keepalives-in
service timestamps debug datetime msec localtime show-timezone
service timestamps log datetime msec localtime show-timezone
!
hostname R1
!
logging buffered 16384 informational
no logging console
!
clock timezone CET 1 0
!
login block-for 120 attempts 3 within 60
ipv6 unicast-routing
!
ip ssh time-out 60
ip scp server enable
!
interface Loopback0
 ip address 10.255.0.1 255.255.255.255
 ip ospf 1 area 0
!
interface Tunnel0
 ip address 172.16.0.1 255.255.255.252
 tunnel source GigabitEthernet0/0
 tunnel destination 203.0.113.2
!
interface GigabitEthernet0/0
 description uplink
 bandwidth 100000
 mtu 1400
 ip address 10.0.12.1 255.255.255.252
 ip access-group WEB in
 ip nat outside
 ip ospf network point-to-point
 ip ospf cost 10
 ip ospf 1 area 0
 duplex auto
 speed auto
 media-type rj45
 ipv6 address 2001:DB8::1/64
 no cdp enable
!
interface GigabitEthernet0/1
 no ip address
 ip nat inside
 duplex auto
 speed auto
 media-type rj45
!
router eigrp 100
 network 10.0.0.0
 eigrp router-id 10.255.0.1
!
router ospf 1
 router-id 10.255.0.1
 passive-interface Loopback0
 default-information originate
 network 10.0.12.0 0.0.0.3 area 0
!
router bgp 65001
 bgp log-neighbor-changes
 neighbor 10.0.12.2 remote-as 65002
!
ip nat inside source list 10 interface GigabitEthernet0/0 overload
ip route 0.0.0.0 0.0.0.0 10.0.12.2
ip route 192.0.2.0 255.255.255.0 Null0
!
ip access-list standard MGMT
 permit 192.168.1.0 0.0.0.255
ip access-list extended WEB
 remark allow web
 permit tcp any host 10.0.12.1 eq www
 permit tcp any any eq 443
 deny   icmp any any echo
!
logging trap warnings
logging source-interface Loopback0
logging host 10.9.9.9
access-list 10 permit 10.0.0.0 0.0.0.255
access-list 10 permit 10.1.1.1
access-list 10 deny   any log
access-list 101 permit udp 10.0.0.0 0.0.0.255 any eq snmp
ipv6 route ::/0 2001:DB8::2
!
lldp run
!
no cdp run
!
snmp-server community public RO
snmp-server location DC1
snmp-server contact noc@mt.com
!
banner login ^CAuthorized access only^C
banner motd ^CLab device^C
!
ntp source Loopback0
ntp server 10.1.1.1 prefer
ntp server 10.1.1.2
!
end
"""

SWITCH = """\
hostname SW1
!
vtp domain LAB
vtp mode transparent
!
vlan 10
 name USERS
!
vlan 20
 name VOICE
!
interface Port-channel1
 switchport trunk encapsulation dot1q
 switchport mode trunk
!
interface GigabitEthernet0/1
 switchport access vlan 10
 switchport mode access
 switchport voice vlan 20
 switchport port-security maximum 2
 switchport port-security violation restrict
 switchport port-security mac-address sticky
 switchport port-security
 negotiation auto
 spanning-tree portfast
!
interface GigabitEthernet1/0
 switchport trunk encapsulation dot1q
 switchport mode trunk
 negotiation auto
 channel-group 1 mode active
!
interface GigabitEthernet1/1
 switchport trunk encapsulation dot1q
 switchport mode trunk
 negotiation auto
 channel-group 1 mode active
!
end
"""


@pytest.fixture(scope="module")
def emu(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ThreadedEmulator]:
    tmp: Path = tmp_path_factory.mktemp("features")
    specs = [
        device_spec(tmp, name, kind)
        for name, kind in (("A1", "router"), ("B1", "router"), ("A2", "switch"), ("B2", "switch"))
    ]
    with ThreadedEmulator(specs) as emu:
        yield emu


@pytest.fixture(scope="module")
def configured(emu: ThreadedEmulator) -> dict[str, list[str]]:
    """Paste both configs once; the running configs (bodies) by device."""
    out: dict[str, list[str]] = {}
    for name, config in (("A1", ROUTER), ("A2", SWITCH)):
        shell = RawShell(emu.hosts[name].port)
        answers = paste(shell, config)
        assert "% " not in answers, answers
        if name == "A1":  # router ports boot shut down; bring the uplink up for the show tests
            paste(shell, "interface GigabitEthernet0/0\n no shutdown")
        shell.cmd("end")
        out[name] = body(shell.cmd("show running-config", rb"\nend\r\n[\w-]+#$").decode())
        shell.close()
    return out


@pytest.mark.parametrize(("source", "copy", "config"), [("A1", "B1", ROUTER), ("A2", "B2", SWITCH)])
def test_round_trip(
    emu: ThreadedEmulator, configured: dict[str, list[str]], source: str, copy: str, config: str
) -> None:
    running = configured[source]
    sent = [ln for ln in config.splitlines() if ln != "!"]
    assert subsequence(sent, running) == [], "\n".join(running)
    clone = RawShell(emu.hosts[copy].port)
    answers = paste(clone, "\n".join(running))
    assert "% " not in answers, answers
    if copy == "B1":
        paste(clone, "interface GigabitEthernet0/0\n no shutdown")  # as done on A1
    clone.cmd("end")
    again = body(clone.cmd("show running-config", rb"\nend\r\n[\w-]+#$").decode())
    assert again == running
    clone.close()


def _shell(emu: ThreadedEmulator, name: str) -> Iterator[RawShell]:
    shell = RawShell(emu.hosts[name].port)
    shell.cmd("terminal length 0")
    yield shell
    shell.close()


@pytest.fixture
def r1(emu: ThreadedEmulator, configured: dict[str, list[str]]) -> Iterator[RawShell]:
    yield from _shell(emu, "A1")


@pytest.fixture
def sw(emu: ThreadedEmulator, configured: dict[str, list[str]]) -> Iterator[RawShell]:
    yield from _shell(emu, "A2")


def text_of(shell: RawShell, command: str) -> str:
    """The output of `command` alone: without the echoed command line and the final prompt."""
    lines = shell.cmd(command).decode().replace("\r\n", "\n").split("\n")
    return "\n".join(lines[1:-1])


def test_input_forms_print_canonically(emu: ThreadedEmulator) -> None:
    shell = RawShell(emu.hosts["B1"].port)
    paste(
        shell,
        "service timestamps debug datetime localtime msec\n"
        "access-list 20 permit host 10.2.2.2\n"
        "access-list 120 permit tcp 10.0.0.0 0.0.0.255 host 10.0.0.1 eq 80\n"
        "access-list 120 permit tcp any 10.0.0.0 0.0.0.0 eq 23\n"
        "access-list 120 permit ip 10.0.0.0 255.255.255.255 any\n"
        "logging console 4\n",
    )
    shell.cmd("end")
    running = body(shell.cmd("show running-config", rb"\nend\r\n[\w-]+#$").decode())
    assert "service timestamps debug datetime msec localtime" in running
    assert "access-list 20 permit 10.2.2.2" in running
    assert "access-list 120 permit tcp 10.0.0.0 0.0.0.255 host 10.0.0.1 eq www" in running
    assert "access-list 120 permit tcp any host 10.0.0.0 eq telnet" in running
    assert "access-list 120 permit ip any any" in running
    assert "logging console warnings" in running
    shell.close()


def test_show_access_lists_parses(r1: RawShell) -> None:
    text = text_of(r1, "show access-lists")
    assert "Standard IP access list 10\n    10 permit 10.0.0.0, wildcard bits 0.0.0.255\n" in text
    assert "Extended IP access list WEB\n    20 permit tcp any host 10.0.12.1 eq www\n" in text
    rows = parse_output(platform="cisco_ios", command="show access-lists", data=text)
    web = [r for r in rows if r["name"] == "WEB"]
    assert [r["sn"] for r in web] == ["20", "30", "40"]
    assert web[0]["destination"] == "host 10.0.12.1"


def test_show_logging_has_the_buffer(r1: RawShell) -> None:
    r1.cmd("configure terminal")
    r1.cmd("end")
    text = text_of(r1, "show logging")
    assert "Buffer logging:  level informational" in text
    assert "Log Buffer (16384 bytes):" in text
    rows = parse_output(platform="cisco_ios", command="show logging", data=text)
    assert any(r["mnemonic"] == "CONFIG_I" and r["facility"] == "SYS" for r in rows), rows


def test_show_snmp_user_and_ntp_sections(r1: RawShell, emu: ThreadedEmulator) -> None:
    assert text_of(r1, "show snmp user") == ""
    fresh = RawShell(emu.hosts["B2"].port)
    assert fresh.cmd("show snmp user").endswith(b"\r\n%SNMP agent not enabled\r\nSW1#")
    fresh.close()
    assert text_of(r1, "show running-config | section ^ntp").splitlines() == [
        "ntp source Loopback0",
        "ntp server 10.1.1.1 prefer",
        "ntp server 10.1.1.2",
    ]


def test_ospf_shows_parse(r1: RawShell) -> None:
    text = text_of(r1, "show ip ospf interface brief")
    rows = parse_output(platform="cisco_ios", command="show ip ospf interface brief", data=text)
    got = {r["interface"]: r for r in rows}
    assert got["Gi0/0"]["state"] == "P2P" and got["Gi0/0"]["cost"] == "10"
    assert got["Lo0"]["area"] == "0"
    text = text_of(r1, "show ip ospf database")
    rows = parse_output(platform="cisco_ios", command="show ip ospf database", data=text)
    assert rows and rows[0]["router_id"] == "10.255.0.1"
    assert 'Routing Process "ospf 1" with ID 10.255.0.1' in text_of(r1, "show ip ospf")
    protocols = text_of(r1, "show ip protocols")
    assert 'Routing Protocol is "ospf 1"' in protocols and "    Loopback0" in protocols


def test_route_filters_and_summary(r1: RawShell) -> None:
    static = text_of(r1, "show ip route static")
    assert "S*    0.0.0.0/0 [1/0] via 10.0.12.2" in static
    assert "is directly connected, GigabitEthernet" not in static
    rows = parse_output(
        platform="cisco_ios", command="show ip route connected", data=text_of(r1, "show ip route connected")
    )
    assert {r["protocol"] for r in rows} == {"C", "L"}
    rows = parse_output(
        platform="cisco_ios", command="show ip route summary", data=text_of(r1, "show ip route summary")
    )
    assert {r["route_source"] for r in rows} >= {"connected", "static", "internal", "Total"}


def test_output_details(r1: RawShell, sw: RawShell) -> None:
    static = text_of(r1, "show ip route static")
    assert "S     192.0.2.0/24 is directly connected, Null0" in static
    one = show_ip_route([Route("S", IPv4Network("10.1.0.0/16"), IPv4Address("10.0.12.2"), distance=1)])
    assert "      10.0.0.0/16 is subnetted, 1 subnets\nS        10.1.0.0 [1/0] via 10.0.12.2" in one
    brief = text_of(sw, "show vlan brief")
    wrapped = [line for line in brief.splitlines() if line.startswith(" " * 48)]
    assert wrapped and not any(line.endswith(",") for line in brief.splitlines())


def test_show_ip_ssh(r1: RawShell) -> None:
    text = text_of(r1, "show ip ssh")
    assert text.startswith("SSH Enabled - version 2.0")
    assert "Authentication timeout: 60 secs; Authentication retries: 3" in text


def test_etherchannel_and_vlan_views(sw: RawShell) -> None:
    text = text_of(sw, "show etherchannel summary")
    rows = parse_output(platform="cisco_ios", command="show etherchannel summary", data=text)
    assert rows[0]["bundle_name"] == "Po1" and rows[0]["bundle_protocol"] == "LACP"
    assert rows[0]["member_interface"] == ["Gi1/0", "Gi1/1"]
    text = text_of(sw, "show vlan id 10")
    assert "10   USERS                            active    Gi0/1" in text
    assert "1002" not in text
    assert "VLAN id 77 not found in current VLAN database" in text_of(sw, "show vlan id 77")
    rows = parse_output(platform="cisco_ios", command="show vlan", data=text_of(sw, "show vlan all-ports"))
    assert "Gi1/0" in next(r for r in rows if r["vlan_id"] == "20")["interfaces"]


def test_lldp_and_lacp_answers(sw: RawShell, r1: RawShell) -> None:
    assert text_of(r1, "show lldp interface").startswith("GigabitEthernet0/0:\n    Tx: enabled")
    assert text_of(sw, "show lldp interface") == "% LLDP is not enabled"
    assert text_of(sw, "show lacp sys-id").startswith("32768, ")


def test_sub_mode_error_keeps_the_mode_and_later_lines_land(r1: RawShell) -> None:
    r1.cmd("configure terminal")
    r1.cmd("router ospf 1")
    out = r1.cmd("area 0 bogus")
    assert b"% Invalid input" in out and out.endswith(b"R1(config-router)#")
    assert r1.cmd("log-adjacency-changes").endswith(b"R1(config-router)#")
    r1.cmd("end")
    assert " log-adjacency-changes" in text_of(r1, "show running-config | section ^router ospf")


def test_ios_strictness(r1: RawShell) -> None:
    r1.cmd("configure terminal")
    r1.cmd("interface GigabitEthernet0/1.30")
    out = r1.cmd("ip address 10.30.0.1 255.255.255.0").decode()
    assert "% Configuring IP routing on a LAN subinterface is only allowed if that" in out
    assert "IEEE 802.1Q" in out
    out = r1.cmd("description " + "x" * 241).decode()
    assert "% Invalid input detected at '^' marker." in out
    caret = out.splitlines()[1]
    assert caret.index("^") == len("R1(config-subif)#description ") + 240
    assert r1.cmd("description " + "x" * 240).endswith(b"R1(config-subif)#")
    r1.cmd("exit")
    r1.cmd("no interface GigabitEthernet0/1.30")
    r1.cmd("end")


def test_show_users_lists_every_session(emu: ThreadedEmulator, r1: RawShell) -> None:
    other = RawShell(emu.hosts["A1"].port)
    text = text_of(r1, "show users")
    rows = parse_output(platform="cisco_ios", command="show users", data=text)
    assert len([r for r in rows if " vty " in r["line"]]) >= 2
    assert sum(1 for line in text.splitlines() if line.startswith("*")) == 1
    other.close()


def test_vty_limit_of_five(emu: ThreadedEmulator) -> None:
    shells = [RawShell(emu.hosts["B2"].port) for _ in range(5)]
    with pytest.raises((EOFError, TimeoutError, OSError)):
        extra = RawShell(emu.hosts["B2"].port)
        extra.close()
    for shell in shells:
        shell.close()
    # Lines free up when sessions end.
    again = None
    for _ in range(20):
        try:
            again = RawShell(emu.hosts["B2"].port)
            break
        except (EOFError, TimeoutError, OSError):
            time.sleep(0.1)
    assert again is not None
    again.close()


def test_interface_range(emu: ThreadedEmulator) -> None:
    shell = RawShell(emu.hosts["B1"].port)
    shell.cmd("configure terminal")
    assert shell.cmd("interface range GigabitEthernet0/2 - 3").endswith(b"(config-if-range)#")
    assert shell.cmd("description edge ports").endswith(b"(config-if-range)#")
    assert shell.cmd("bandwidth 5000").endswith(b"(config-if-range)#")
    assert shell.cmd("exit").endswith(b"(config)#")
    out = shell.cmd("interface range Gi0/9 - 10")
    assert b"% Invalid input detected at '^' marker." in out
    shell.cmd("end")
    section = text_of(shell, "show running-config | section ^interface GigabitEthernet0/[23]")
    assert section.count(" description edge ports\n bandwidth 5000\n") == 2
    shell.close()
