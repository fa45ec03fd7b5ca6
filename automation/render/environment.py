"""The Jinja2 environment shared by every template: strict, whitespace-exact, with IOS filters."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path

import jinja2

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"


def vlan_list(vlans: Iterable[int]) -> str:
    """VLAN ids as IOS prints them in `switchport trunk allowed vlan`: sorted, runs as ranges.

    >>> vlan_list([20, 10, 11, 12, 99])
    '10-12,20,99'
    >>> vlan_list([])
    'none'
    """
    ids = sorted(set(vlans))
    if not ids:
        return "none"
    runs: list[str] = []
    start = prev = ids[0]
    for vid in [*ids[1:], None]:
        if vid is not None and vid == prev + 1:
            prev = vid
            continue
        runs.append(
            str(start) if start == prev else f"{start}-{prev}" if prev > start + 1 else f"{start},{prev}"
        )
        if vid is not None:
            start = prev = vid
    return ",".join(runs)


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
    env.filters["vlan_list"] = vlan_list
    return env
