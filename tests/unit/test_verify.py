"""Verification logic from parsed facts: right facts pass, wrong or missing facts fail."""

from __future__ import annotations

import pytest

from automation.checks import verify_facts
from automation.inventory import PROJECT_INVENTORY
from automation.models import Site, load_site


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
    }


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
