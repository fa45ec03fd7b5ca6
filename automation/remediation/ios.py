"""hier_config remediation between a running and an intended IOS config, over the managed scope."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from hier_config import HConfig, MatchRule, Platform, WorkflowRemediation, get_hconfig, get_hconfig_driver
from hier_config.models import OrderingRule
from hier_config.platforms.driver_base import HConfigDriverBase

from automation.platforms.cisco_ios import TYPES
from automation.remediation.scope import managed_scope


@dataclass(frozen=True)
class Remediation:
    """What to send to go from running to intended."""

    commands: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return not self.commands


@cache
def ios_driver() -> HConfigDriverBase:
    """hier_config's IOS driver with the orderings IOS itself insists on.

    IOS refuses `switchport mode trunk` while the trunk encapsulation is auto ("Command rejected"),
    so the encapsulation must come first; hier_config already moves `switchport mode` early.
    """
    driver = get_hconfig_driver(Platform.CISCO_IOS)
    driver.rules.ordering.append(
        OrderingRule(
            match_rules=(
                MatchRule(startswith="interface"),
                MatchRule(startswith="switchport trunk encapsulation "),
            ),
            weight=-20,
        )
    )
    return driver


def _lines(config: HConfig) -> tuple[str, ...]:
    # cisco_style_text() indents children; IOS accepts indented lines, and `exit` closes sub-modes.
    return tuple(line.rstrip() for line in config.dump_simple(sectional_exiting=True) if line.strip())


def remediate(running: str, intended: str) -> Remediation:
    """Commands that make `running` match `intended` in the sections the toolkit manages.

    Physical interfaces cannot be removed on IOS: a stale one is reset with `default interface`
    rather than `no interface`, which IOS would reject.
    """
    workflow = WorkflowRemediation(
        get_hconfig(ios_driver(), managed_scope(running)),
        get_hconfig(ios_driver(), managed_scope(intended)),
    )
    return Remediation(commands=_fix_physical(_lines(workflow.remediation_config)))


_PHYSICAL = tuple(f"no interface {t.name}" for t in TYPES if t.slotted)


def _fix_physical(lines: tuple[str, ...]) -> tuple[str, ...]:
    out = []
    for line in lines:
        if line.startswith(_PHYSICAL) and "." not in line:
            out.append("default interface " + line.removeprefix("no interface "))
        else:
            out.append(line)
    return tuple(out)
