"""targets.yaml: every mistake is rejected naming the file, the field and the fix; the management
plan it yields (interfaces and addresses per node); the computes per node and group."""

from __future__ import annotations

import ipaddress
import shutil
from pathlib import Path

import pytest

from automation.errors import SiteError
from automation.inventory import PROJECT_INVENTORY
from automation.models import load_site
from automation.models.design import Site
from automation.models.targets import load_targets

pytestmark = pytest.mark.unit

# case -> (targets.yaml, the field named, the fix named)
BROKEN = {
    "misspelt key": ("gns3:\n  projcet: x\n", "gns3.projcet", "correct its spelling"),
    "bad prefix": ("management:\n  prefix: 10.0.0.0/33\n", "management.prefix", "correct the value"),
    "unknown node": (
        "management:\n  addresses: {R9: 172.31.255.5}\n",
        "management.addresses.R9",
        "use one of ['DNS', 'MAIL', 'PC0', 'PC1', 'SW1']",
    ),
    "address outside the prefix": (
        "management:\n  addresses: {SW1: 10.1.1.1}\n",
        "management.addresses.SW1",
        "use an address inside management.prefix",
    ),
    "network address": (
        "management:\n  addresses: {SW1: 172.31.255.0}\n",
        "management.addresses.SW1",
        "use an address inside management.prefix",
    ),
    "one address twice": (
        "management:\n  addresses: {SW1: 172.31.255.5, DNS: 172.31.255.5}\n",
        "management.addresses.DNS",
        "give each node its own management address",
    ),
    "no such port": (
        "management:\n  interfaces: {switch: GigabitEthernet9/9}\n",
        "management.interfaces.switch",
        "use a name like GigabitEthernet3/3",
    ),
    "cabled port": (
        "management:\n  interfaces: {switch: GigabitEthernet0/1}\n",
        "management.interfaces.switch",
        "name a port no cable uses",
    ),
    "prefix too small": (
        "management:\n  prefix: 172.31.255.0/29\n  first_host: 4\n",
        "management.prefix",
        "use a larger prefix or a lower first_host",
    ),
    "compute of an unknown node": (
        "gns3:\n  computes: {nodes: {R9: remote}}\n",
        "gns3.computes.nodes.R9",
        "use one of",
    ),
    "unknown group": (
        "gns3:\n  computes: {groups: {firewalls: remote}}\n",
        "gns3.computes.groups.firewalls",
        "",
    ),
    "delay factor zero": ("gns3:\n  delay_factor: 0\n", "gns3.delay_factor", "greater than 0"),
    "YAML syntax": ("management: [\n", "line 2", "fix the syntax there"),
}


def lab06(tmp_path: Path, targets: str | None) -> Site:
    site = tmp_path / "lab06"
    shutil.copytree(PROJECT_INVENTORY / "lab06", site)
    if targets is not None:
        (site / "targets.yaml").write_text(targets)
    return load_site(site)


@pytest.mark.parametrize("case", BROKEN, ids=list(BROKEN))
def test_a_broken_targets_file_names_file_field_and_fix(case: str, tmp_path: Path) -> None:
    text, field, fix = BROKEN[case]
    site = lab06(tmp_path, text)
    with pytest.raises(SiteError) as caught:
        load_targets(site)
    (problem,) = caught.value.problems
    assert problem.startswith(f"{site.directory / 'targets.yaml'}: ")
    assert field in problem and fix in problem


def test_without_a_file_every_node_gets_the_defaults(tmp_path: Path) -> None:
    targets = load_targets(lab06(tmp_path, None))
    plan = {m.name: (m.interface, str(m.address)) for m in targets.management}
    assert plan == {
        "SW1": ("GigabitEthernet3/3", "172.31.255.11/24"),
        "DNS": ("eth1", "172.31.255.12/24"),
        "MAIL": ("eth1", "172.31.255.13/24"),
        "PC0": ("eth1", "172.31.255.14/24"),
        "PC1": ("eth1", "172.31.255.15/24"),
    }
    assert targets.template("switch") == "IOSvL2" and targets.node_definition("pc") == "alpine"


def test_named_addresses_are_skipped_when_handing_out_the_rest(tmp_path: Path) -> None:
    text = "management:\n  prefix: 10.9.0.0/16\n  first_host: 1\n  addresses: {MAIL: 10.9.0.2}\n"
    targets = load_targets(lab06(tmp_path, text))
    assert {m.name: str(m.address.ip) for m in targets.management} == {
        "SW1": "10.9.0.1",
        "DNS": "10.9.0.3",
        "MAIL": "10.9.0.2",
        "PC0": "10.9.0.4",
        "PC1": "10.9.0.5",
    }


def test_a_large_prefix_is_handed_out_lazily(tmp_path: Path) -> None:
    targets = load_targets(lab06(tmp_path, "management:\n  prefix: 10.0.0.0/8\n"))
    assert targets.mgmt("PC1").address == ipaddress.IPv4Interface("10.0.0.15/8")


def test_interfaces_per_kind(tmp_path: Path) -> None:
    text = "management:\n  interfaces: {switch: GigabitEthernet2/0, server: eth1}\n"
    targets = load_targets(lab06(tmp_path, text))
    assert targets.mgmt("SW1").interface == "GigabitEthernet2/0"


def test_compute_by_node_then_group_then_default(tmp_path: Path) -> None:
    text = (
        "gns3:\n  computes:\n    default: main\n    groups: {servers: big, pcs: small}\n"
        "    nodes: {PC1: big}\n"
    )
    targets = load_targets(lab06(tmp_path, text))
    nodes = [("SW1", "switch"), ("MAIL", "server"), ("PC0", "pc"), ("PC1", "pc")]
    assert [targets.compute(n, k) for n, k in nodes] == ["main", "big", "small", "big"]
