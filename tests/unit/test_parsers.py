"""Our TextFSM templates, as file pairs: parsers/<case>.raw parses to parsers/<case>.yml."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from automation.parsers import parse_show

CASES = sorted((Path(__file__).parent / "parsers").glob("*.raw"))


@pytest.mark.parametrize("raw", CASES, ids=[c.stem for c in CASES])
def test_parses_to_expected_rows(raw: Path) -> None:
    spec = yaml.safe_load(raw.with_suffix(".yml").read_text())
    assert parse_show(spec["command"], raw.read_text()) == spec["parsed"]


def test_ntc_templates_still_serve_the_commands_they_know() -> None:
    rows = parse_show(
        "show ip interface brief",
        "Interface                  IP-Address      OK? Method Status                Protocol\n"
        "GigabitEthernet0/0         10.0.12.1       YES manual up                    up\n",
    )
    assert rows == [
        {"interface": "GigabitEthernet0/0", "ip_address": "10.0.12.1", "status": "up", "proto": "up"}
    ]
