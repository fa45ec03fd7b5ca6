"""Where a site's files live: --inventory, else $MASTERTECH_INVENTORY, else ./inventory, else ours.

The site name and the inventory path come from a command line or the environment, so they are
checked before they touch the file system: a site is one folder name (no '/', no '..'), and every
file-system failure becomes a UsageError that names the path, never a traceback.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from automation.errors import UsageError, shorten

PROJECT_INVENTORY = Path(__file__).resolve().parents[2] / "inventory"

_SITE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


def _shown(path: Path | str) -> str:
    return shorten(str(path), 160)


def _cwd() -> Path | None:
    try:
        return Path.cwd()
    except OSError:  # the working directory was removed under us
        return None


def inventory_root(inventory: Path | None = None) -> Path:
    if inventory is not None:
        return inventory
    env = os.environ.get("MASTERTECH_INVENTORY")
    if env:
        return Path(env)
    cwd = _cwd()
    local = cwd / "inventory" if cwd else None
    try:
        return local if local is not None and local.is_dir() else PROJECT_INVENTORY
    except OSError:
        return PROJECT_INVENTORY


def _is_dir(path: Path, what: str) -> bool:
    try:
        return path.is_dir()
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise UsageError(
            f"{what} {_shown(path)} cannot be used ({reason}); pass a shorter or correct path"
        ) from None


def _known_sites(root: Path) -> list[str]:
    try:
        return sorted(p.name for p in root.iterdir() if _SITE_NAME.fullmatch(p.name) and p.is_dir())
    except (OSError, ValueError):
        return []


def resolve_site_dir(site: str, inventory: Path | None = None) -> Path:
    """The directory of `site` inside the inventory root, with a clear error when it is absent."""
    root = inventory_root(inventory)
    where = "--inventory" if inventory is not None else "the inventory"
    if not _SITE_NAME.fullmatch(site) or ".." in site:
        raise UsageError(
            f"--site {shorten(site, 80)!r} is not a site name: a site is one folder of the inventory, "
            "named with letters, digits, '.', '_' and '-' (at most 64, no '/' or '..'); "
            "use --inventory DIR for a folder elsewhere"
        )
    if not _is_dir(root, where):
        raise UsageError(
            f"{where} {_shown(root)} is not a folder; pass --inventory DIR or set MASTERTECH_INVENTORY"
        )
    path = root / site
    if not _is_dir(path, "site folder"):
        known = _known_sites(root)
        shown = ", ".join(known[:20]) + (f" and {len(known) - 20} more" if len(known) > 20 else "")
        hint = f"known sites: {shown}" if known else f"{_shown(root)} holds no sites"
        raise UsageError(f"no site {site!r} in {_shown(root)}; {hint} (use --site or --inventory)")
    # Relative to the working directory when inside it: error lines stay short and clickable.
    cwd = _cwd()
    try:
        return path.resolve().relative_to(cwd) if cwd else path
    except (OSError, ValueError, RuntimeError):
        return path
