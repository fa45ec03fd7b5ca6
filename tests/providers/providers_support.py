"""Helpers of the providers tier (a module of its own: every tier's conftest is named `conftest`,
and only one of them can be imported under that name in a whole run)."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def copy_site(tmp_path: Path, name: str = "mastertech", targets: str | None = None) -> Path:
    site = tmp_path / name
    shutil.copytree(ROOT / "inventory" / name, site)
    if targets is not None:
        (site / "targets.yaml").write_text(targets)
    return site
