"""Typed intent of a site: raw file schemas, cross-file validation and the derived design.

`load_site(path)` is the one entry point: it reads the site's files, rejects bad input with every
problem at once (`SiteError`), and returns a `Site` whose derived views the templates consume.
"""

from __future__ import annotations

from automation.models.design import Site
from automation.models.load import load_site

__all__ = ["Site", "load_site"]
