"""CLI modes as data: prompt suffix, terminator and parent (where `exit` and fall-through go)."""

from __future__ import annotations

import re
from dataclasses import dataclass

# IOS (ARPANET rules): a letter first, a letter or digit last, letters, digits and hyphens between,
# 63 characters at most.
_HOSTNAME = re.compile(r"[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
HOSTNAME_ERROR = "% Hostname contains one or more illegal characters.\n"


def valid_hostname(name: str) -> bool:
    """Whether IOS takes `name` as a hostname.

    >>> [valid_hostname(n) for n in ("R1", "core-sw-01", "R1;x", "1R", "R-", "a" * 64)]
    [True, True, False, False, False, False]
    """
    return _HOSTNAME.fullmatch(name) is not None


@dataclass(frozen=True)
class Mode:
    name: str
    suffix: str  # between hostname and terminator, e.g. "(config-if)"
    terminator: str
    parent: str | None  # None: leaving ends the session

    @property
    def is_config(self) -> bool:
        return self.name not in ("user", "exec")


MODES: dict[str, Mode] = {
    m.name: m
    for m in (
        Mode("user", "", ">", None),
        Mode("exec", "", "#", None),
        Mode("config", "(config)", "#", "exec"),
        Mode("config-if", "(config-if)", "#", "config"),
        Mode("config-subif", "(config-subif)", "#", "config"),
        Mode("config-vlan", "(config-vlan)", "#", "config"),
        Mode("dhcp-config", "(dhcp-config)", "#", "config"),
        Mode("config-router", "(config-router)", "#", "config"),
        Mode("config-line", "(config-line)", "#", "config"),
        Mode("config-router-lines", "(config-router)", "#", "config"),  # eigrp / bgp
        Mode("config-std-nacl", "(config-std-nacl)", "#", "config"),
        Mode("config-ext-nacl", "(config-ext-nacl)", "#", "config"),
        Mode("config-if-range", "(config-if-range)", "#", "config"),
    )
}
