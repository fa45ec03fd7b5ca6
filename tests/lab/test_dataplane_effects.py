"""IOS lines that reach the lab's kernel and FRR (needs root): OSPF interface lines, Null0
routes with administrative distance, interface MTU and access lists.

A lab of its own (site `dpfx`, three routers in a chain, no switches, PCs or servers), built once
for the module: R1 Gi0/1 - Gi0/0 R2 Gi0/1 - Gi0/0 R3 on 10.1.1.0/24 and 10.1.2.0/24. OSPF runs
from interface `ip ospf 1 area 0` lines only: R1 has no `network` line and no OSPF loopback (so
FRR gets `ip ospf area 0` on the interface), R2 and R3 put their loopbacks in too (so FRR gets
`network A/32` lines). Every check is a poll against what the kernel or FRR does, never a sleep.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from lab_support import CONVERGE_BUDGET, TEST_LABS, Lab, in_ns, needs_root, pings, poll, sh

from automation.lab import cleanup, launcher
from automation.lab.names import frr_pathspace
from automation.lab.state import LabPaths
from automation.models.design import CableDesign, CableEnd, NodeInfo, Site
from automation.providers.embedded import to_status

pytestmark = [pytest.mark.lab, needs_root]

SITE = "dpfx"
LOOPBACK = {"R1": "10.255.0.1", "R2": "10.255.0.2", "R3": "10.255.0.3"}
CONFIGS = {
    "R1": [
        "interface Loopback0", " ip address 10.255.0.1 255.255.255.255",
        "interface GigabitEthernet0/1", " ip address 10.1.1.1 255.255.255.0",
        " ip ospf network point-to-point", " ip ospf 1 area 0", " no shutdown",
        "router ospf 1", " router-id 10.255.0.1",
    ],
    "R2": [
        "interface Loopback0", " ip address 10.255.0.2 255.255.255.255", " ip ospf 1 area 0",
        "interface GigabitEthernet0/0", " ip address 10.1.1.2 255.255.255.0",
        " ip ospf network point-to-point", " ip ospf 1 area 0", " no shutdown",
        "interface GigabitEthernet0/1", " ip address 10.1.2.1 255.255.255.0", " ip ospf 1 area 0",
        " no shutdown",
        "router ospf 1", " router-id 10.255.0.2",
    ],
    "R3": [
        "interface Loopback0", " ip address 10.255.0.3 255.255.255.255", " ip ospf 1 area 0",
        "interface GigabitEthernet0/0", " ip address 10.1.2.2 255.255.255.0", " ip ospf 1 area 0",
        " no shutdown",
        "router ospf 1", " router-id 10.255.0.3",
    ],
}  # fmt: skip


def _site() -> Site:
    nodes = tuple(NodeInfo(name=n, kind="router", platform="cisco_ios") for n in ("R1", "R2", "R3"))
    cables = tuple(
        CableDesign(a=CableEnd(node=a, interface="GigabitEthernet0/1"),
                    b=CableEnd(node=b, interface="GigabitEthernet0/0"))
        for a, b in (("R1", "R2"), ("R2", "R3"))
    )  # fmt: skip
    return Site(
        name=SITE, description="data-plane effects", directory=Path("."), domain="dpfx.lab",
        nodes=nodes, cables=cables, vlans=(), routers=(), switches=(), servers=(), pcs=(),
        dns=None, mail=None, web=None,
    )  # fmt: skip


@pytest.fixture(scope="module")
def lab() -> Iterator[Lab]:
    """The three routers, configured; torn down (and wiped) whatever happens."""
    site = _site()
    with pytest.MonkeyPatch.context() as env:
        env.setenv("MASTERTECH_LAB_DIR", str(TEST_LABS))
        paths = LabPaths.for_site(SITE)
        namespaces = launcher.plan_site(site).namespaces()
        cleanup.teardown(paths, namespaces, wipe=True)  # what an earlier, failed run left
        try:
            result = launcher.up(site)
            running = Lab(site, to_status(result.state), paths, result.seconds)
            for name, lines in CONFIGS.items():
                running.configure(name, lines)
            yield running
        finally:
            cleanup.teardown(paths, namespaces, wipe=True)
            launcher.reap_controllers()


def _vtysh(lab: Lab, node: str, command: str) -> str:
    return sh("vtysh", "-N", frr_pathspace(lab.netns(node)), "-c", command).stdout


def _ospf_interface(lab: Lab, node: str, ifname: str) -> dict[str, object]:
    data = json.loads(_vtysh(lab, node, f"show ip ospf interface {ifname} json") or "{}")
    found = data.get("interfaces", {}).get(ifname, data.get(ifname, {}))
    return found if isinstance(found, dict) else {}


def _routed(lab: Lab) -> bool:
    return pings(lab.netns("R1"), LOOPBACK["R3"]) and pings(lab.netns("R3"), "10.1.1.1")


def test_ospf_from_interface_lines(lab: Lab) -> None:
    poll(lambda: _routed(lab), 60, "R1 and R3 routed through R2 by OSPF from interface lines")
    # R1 has no `network` line: the interface itself is in area 0, the IOS way.
    frr_config = _vtysh(lab, "R1", "show running-config")
    assert "interface Gi0-1" in frr_config and " ip ospf area 0" in frr_config
    # `ip ospf network point-to-point` on a /24 (FRR's own choice there is broadcast).
    r1 = _ospf_interface(lab, "R1", "Gi0-1")
    assert r1.get("networkType") == "POINTOPOINT", r1
    r2 = _ospf_interface(lab, "R2", "Gi0-1")
    assert r2.get("networkType") == "BROADCAST", r2
    # R2 mixes a loopback in: /32 network lines, and R3's loopback is an OSPF route on R1.
    assert "network 10.255.0.2/32 area 0" in _vtysh(lab, "R2", "show running-config")
    table = lab.show("R1", "show ip route ospf")
    assert "O        10.255.0.3 [110/" in table or "O        10.255.0.3/32 [110/" in table, table


def test_null0_route_and_administrative_distance(lab: Lab) -> None:
    poll(lambda: _routed(lab), 60, "routed before the test")
    r1 = lab.netns("R1")
    # A floating discard route (distance 250) loses against OSPF (110): still routed.
    lab.configure("R1", ["ip route 10.255.0.3 255.255.255.255 Null0 250"])
    poll(lambda: "blackhole" in _vtysh(lab, "R1", "show ip route 10.255.0.3/32"), CONVERGE_BUDGET, "in FRR")
    assert pings(r1, LOOPBACK["R3"])
    entry = lab.show("R1", "show ip route 10.255.0.3")
    assert 'Known via "ospf 1", distance 110' in entry, entry
    # At distance 1 the discard route wins: the kernel drops what goes there.
    lab.configure("R1", ["no ip route 10.255.0.3 255.255.255.255 Null0 250",
                         "ip route 10.255.0.3 255.255.255.255 Null0"])  # fmt: skip
    poll(lambda: "blackhole" in sh("ip", "-n", r1, "route", "show", "10.255.0.3").stdout, CONVERGE_BUDGET,
         "a blackhole route in R1's kernel")  # fmt: skip
    assert not pings(r1, LOOPBACK["R3"])
    entry = lab.show("R1", "show ip route 10.255.0.3")
    assert 'Known via "static", distance 1' in entry and "directly connected, via Null0" in entry, entry
    lab.configure("R1", ["no ip route 10.255.0.3 255.255.255.255 Null0"])
    poll(lambda: pings(r1, LOOPBACK["R3"]), CONVERGE_BUDGET, "routed again without the Null0 route")


def _mtu(lab: Lab, node: str, ifname: str) -> int:
    rows = json.loads(sh("ip", "-n", lab.netns(node), "-j", "link", "show", "dev", ifname).stdout or "[]")
    return int(rows[0]["mtu"]) if rows else 0


def test_acl_inbound_and_outbound(lab: Lab) -> None:
    poll(lambda: _routed(lab), 60, "routed before the test")
    r1, r2 = lab.netns("R1"), lab.netns("R2")
    lab.configure("R2", [
        "access-list 101 deny icmp host 10.1.1.1 host 10.255.0.3",
        "access-list 101 permit ip any any",
        "interface GigabitEthernet0/0", " ip access-group 101 in",
    ])  # fmt: skip
    poll(
        lambda: not pings(r1, LOOPBACK["R3"]), CONVERGE_BUDGET, "R1 -> R3 loopback dropped by R2's ACL 101 in"
    )
    assert pings(r1, LOOPBACK["R2"]), "the ACL denies only R3's loopback"
    assert pings(r1, "10.1.2.2"), "and permits the rest"
    assert "chain" in sh("ip", "netns", "exec", r2, "nft", "list", "table", "ip", "mt_acl").stdout
    # Outbound: what R2 routes out of Gi0/1 from 10.1.1.1 is dropped; what R2 sends itself is not.
    lab.configure("R2", [
        "interface GigabitEthernet0/0", " no ip access-group 101 in",
        "access-list 10 deny host 10.1.1.1", "access-list 10 permit any",
        "interface GigabitEthernet0/1", " ip access-group 10 out",
    ])  # fmt: skip
    poll(lambda: not pings(r1, "10.1.2.2"), CONVERGE_BUDGET, "R1 -> R3 dropped by R2's ACL 10 out")
    assert pings(r2, "10.1.2.2"), "an outbound ACL does not filter the router's own packets"
    lab.configure("R2", ["interface GigabitEthernet0/1", " no ip access-group 10 out"])
    poll(lambda: pings(r1, "10.1.2.2"), CONVERGE_BUDGET, "R1 -> R3 again without the ACL")


def test_unmapped_acl_entry_is_reported(lab: Lab) -> None:
    lab.configure("R3", [
        "logging buffered 16384",
        "ip access-list extended ODD", " permit tcp any any precedence 5", " permit ip any any",
        "interface GigabitEthernet0/0", " ip access-group ODD in",
    ])  # fmt: skip
    logged = poll(
        lambda: "precedence" in (text := lab.show("R3", "show logging")) and text, CONVERGE_BUDGET,
        "the unmapped entry in R3's show logging",
    )  # fmt: skip
    assert "%LAB-3-DATAPLANE" in logged
    assert pings(lab.netns("R3"), "10.1.2.1"), "the rest of the list applies: permit ip any any"
    lab.configure(
        "R3", ["interface GigabitEthernet0/0", " no ip access-group ODD in", "no ip access-list extended ODD"]
    )


def test_interface_mtu_sets_the_kernel_link(lab: Lab) -> None:
    r2 = lab.netns("R2")
    lab.configure("R2", ["interface GigabitEthernet0/1", " mtu 1400"])
    poll(lambda: _mtu(lab, "R2", "Gi0-1") == 1400, CONVERGE_BUDGET, "R2 Gi0-1 at MTU 1400")
    # Don't-fragment pings: 1372 bytes of payload + 28 of headers fit in 1400, 1373 do not.
    assert (
        in_ns(r2, "ping", "-n", "-q", "-c", "1", "-W", "1", "-M", "do", "-s", "1372", "10.1.2.2").returncode
        == 0
    )
    too_big = in_ns(r2, "ping", "-n", "-q", "-c", "1", "-W", "1", "-M", "do", "-s", "1373", "10.1.2.2")
    assert too_big.returncode != 0
    assert "mtu 1400" in lab.show("R2", "show running-config interface GigabitEthernet0/1")
    lab.configure("R2", ["interface GigabitEthernet0/1", " no mtu"])
    poll(lambda: _mtu(lab, "R2", "Gi0-1") == 1500, CONVERGE_BUDGET, "R2 Gi0-1 back at MTU 1500")
