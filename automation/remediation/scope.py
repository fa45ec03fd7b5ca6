"""Which parts of an IOS config the toolkit manages.

A device's running config holds much that the design does not speak of (boot markers, users and
secrets set at day 0, line settings, IOS defaults). Comparing whole configs would try to remove
all of that; comparing only the managed sections leaves it alone while still removing stale
lines inside them (an old DHCP pool, a stray interface address, an extra OSPF network).
"""

from __future__ import annotations

import re

# Top-level lines (and their children) the templates own. Order does not matter.
MANAGED_SECTIONS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p)
    for p in (
        r"^hostname ",
        r"^(no )?ip domain[ -]lookup$",
        r"^ip domain[ -]name ",
        r"^ip dhcp excluded-address ",
        r"^ip dhcp pool ",
        r"^interface ",
        r"^router ospf ",
        r"^vlan \d",
        r"^ip default-gateway ",
        r"^ip route ",
        r"^logging buffered",
    )
)

# Lines IOS prints around the config that are never part of it.
_NOISE = re.compile(r"^(Building configuration|Current configuration :|end$|!)")


def blocks(config: str) -> list[list[str]]:
    """Split a config into top-level blocks: a line at column 0 with its indented children.

    >>> blocks("hostname R1\\n!\\ninterface Gi0/0\\n ip address 1.1.1.1 255.0.0.0\\n!\\nend\\n")
    [['hostname R1'], ['interface Gi0/0', ' ip address 1.1.1.1 255.0.0.0']]
    """
    out: list[list[str]] = []
    for raw in config.splitlines():
        line = raw.rstrip()
        if not line.strip() or _NOISE.match(line):
            continue
        if line.startswith(" ") and out:
            out[-1].append(line)
        elif not line.startswith(" "):
            out.append([line])
    return out


def managed_scope(config: str) -> str:
    """Only the managed sections of a config, in their original order.

    >>> managed_scope("version 15.9\\nhostname R1\\nboot-start-marker\\nip route 0.0.0.0 0.0.0.0 10.0.0.1\\n")
    'hostname R1\\nip route 0.0.0.0 0.0.0.0 10.0.0.1\\n'
    """
    kept = [block for block in blocks(config) if any(p.match(block[0]) for p in MANAGED_SECTIONS)]
    return "".join(line + "\n" for block in kept for line in block)
