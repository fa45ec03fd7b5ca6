"""Parse IOS show output with TextFSM: ntc-templates' index, else a template of ours.

ntc-templates has no template for `show interfaces trunk` (it would pick the generic
`show interfaces` one) nor for `show ip dhcp pool`; ours live in ./templates and are tried first
for those commands.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import textfsm
from ntc_templates.parse import parse_output

OWN_TEMPLATES = Path(__file__).parent / "templates"
POOL_CONFIG = "show running-config | section ip dhcp pool"
_OWN: dict[str, tuple[str, ...]] = {
    "show interfaces trunk": (
        "cisco_ios_show_interfaces_trunk.textfsm",
        "cisco_ios_show_interfaces_trunk_allowed.textfsm",
    ),
    "show ip dhcp pool": ("cisco_ios_show_ip_dhcp_pool.textfsm",),
    # The options a pool hands out are only in the config: the pool's network, gateway, DNS
    # server and domain, one row per pool.
    POOL_CONFIG: ("cisco_ios_show_running-config_section_ip_dhcp_pool.textfsm",),
}


def _own(command: str, output: str) -> list[dict[str, Any]]:
    """Rows of our templates; several templates over one output are merged on their first column."""
    merged: dict[str, dict[str, Any]] = {}
    for name in _OWN[command]:
        with (OWN_TEMPLATES / name).open() as fh:
            fsm = textfsm.TextFSM(fh)
        for row in fsm.ParseText(output):
            record = {k.lower(): v for k, v in zip(fsm.header, row, strict=True)}
            key = str(row[0])
            merged.setdefault(key, {}).update(record)
    return list(merged.values())


def parse_show(command: str, output: str, platform: str = "cisco_ios") -> list[dict[str, Any]]:
    """Parsed rows of a show command's output (keys lower case, as ntc-templates gives them)."""
    if command in _OWN:
        return _own(command, output)
    rows = parse_output(platform=platform, command=command, data=output)
    return [dict(r) for r in rows]
