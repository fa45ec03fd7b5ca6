"""The IOS command line as data: its modes and prompts, hostnames, what it prints to refuse or succeed.

>>> import re
>>> bad = re.compile(ERROR_PATTERN, re.M)
>>> [bool(bad.search(out)) for out in ("% Invalid input detected at '^' marker.", "R1(config)#")]
[True, False]
>>> MODES["config-if"].prompt("R1")
'R1(config-if)#'
>>> [bool(bad.search(out)) for out in ("Bad mask 0xFFFFFF01 for address 10.0.0.1", "Command rejected: x")]
[True, True]
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

from pydantic import BaseModel, ConfigDict


class Mode(BaseModel):
    """A CLI mode: its prompt is the hostname, the suffix and the terminator."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    suffix: str  # between hostname and terminator, e.g. "(config-if)"
    terminator: str
    parent: str | None  # where `exit` goes; None: leaving ends the session

    def prompt(self, hostname: str) -> str:
        return f"{hostname}{self.suffix}{self.terminator}"

    @property
    def is_config(self) -> bool:
        """A configuration mode (global or a sub-mode), where Ctrl-C/Ctrl-Z and `end` leave."""
        return self.name not in ("user", "exec")


MODES: Mapping[str, Mode] = MappingProxyType(
    {
        m.name: m
        for m in (
            Mode(name="user", suffix="", terminator=">", parent=None),
            Mode(name="exec", suffix="", terminator="#", parent=None),
            Mode(name="config", suffix="(config)", terminator="#", parent="exec"),
            Mode(name="config-if", suffix="(config-if)", terminator="#", parent="config"),
            Mode(name="config-subif", suffix="(config-subif)", terminator="#", parent="config"),
            Mode(name="config-vlan", suffix="(config-vlan)", terminator="#", parent="config"),
            Mode(name="dhcp-config", suffix="(dhcp-config)", terminator="#", parent="config"),
            Mode(name="config-router", suffix="(config-router)", terminator="#", parent="config"),
            Mode(name="config-line", suffix="(config-line)", terminator="#", parent="config"),
            # `router eigrp` / `router bgp`: the OSPF prompt, other commands
            Mode(name="config-router-lines", suffix="(config-router)", terminator="#", parent="config"),
            Mode(name="config-std-nacl", suffix="(config-std-nacl)", terminator="#", parent="config"),
            Mode(name="config-ext-nacl", suffix="(config-ext-nacl)", terminator="#", parent="config"),
            Mode(name="config-if-range", suffix="(config-if-range)", terminator="#", parent="config"),
            Mode(name="config-archive", suffix="(config-archive)", terminator="#", parent="config"),
        )
    }
)

# How the lines start with which IOS refuses a command (after "% ", which some omit the space of).
ERROR_MARKERS: tuple[str, ...] = (
    "Invalid input",
    "Incomplete command",
    "Ambiguous command",
    "Unknown command",
    "Error",
    "Bad mask",
    "Hostname contains one or more illegal characters",
    "Configuring IP routing on a LAN subinterface",  # an address before `encapsulation dot1Q`
)
# Refusals printed without the "%": a switchport mode the encapsulation forbids, an address
# that overlaps another interface's subnet, a mask that is not contiguous.
_UNMARKED = (r"^Command rejected.*$", r"^.*overlaps with.*$", r"^Bad mask.*$")

# A refused line as a whole line (multiline), so a report can quote it; netmiko's error_pattern.
ERROR_PATTERN = "|".join((r"^\s*% ?(?:" + "|".join(ERROR_MARKERS) + r").*$", *_UNMARKED))

# Hostnames (ARPANET rules): a letter first, a letter or digit last, letters, digits and
# hyphens between, 63 characters at most.
_HOSTNAME = re.compile(r"[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
HOSTNAME_ERROR = "% Hostname contains one or more illegal characters.\n"


def valid_hostname(name: str) -> bool:
    """Whether IOS takes `name` as a hostname.

    >>> [valid_hostname(n) for n in ("R1", "core-sw-01", "R1;x", "1R", "R-", "a" * 64)]
    [True, True, False, False, False, False]
    """
    return _HOSTNAME.fullmatch(name) is not None


# A vty's defaults: `terminal length` (lines a screen holds before `--More--`) and `history size`.
TERMINAL_LENGTH = 24
HISTORY_SIZE = 20

SAVE_OK = "[OK]"  # `write memory` / `copy running-config startup-config` succeeded
RUNNING_CONFIG_MARKER = "Current configuration"  # the head of a whole `show running-config`
