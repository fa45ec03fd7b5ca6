"""The Jinja2 environment shared by every template: strict, whitespace-exact, with IOS filters."""

from __future__ import annotations

import shlex
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import jinja2

from automation.platforms.cisco_ios import vlan_list

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"


def _allowed_vlans(vlans: Iterable[int]) -> str:
    """A trunk's allowed list as `switchport trunk allowed vlan` takes it: "none" for no VLAN.

    >>> _allowed_vlans([30, 10, 11, 12]), _allowed_vlans([])
    ('10-12,30', 'none')
    """
    return vlan_list(vlans, empty="none")


@cache
def environment(root: Path = TEMPLATES_DIR) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(root)),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,  # device configs, not HTML
    )
    env.filters["vlan_list"] = _allowed_vlans
    env.filters["sh"] = lambda value: shlex.quote(str(value))  # a value as one shell word, inert
    return env
