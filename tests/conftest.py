"""Test tiers follow the folders: tests/unit -> unit, tests/emulator -> emulator, and so on."""

from __future__ import annotations

from pathlib import Path

import pytest

TIERS = ("unit", "emulator", "lab", "acceptance")
ROOT = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        parts = Path(str(item.fspath)).resolve().relative_to(ROOT).parts
        if parts and parts[0] in TIERS:
            item.add_marker(getattr(pytest.mark, parts[0]))
