"""The routing table as IOS keeps and prints it, NAPALM's merge diff, and vty paging.

- Administrative distance: a floating static route stays out of the table while a better route
  exists and comes in when it goes; equal-cost paths print under one prefix entry, the second
  path aligned beneath the first (ntc-templates reads both).
- `show ip route` filters, `show ip route A.B.C.D [MASK] [longer-prefixes]`, NAPALM `get_route_to`.
- `show archive config incremental-diffs` (NAPALM's merge `compare_config`).
- Paging: a vty pages at 24 lines until the session sets `terminal length 0`; the exec channel
  and every client (which all send `terminal length 0`) never see `--More--`.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from ipaddress import IPv4Address, IPv4Network
from pathlib import Path
from typing import Any

import paramiko
import pytest
from emulator_support import PASSWORD, SECRET, USER, RawShell, device_spec, open_napalm
from ntc_templates.parse import parse_output

from automation.emulator.dataplane import ConfigOnlyDataPlane, OspfNeighbor, Route
from automation.emulator.server import ThreadedEmulator

pytestmark = pytest.mark.emulator

R1_CONFIG = """\
ip scp server enable
interface GigabitEthernet0/0
 ip address 10.0.12.1 255.255.255.252
 no shutdown
interface GigabitEthernet0/1
 ip address 10.0.13.1 255.255.255.252
 no shutdown
router ospf 1
 router-id 10.255.0.1
ip route 10.9.0.0 255.255.0.0 10.0.12.2
ip route 10.9.0.0 255.255.0.0 10.0.13.2 200
ip route 172.16.0.0 255.255.0.0 10.0.12.2
ip route 172.16.0.0 255.255.0.0 10.0.13.2
ip route 0.0.0.0 0.0.0.0 10.0.12.2
"""
AGE = timedelta(minutes=5)


class EqualCostPlane(ConfigOnlyDataPlane):
    """The config-only table plus one OSPF prefix learnt over both uplinks at equal cost."""

    async def routes(self) -> list[Route]:
        net = IPv4Network("192.168.40.0/24")
        return [
            *await super().routes(),
            Route("O", net, IPv4Address("10.0.12.2"), "GigabitEthernet0/0", 110, 2, AGE),
            Route("O", net, IPv4Address("10.0.13.2"), "GigabitEthernet0/1", 110, 2, AGE),
        ]

    async def ospf_neighbors(self) -> list[OspfNeighbor]:
        return [
            OspfNeighbor(IPv4Address("10.255.0.2"), 1, "FULL/  -", timedelta(seconds=3), IPv4Address(a), i)
            for a, i in (("10.0.12.2", "GigabitEthernet0/0"), ("10.0.13.2", "GigabitEthernet0/1"))
        ]


@pytest.fixture(scope="module")
def emu(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ThreadedEmulator]:
    tmp: Path = tmp_path_factory.mktemp("routing")
    spec = device_spec(tmp, "R1", "router", dataplane=EqualCostPlane(), extra=R1_CONFIG)
    with ThreadedEmulator([spec]) as emu:
        yield emu


@pytest.fixture
def r1(emu: ThreadedEmulator) -> Iterator[RawShell]:
    shell = RawShell(emu.hosts["R1"].port)
    yield shell
    shell.close()


def text_of(shell: RawShell, command: str) -> str:
    lines = shell.cmd(command).decode().replace("\r\n", "\n").split("\n")
    return "\n".join(lines[1:-1])


def static_lines(table: str, prefix: str) -> list[str]:
    """The line of `prefix` and the continuation lines beneath it."""
    lines = table.splitlines()
    start = next(i for i, line in enumerate(lines) if f" {prefix}" in line and line[:1] != " ")
    end = start + 1
    while end < len(lines) and lines[end].startswith(" " * 10) and "[" in lines[end]:
        end += 1
    return lines[start:end]


def shut(shell: RawShell, interface: str, down: bool) -> None:
    shell.cmd("configure terminal")
    shell.cmd(f"interface {interface}")
    shell.cmd("shutdown" if down else "no shutdown")
    shell.cmd("end")


def table_until(shell: RawShell, prefix: str, lines: list[str], budget: float = 5.0) -> str:
    """`show ip route` once `prefix` prints as `lines` (the data plane applies a change
    asynchronously, just after the session leaves configuration mode)."""
    deadline = time.monotonic() + budget
    while True:
        table = text_of(shell, "show ip route")
        if static_lines(table, prefix) == lines or time.monotonic() > deadline:
            assert static_lines(table, prefix) == lines, table
            return table
        time.sleep(0.05)


def test_floating_static_route_waits_for_the_better_one_to_go(r1: RawShell) -> None:
    best, floating = (
        ["S        10.9.0.0/16 [1/0] via 10.0.12.2"],
        ["S        10.9.0.0/16 [200/0] via 10.0.13.2"],
    )
    table_until(r1, "10.9.0.0/16", best)
    shut(r1, "GigabitEthernet0/0", True)
    table = table_until(r1, "10.9.0.0/16", floating)
    assert "Gateway of last resort is not set" in table  # the default's next hop went with Gi0/0
    shut(r1, "GigabitEthernet0/0", False)
    table_until(r1, "10.9.0.0/16", best)
    r1.cmd("configure terminal")
    r1.cmd("no ip route 10.9.0.0 255.255.0.0 10.0.12.2")
    r1.cmd("end")
    table_until(r1, "10.9.0.0/16", floating)
    r1.cmd("configure terminal")
    r1.cmd("ip route 10.9.0.0 255.255.0.0 10.0.12.2")
    r1.cmd("end")
    table_until(r1, "10.9.0.0/16", best)


def test_equal_cost_paths_print_under_one_entry(r1: RawShell) -> None:
    table = text_of(r1, "show ip route")
    assert static_lines(table, "172.16.0.0/16") == [
        "S     172.16.0.0/16 [1/0] via 10.0.12.2",
        "                    [1/0] via 10.0.13.2",
    ]
    assert static_lines(table, "192.168.40.0/24") == [
        "O     192.168.40.0/24 [110/2] via 10.0.12.2, 00:05:00, GigabitEthernet0/0",
        "                      [110/2] via 10.0.13.2, 00:05:00, GigabitEthernet0/1",
    ]
    assert table.count("172.16.0.0") == 1
    rows = parse_output(platform="cisco_ios", command="show ip route", data=table)
    ecmp = sorted(r["nexthop_ip"] for r in rows if r["network"] == "192.168.40.0")
    assert ecmp == ["10.0.12.2", "10.0.13.2"]
    assert {r["nexthop_ip"] for r in rows if r["network"] == "172.16.0.0"} == {"10.0.12.2", "10.0.13.2"}
    # Parents count prefixes: 10.0.12.0/30, 10.0.12.1/32, 10.0.13.0/30, 10.0.13.1/32, 10.9.0.0/16.
    assert "      10.0.0.0/8 is variably subnetted, 5 subnets, 3 masks" in table
    summary = text_of(r1, "show ip route summary")
    assert summary.splitlines()[3].split()[:3] == ["connected", "0", "4"]
    assert summary.splitlines()[4].split()[:3] == ["static", "2", "1"]


def test_filters_keep_the_gateway_and_the_parents(r1: RawShell) -> None:
    static = text_of(r1, "show ip route static")
    assert "Gateway of last resort is 10.0.12.2 to network 0.0.0.0" in static
    assert "S*    0.0.0.0/0 [1/0] via 10.0.12.2" in static
    assert "      10.0.0.0/8 is variably subnetted, 5 subnets, 3 masks\nS        10.9.0.0/16" in static
    assert "directly connected" not in static and "192.168.40.0" not in static
    connected = text_of(r1, "show ip route connected")
    rows = parse_output(platform="cisco_ios", command="show ip route", data=connected)
    assert {r["protocol"] for r in rows} == {"C", "L"}
    ospf = text_of(r1, "show ip route ospf")
    assert "O     192.168.40.0/24 [110/2]" in ospf and "S " not in ospf.split("\n\n", 2)[-1]
    assert text_of(r1, "show ip route ospf 1") == ospf
    assert text_of(r1, "show ip route ospf 2") == ""  # no such process
    longer = text_of(r1, "show ip route 10.0.0.0 255.0.0.0 longer-prefixes")
    assert "10.9.0.0/16" in longer and "172.16.0.0" not in longer and "0.0.0.0/0" not in longer


def test_routing_entries(r1: RawShell) -> None:
    entry = text_of(r1, "show ip route 192.168.40.7")
    assert entry.splitlines() == [
        "Routing entry for 192.168.40.0/24",
        '  Known via "ospf 1", distance 110, metric 2, type intra area',
        "  Last update from 10.0.12.2 on GigabitEthernet0/0, 00:05:00 ago",
        "  Routing Descriptor Blocks:",
        "  * 10.0.12.2, from 10.255.0.2, 00:05:00 ago, via GigabitEthernet0/0",
        "      Route metric is 2, traffic share count is 1",
        "    10.0.13.2, from 10.255.0.2, 00:05:00 ago, via GigabitEthernet0/1",
        "      Route metric is 2, traffic share count is 1",
    ]
    default = text_of(r1, "show ip route 0.0.0.0 0.0.0.0")
    assert default.startswith("Routing entry for 0.0.0.0/0, supernet\n")
    assert 'Known via "static", distance 1, metric 0, candidate default path' in default
    local = text_of(r1, "show ip route 10.0.12.1")
    assert (
        "Routing entry for 10.0.12.1/32" in local and "* directly connected, via GigabitEthernet0/0" in local
    )
    assert text_of(r1, "show ip route 10.200.0.0 255.255.0.0") == "% Subnet not in table"
    assert text_of(r1, "show ip route 8.8.8.8") == "% Network not in table"  # the default does not count


def test_napalm_get_route_to_and_merge_diff(emu: ThreadedEmulator) -> None:
    device: Any = open_napalm(emu.hosts["R1"].port)
    try:
        routes = device.get_route_to("192.168.40.0/24")["192.168.40.0/24"]
        assert sorted(r["next_hop"] for r in routes) == ["10.0.12.2", "10.0.13.2"]
        assert {r["protocol"] for r in routes} == {"ospf"}
        assert {r["outgoing_interface"] for r in routes} == {"GigabitEthernet0/0", "GigabitEthernet0/1"}
        static = device.get_route_to("10.9.0.0/16")["10.9.0.0/16"]
        assert [(r["protocol"], r["next_hop"]) for r in static] == [("static", "10.0.12.2")]

        device.load_merge_candidate(config="interface Loopback7\n ip address 10.7.7.7 255.255.255.255\n")
        assert device.compare_config() == "+interface Loopback7\n+ ip address 10.7.7.7 255.255.255.255"
        device.load_merge_candidate(config="ip route 172.16.0.0 255.255.0.0 10.0.12.2\n")
        assert device.compare_config() == ""  # every line is in the running config already
        device.discard_config()
    finally:
        device.close()


def test_incremental_diffs_lists_what_a_merge_adds(r1: RawShell) -> None:
    r1.cmd("configure terminal")
    r1.cmd("file prompt quiet")
    r1.cmd("end")
    r1.cmd("copy running-config flash0:same.cfg")
    out = text_of(r1, "show archive config incremental-diffs flash0:same.cfg ignorecase")
    assert out == "!List of Commands:\nend\n!No changes were found"
    missing = text_of(r1, "show archive config incremental-diffs flash0:none.cfg")
    assert missing == "%Error opening flash0:/none.cfg (No such file or directory)"


def test_a_vty_pages_at_24_lines_until_terminal_length_0(emu: ThreadedEmulator) -> None:
    shell = RawShell(emu.hosts["R1"].port, paged=True)
    try:
        shell.send(b"show running-config\r")
        first = shell.read_until(rb" --More-- $")
        assert first.count(b"\r\n") == 24  # the echoed line and 23 lines of output
        shell.send(b"q")
        shell.read_until(rb"R1#$")
        assert b"Length: 24 lines" in shell.cmd("show terminal | include Length")
        # A command that asks a question is not held back by the pager.
        shell.cmd("disable", end=rb"R1>$")
        shell.send(b"enable\r")
        shell.read_until(rb"Password: $")
        shell.send(SECRET.encode() + b"\r")
        shell.read_until(rb"R1#$")
        shell.cmd("terminal length 0")
        out = shell.cmd("show running-config")
        assert b"--More--" not in out and out.endswith(b"end\r\nR1#")
    finally:
        shell.close()


def test_the_exec_channel_never_pages(emu: ThreadedEmulator) -> None:
    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    client.connect(
        "127.0.0.1", port=emu.hosts["R1"].port, username=USER, password=PASSWORD,
        look_for_keys=False, allow_agent=False, timeout=10,
    )  # fmt: skip
    try:
        _, stdout, _ = client.exec_command("show running-config", timeout=10)
        text = stdout.read().decode()
    finally:
        client.close()
    assert "--More--" not in text and text.rstrip().endswith("end") and text.count("\n") > 40


def test_help_stays_fast(r1: RawShell) -> None:
    r1.send(b"show ip route ?")
    started = time.monotonic()
    out = r1.read_until(rb"R1#show ip route $")
    assert time.monotonic() - started < 0.05 * 4  # 50 ms of work, with room for the SSH round trip
    assert b"  static " in out and b"  A.B.C.D " in out
