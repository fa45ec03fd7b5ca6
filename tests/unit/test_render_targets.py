"""The intended config per target: on gns3 and cml the management port stays as day-0 set it;
on embedded and static the site renders as its golden files (not a byte changes)."""

from __future__ import annotations

from pathlib import Path

import pytest

from automation.inventory import PROJECT_INVENTORY
from automation.models import load_site
from automation.models.targets import OOB_TARGETS, intended_site, load_targets
from automation.providers.day0 import render_ios
from automation.render import render_device, render_intended
from automation.secrets import Credentials

pytestmark = pytest.mark.unit

SITE = load_site(PROJECT_INVENTORY / "mastertech")
CREDS = Credentials("admin", "pw-1", "test")
IOS_DEFAULTS = (" duplex auto", " speed auto", " media-type rj45", " negotiation auto")
GOLDEN = Path(__file__).parent / "golden" / "mastertech"
R1_MGMT = (
    "interface GigabitEthernet0/3\n description out-of-band management\n"
    " ip address 172.31.255.11 255.255.255.0\n duplex auto\n speed auto\n media-type rj45\n!\n"
)
SW1_MGMT = (
    "interface GigabitEthernet3/3\n description out-of-band management\n no switchport\n"
    " ip address 172.31.255.13 255.255.255.0\n negotiation auto\n!\n"
)


@pytest.mark.parametrize("target", ["embedded", "static"])
def test_targets_without_oob_management_render_the_golden_files(target: str) -> None:
    site = intended_site(SITE, target)
    assert site is SITE
    for device in site.devices():
        assert render_intended(site, device) == (GOLDEN / f"{device}.cfg").read_text()


@pytest.mark.parametrize("target", OOB_TARGETS)
def test_oob_targets_keep_the_management_port_up_and_addressed(target: str) -> None:
    site = intended_site(SITE, target)
    r1, sw1 = render_intended(site, "R1"), render_intended(site, "SW1")
    assert R1_MGMT in r1 and SW1_MGMT in sw1
    assert "interface GigabitEthernet0/3\n no ip address\n shutdown\n" in render_intended(SITE, "R1")
    push = render_device(site, "SW1")
    assert " ip address 172.31.255.13 255.255.255.0\n no shutdown\n negotiation auto\n" in push


def test_only_the_management_port_differs_from_the_embedded_render() -> None:
    site = intended_site(SITE, "gns3")
    for device in SITE.devices():
        mgmt = load_targets(SITE).mgmt(device).interface
        embedded, gns3 = render_intended(SITE, device), render_intended(site, device)
        strip = [b for b in embedded.split("!\n") if not b.startswith(f"interface {mgmt}\n")]
        assert [b for b in gns3.split("!\n") if not b.startswith(f"interface {mgmt}\n")] == strip


@pytest.mark.parametrize("device", ["R1", "SW2"])
def test_the_management_port_is_intended_as_day0_sets_it(device: str) -> None:
    """Every line day-0 writes on the port (less `no shutdown`, which IOS never prints) is in the
    intended port of the gns3 target, and nothing else but IOS's own defaults."""
    mgmt = load_targets(SITE).mgmt(device)
    day0 = render_ios(SITE.node(device), mgmt, SITE.domain, CREDS, None)
    set_by_day0 = day0.split(f"interface {mgmt.interface}\n", 1)[1].split("!\n", 1)[0].splitlines()
    intended = render_intended(intended_site(SITE, "gns3"), device)
    port = intended.split(f"interface {mgmt.interface}\n", 1)[1].split("!\n", 1)[0].splitlines()
    assert [ln for ln in set_by_day0 if ln != " no shutdown"] == [ln for ln in port if ln not in IOS_DEFAULTS]


def test_verify_expects_the_router_management_port_up() -> None:
    site = intended_site(SITE, "cml")
    (r1,) = [r for r in site.routers if r.name == "R1"]
    port = next(i for i in r1.interfaces if i.name == "GigabitEthernet0/3")
    assert not port.shutdown and str(port.address) == "172.31.255.11/24"
    (sw1,) = [s for s in site.switches if s.name == "SW1"]
    assert next(p for p in sw1.ports if p.name == "GigabitEthernet3/3").mode == "routed"
