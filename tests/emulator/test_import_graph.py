"""The emulator's modules import one another without a cycle: the grammar and the shows sit below
the session (through `frames.py`), the session below the device."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

pytestmark = pytest.mark.unit


def _import_rules() -> ModuleType:
    path = Path(__file__).resolve().parents[1] / "unit" / "test_imports.py"
    spec = importlib.util.spec_from_file_location("import_rules", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_no_import_cycles_inside_the_emulator() -> None:
    rules = _import_rules()
    graph = {k: v for k, v in rules._graph(None).items() if k.startswith("automation.emulator")}
    assert rules._cycles(graph) == []
