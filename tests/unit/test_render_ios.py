"""IOS renders: golden files per site and device, and the push form differs only by `no shutdown`.

After an intended template change: `make golden`, then review `git diff tests/unit/golden`.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from automation.inventory import PROJECT_INVENTORY
from automation.models import load_site
from automation.platforms.cisco_ios import vlan_list
from automation.render import render_device, render_intended

GOLDEN = Path(__file__).parent / "golden"
DEVICES = [
    (site, name) for site in ("mastertech", "lab06") for name in load_site(PROJECT_INVENTORY / site).devices()
]


@pytest.mark.parametrize(("site", "device"), DEVICES, ids=[f"{s}-{d}" for s, d in DEVICES])
def test_intended_config_matches_golden(site: str, device: str) -> None:
    text = render_intended(load_site(PROJECT_INVENTORY / site), device)
    golden = GOLDEN / site / f"{device}.cfg"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text)
    assert golden.exists(), f"no golden file {golden}; run `make golden` and review it"
    assert text == golden.read_text()


@pytest.mark.parametrize(("site", "device"), DEVICES, ids=[f"{s}-{d}" for s, d in DEVICES])
def test_push_form_only_adds_no_shutdown(site: str, device: str) -> None:
    design = load_site(PROJECT_INVENTORY / site)
    intended = render_intended(design, device).splitlines()
    push = render_device(design, device).splitlines()
    assert [line for line in push if line != " no shutdown"] == intended
    assert " no shutdown" in push


def test_canonical_form_is_what_ios_prints() -> None:
    design = load_site(PROJECT_INVENTORY / "mastertech")
    r2 = render_intended(design, "R2")
    assert "interface GigabitEthernet0/1.30\n description Management\n encapsulation dot1Q 30\n" in r2
    assert " ip address 192.168.30.1 255.255.255.0\n ip helper-address 10.0.12.1\n" in r2
    assert "\n network 192.168.30.0 0.0.0.255 area 0\n" in r2
    assert r2.endswith("!\nend\n")
    sw1 = render_intended(design, "SW1")
    assert " switchport trunk allowed vlan 10,20,99\n switchport trunk encapsulation dot1q\n" in sw1


def test_vlan_list_compresses_runs() -> None:
    assert vlan_list([1, 2, 3, 5, 7, 8], empty="none") == "1-3,5,7,8"
