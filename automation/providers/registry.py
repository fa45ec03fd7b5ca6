"""The one door to a lab: `provider_for(target, site)`, for every command and every stage."""

from __future__ import annotations

from pathlib import Path

from automation.errors import UsageError
from automation.models.design import Site
from automation.providers.base import LabProvider

TARGETS = ("embedded", "static", "gns3", "cml")


def provider_for(target: str, site: Site, endpoints: Path | None = None) -> LabProvider:
    """The provider of `target` for `site`; `endpoints` is the endpoints file of the static target."""
    if target not in TARGETS:
        raise UsageError(f"unknown target {target!r}; use one of {', '.join(TARGETS)}")
    if endpoints is not None and target != "static":
        raise UsageError(f"--endpoints is for --target static, not {target}")
    if target == "embedded":
        from automation.providers.embedded import EmbeddedProvider

        return EmbeddedProvider(site)
    if target == "static":
        if endpoints is None:
            raise UsageError("--target static needs --endpoints FILE (see `mastertech lab endpoints`)")
        from automation.providers.static import StaticProvider

        return StaticProvider(site, endpoints)
    if target == "gns3":
        from automation.providers.gns3 import GNS3Provider

        return GNS3Provider(site)
    from automation.providers.cml import CMLProvider

    return CMLProvider(site)
