"""IOS configs of routers and switches."""

from __future__ import annotations

from automation.errors import UsageError
from automation.models.design import RouterDesign, Site, SwitchDesign
from automation.render.environment import environment


def _device(site: Site, name: str) -> tuple[str, RouterDesign | SwitchDesign]:
    for router in site.routers:
        if router.name == name:
            return "cisco_ios/router.j2", router
    for switch in site.switches:
        if switch.name == name:
            return "cisco_ios/switch.j2", switch
    raise UsageError(
        f"{name} is not a router or switch of site {site.name}; use one of {list(site.devices())}"
    )


def _render(site: Site, name: str, push: bool) -> str:
    template, device = _device(site, name)
    return environment().get_template(template).render(site=site, device=device, push=push)


def render_intended(site: Site, name: str) -> str:
    """The managed part of the device's running config, exactly as IOS prints it."""
    return _render(site, name, push=False)


def render_device(site: Site, name: str) -> str:
    """The intended config as commands for a device, with `no shutdown` where ports must be up."""
    return _render(site, name, push=True)
