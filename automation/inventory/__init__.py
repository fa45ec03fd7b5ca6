"""Find a site's inventory directory and load it for Nornir."""

from __future__ import annotations

from automation.inventory.location import PROJECT_INVENTORY, resolve_site_dir

__all__ = ["PROJECT_INVENTORY", "resolve_site_dir"]
