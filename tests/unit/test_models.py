"""The shipped sites load, and what they derive is what a network engineer would configure."""

from __future__ import annotations

import doctest
import html
import ipaddress
from pathlib import Path
from types import ModuleType

import pytest

from automation import errors
from automation.inventory import PROJECT_INVENTORY
from automation.models import Site, files, load_site
from automation.models.derive import dhcp


@pytest.fixture(scope="module")
def mastertech() -> Site:
    return load_site(PROJECT_INVENTORY / "mastertech")


@pytest.fixture(scope="module")
def lab06() -> Site:
    return load_site(PROJECT_INVENTORY / "lab06")


def test_mastertech_has_the_customer_s_shape(mastertech: Site) -> None:
    assert [r.name for r in mastertech.routers] == ["R1", "R2"]
    assert [s.name for s in mastertech.switches] == ["SW1", "SW2", "SW3"]
    departments = {pc.department for pc in mastertech.pcs}
    assert departments == {"Backend", "Frontend", "Management"}
    for dep in departments:
        assert sum(pc.department == dep for pc in mastertech.pcs) >= 2
    assert all(pc.address is None for pc in mastertech.pcs), "every PC takes its address by DHCP"
    assert all(pc.mail_user and pc.mail_user.endswith("@mt.com") for pc in mastertech.pcs)


def test_trunks_carry_exactly_the_vlans_needed_beyond_them(mastertech: Site) -> None:
    trunks = {
        (sw.name, p.name): p.allowed for sw in mastertech.switches for p in sw.ports if p.mode == "trunk"
    }
    assert trunks[("SW1", "GigabitEthernet0/0")] == (10, 20, 99)  # towards R1: all of R1's VLANs on SW1/SW2
    assert trunks[("SW1", "GigabitEthernet0/1")] == (20, 99)  # towards SW2: Frontend and its management
    assert trunks[("SW2", "GigabitEthernet0/0")] == (20, 99)
    assert trunks[("SW3", "GigabitEthernet0/0")] == (30, 40, 98)


def test_dhcp_pools_live_on_r1_and_r2_relays_management(mastertech: Site) -> None:
    r1, r2 = mastertech.routers
    assert [p.name for p in r1.pools] == ["BACKEND", "FRONTEND", "MANAGEMENT"]
    assert r2.pools == ()
    mgmt = next(i for i in r2.interfaces if i.name == "GigabitEthernet0/1.30")
    r1_link = next(i for i in r1.interfaces if i.name == "GigabitEthernet0/0")
    assert r1_link.address is not None
    assert mgmt.helpers == (r1_link.address.ip,)
    for pool in r1.pools:
        assert pool.dns_server == ipaddress.IPv4Address("192.168.40.10")
        assert pool.domain_name == "mastertech.com"
        assert pool.default_router in pool.network
        assert pool.excluded[0] <= pool.default_router <= pool.excluded[1]


def test_ospf_covers_every_connected_subnet(mastertech: Site) -> None:
    for router in mastertech.routers:
        assert router.ospf is not None
        nets = {n.network for n in router.ospf.networks}
        for iface in router.interfaces:
            if iface.address:
                assert iface.address.network in nets, (router.name, iface.name)
        assert router.ospf.router_id == router.loopback.ip


def test_dns_and_mail_derive_from_the_servers(mastertech: Site) -> None:
    assert mastertech.dns is not None and mastertech.mail is not None and mastertech.web is not None
    zone = {z.name: z for z in mastertech.dns.zones}
    mx = [r for r in zone["mt.com"].records if r.type == "MX"]
    assert [(r.value, r.priority) for r in mx] == [("mail.mt.com.", 10)]
    www = next(r for r in zone["mastertech.com"].records if r.name == "www")
    assert www.value == str(mastertech.web.address)
    assert mastertech.mail.hostname == "mail.mt.com"


def test_lab06_is_the_seed_lab(lab06: Site) -> None:
    assert lab06.routers == ()
    assert {s.name: str(s.address.ip) for s in lab06.servers} == {"DNS": "192.168.1.5", "MAIL": "192.168.1.2"}
    assert {p.name: str(p.address.ip) for p in lab06.pcs if p.address} == {
        "PC0": "192.168.1.4",
        "PC1": "192.168.1.3",
    }
    assert lab06.mail is not None
    assert lab06.mail.domain == "mail.com"
    assert lab06.mail.users == ("client1", "client2")
    assert {p.mail_user for p in lab06.pcs} == {"client1@mail.com", "client2@mail.com"}


def test_diagram_shows_every_node_vlan_and_service(mastertech: Site, tmp_path: Path) -> None:
    from automation.diagram import write_diagram

    svg = tmp_path / "m.svg"
    write_diagram(mastertech, svg)
    text = html.unescape(svg.read_text())  # Graphviz writes "-" as &#45;
    assert text.startswith("<?xml")
    for node in mastertech.nodes:
        assert f">{node.name}<" in text
    for vlan in mastertech.vlans:
        assert str(vlan.subnet) in text
    assert "mail.mt.com" in text and "www.mastertech.com" in text


@pytest.mark.parametrize("module", [errors, dhcp, files])
def test_docstring_examples_of_site_helpers(module: ModuleType) -> None:
    result = doctest.testmod(module)
    assert result.attempted > 0
    assert result.failed == 0
