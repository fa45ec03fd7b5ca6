"""Render intended configurations from a site's design with Jinja2 (StrictUndefined).

Two forms of an IOS device's config come from the same templates:
- `render_intended`: what `show running-config` must show for the sections we manage, in IOS's
  canonical form and order. This is the golden config that drift and deploy compare against.
- `render_device`: the same lines made pushable to a fresh device: interfaces that must be up get
  `no shutdown` (IOS never prints it, and a fresh IOSv router's ports are shut).
"""

from __future__ import annotations

from automation.render.environment import TEMPLATES_DIR, environment
from automation.render.ios import render_device, render_intended
from automation.render.site import render_site

__all__ = ["TEMPLATES_DIR", "environment", "render_device", "render_intended", "render_site"]
