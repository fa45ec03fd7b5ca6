"""Where a site's files live: --inventory, else $MASTERTECH_INVENTORY, else ./inventory, else ours."""

from __future__ import annotations

import os
from pathlib import Path

from automation.errors import UsageError

PROJECT_INVENTORY = Path(__file__).resolve().parents[2] / "inventory"


def inventory_root(inventory: Path | None = None) -> Path:
    if inventory is not None:
        return inventory
    env = os.environ.get("MASTERTECH_INVENTORY")
    if env:
        return Path(env)
    local = Path.cwd() / "inventory"
    return local if local.is_dir() else PROJECT_INVENTORY


def resolve_site_dir(site: str, inventory: Path | None = None) -> Path:
    """The directory of `site` inside the inventory root, with a clear error when it is absent."""
    root = inventory_root(inventory)
    path = root / site
    if not path.is_dir():
        known = sorted(p.name for p in root.iterdir() if p.is_dir()) if root.is_dir() else []
        hint = f"known sites: {', '.join(known)}" if known else f"{root} holds no sites"
        raise UsageError(f"no site {site!r} in {root}; {hint} (use --site or --inventory)")
    # Relative to the working directory when inside it: error lines stay short and clickable.
    try:
        return path.resolve().relative_to(Path.cwd())
    except ValueError:
        return path
