"""The `cml` target: the lab YAML of a site (`topology`), checked by our own schema (`schema`),
imported and run through virl2-client (`provider`)."""

from __future__ import annotations

from automation.providers.cml.provider import CMLProvider

__all__ = ["CMLProvider"]
