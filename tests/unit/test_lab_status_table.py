"""`lab status` as a table for an 80-column terminal: one line per address list where it fits,
no address split, long names cut (whole with --wide), health and its reasons shown."""

from __future__ import annotations

import pytest
from rich.console import Console

from automation.cli.lab import NAME_WIDTH, _table
from automation.providers.base import Endpoint, Health, LabStatus, NodeStatus

pytestmark = pytest.mark.unit

ADDRESSES = ("10.0.12.1/30", "10.255.0.1/32", "192.168.10.1/24", "192.168.20.1/24", "192.168.99.1/24")
LONG = "ACCOUNTING-BACKUP-SERVER-1"


def _status() -> LabStatus:
    nodes = (
        NodeStatus("R1", "router", "mt-mastertech-r1", Endpoint("127.146.1.1", 22), None, None, ADDRESSES,
                   Health("degraded", ("ospfd restarted 2x",), {"ospfd": 2})),
        NodeStatus(LONG, "server", "mt-mastertech-accounting-backup-server-1", Endpoint("127.0.0.1", 40979),
                   None, None, ("192.168.40.30/24",), Health("ok")),
        NodeStatus("BE-PC1", "pc", "mt-mastertech-be-pc1", Endpoint("127.0.0.1", 36257), "Backend",
                   "alice", ("192.168.10.123/24",), Health("ok")),
    )  # fmt: skip
    return LabStatus("mastertech", nodes, phase="degraded")


def _render(wide: bool, width: int) -> str:
    console = Console(width=width, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(_table(_status(), "lab mastertech: degraded", wide=wide))
    return console.export_text()


def test_compact_table_fits_80_columns_and_keeps_addresses_whole() -> None:
    text = _render(wide=False, width=80)
    assert max(len(line) for line in text.splitlines()) <= 80, text
    words = text.split()
    for address in ADDRESSES:
        assert address in words, text
    assert LONG not in text and LONG[: NAME_WIDTH - 1] + "…" in text
    assert "degraded" in text and "mt-mastertech-r1" not in text


def test_wide_table_has_whole_names_namespaces_and_reasons() -> None:
    text = _render(wide=True, width=250)
    assert LONG in text
    assert "mt-mastertech-r1" in text
    assert "ospfd restarted 2x" in text
    assert "Backend alice" in text


def test_status_json_has_phase_and_health() -> None:
    doc = _status().as_json()
    assert doc["phase"] == "degraded"
    assert doc["nodes"][0]["health"] == {"state": "degraded", "reasons": ["ospfd restarted 2x"],
                                         "restarts": {"ospfd": 2}}  # fmt: skip
    assert doc["nodes"][1]["name"] == LONG
