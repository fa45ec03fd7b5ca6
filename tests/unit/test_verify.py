"""Verification logic from parsed facts: right facts pass, wrong or missing facts fail."""

from __future__ import annotations

import pytest

from automation.checks import verify_facts
from automation.inventory import PROJECT_INVENTORY
from automation.models import Site, load_site
from automation.parsers.show import POOL_CONFIG


@pytest.fixture(scope="module")
def site() -> Site:
    return load_site(PROJECT_INVENTORY / "mastertech")


def _brief(site: Site, name: str) -> list[dict[str, str]]:
    router = next(r for r in site.routers if r.name == name)
    return [
        {
            "interface": i.name,
            "ip_address": str(i.address.ip) if i.address else "unassigned",
            "status": "administratively down" if i.shutdown else "up",
            "proto": "down" if i.shutdown else "up",
        }
        for i in router.interfaces
    ]


def _good_r1(site: Site) -> dict[str, list[dict[str, object]]]:
    return {
        "show ip interface brief": _brief(site, "R1"),
        "show ip ospf neighbor": [{"neighbor_id": "10.255.0.2", "state": "FULL/  -"}],
        "show ip route": [
            {"network": str(v.subnet.network_address), "prefix_length": str(v.subnet.prefixlen)}
            for v in site.vlans
        ],
        "show ip dhcp pool": [{"pool": p} for p in ("BACKEND", "FRONTEND", "MANAGEMENT")],
        POOL_CONFIG: [
            {
                "pool": p.name, "network": str(p.network.network_address), "mask": str(p.network.netmask),
                "default_router": str(p.default_router), "dns_server": str(p.dns_server or ""),
                "domain_name": p.domain_name,
            }
            for p in next(r for r in site.routers if r.name == "R1").pools
        ],
    }  # fmt: skip


def test_a_router_as_designed_passes(site: Site) -> None:
    results = verify_facts(site, "R1", _good_r1(site))
    assert [r.name for r in results] == [
        "verify_interfaces",
        "verify_ospf_neighbors",
        "verify_routes",
        "verify_dhcp_pools",
    ]
    assert all(r.ok for r in results), results


def test_missing_data_fails_every_check(site: Site) -> None:
    results = verify_facts(site, "R1", {})
    assert results and not any(r.ok for r in results)


def test_a_neighbour_not_full_and_a_missing_route_fail(site: Site) -> None:
    facts = _good_r1(site)
    facts["show ip ospf neighbor"] = [{"neighbor_id": "10.255.0.2", "state": "INIT/  -"}]
    facts["show ip route"] = [r for r in facts["show ip route"] if r["network"] != "192.168.30.0"]
    results = {r.name: r for r in verify_facts(site, "R1", facts)}
    assert not results["verify_ospf_neighbors"].ok and "INIT" in results["verify_ospf_neighbors"].detail
    assert not results["verify_routes"].ok and "192.168.30.0/24" in results["verify_routes"].detail


def test_a_trunk_with_the_wrong_vlans_fails(site: Site) -> None:
    facts = {
        "show ip interface brief": [
            {"interface": "Vlan99", "ip_address": "192.168.99.11", "status": "up", "proto": "up"}
        ],
        "show vlan brief": [
            {"vlan_id": "10", "vlan_name": "BACKEND", "interfaces": ["Gi1/0", "Gi1/1"]},
            {"vlan_id": "20", "vlan_name": "FRONTEND", "interfaces": []},
            {"vlan_id": "99", "vlan_name": "MGMT-R1", "interfaces": []},
        ],
        "show interfaces trunk": [
            {"port": "Gi0/0", "native_vlan": "999", "vlans": "10,20,99"},
            {"port": "Gi0/1", "native_vlan": "999", "vlans": "20"},
        ],
    }
    results = {r.name: r for r in verify_facts(site, "SW1", facts)}
    assert results["verify_interfaces"].ok and results["verify_vlans"].ok
    assert not results["verify_trunks"].ok
    assert "Gi0/1 allows 20" in results["verify_trunks"].detail


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("dns_server", "192.168.40.99", "pool BACKEND dns-server is 192.168.40.99, not 192.168.40.10"),
        ("domain_name", "", "pool BACKEND domain-name is missing, not mastertech.com"),
        ("default_router", "192.168.10.254", "pool BACKEND default-router is 192.168.10.254"),
        ("mask", "255.255.0.0", "pool BACKEND network is 192.168.10.0 255.255.0.0"),
    ],
)
def test_a_pool_that_hands_out_the_wrong_options_fails(
    site: Site, field: str, value: str, expected: str
) -> None:
    facts = _good_r1(site)
    rows = [dict(r) for r in facts[POOL_CONFIG]]
    next(r for r in rows if r["pool"] == "BACKEND")[field] = value
    facts[POOL_CONFIG] = rows
    result = next(r for r in verify_facts(site, "R1", facts) if r.name == "verify_dhcp_pools")
    assert not result.ok and expected in result.detail, result.detail


def test_a_pool_whose_config_cannot_be_read_fails(site: Site) -> None:
    facts = _good_r1(site)
    facts[POOL_CONFIG] = []
    result = next(r for r in verify_facts(site, "R1", facts) if r.name == "verify_dhcp_pools")
    assert not result.ok and "could not be read" in result.detail
