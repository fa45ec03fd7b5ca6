"""Providers by target name."""

from __future__ import annotations

from automation.errors import UsageError
from automation.models.design import Site
from automation.providers.base import LabProvider

TARGETS = ("embedded",)


def provider_for(target: str, site: Site) -> LabProvider:
    if target == "embedded":
        from automation.providers.embedded import EmbeddedProvider

        return EmbeddedProvider(site)
    raise UsageError(f"unknown target {target!r}; known targets: {', '.join(TARGETS)}")
