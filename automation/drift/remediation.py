"""hier_config remediation between a running and an intended IOS config, over the managed scope."""

from __future__ import annotations

from dataclasses import dataclass

from hier_config import HConfig, Platform, WorkflowRemediation, get_hconfig

from automation.drift.scope import managed_scope


@dataclass(frozen=True)
class Remediation:
    """What to send to go from running to intended, and what would undo it."""

    commands: tuple[str, ...]
    rollback: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return not self.commands


def _lines(config: HConfig) -> tuple[str, ...]:
    # cisco_style_text() indents children; IOS accepts indented lines, and `exit` closes sub-modes.
    return tuple(line.rstrip() for line in config.dump_simple(sectional_exiting=True) if line.strip())


def remediate(running: str, intended: str) -> Remediation:
    """Commands that make `running` match `intended` in the sections the toolkit manages.

    Physical interfaces cannot be removed on IOS: a stale one is reset with `default interface`
    rather than `no interface`, which IOS would reject.
    """
    workflow = WorkflowRemediation(
        get_hconfig(Platform.CISCO_IOS, managed_scope(running)),
        get_hconfig(Platform.CISCO_IOS, managed_scope(intended)),
    )
    return Remediation(
        commands=_fix_physical(_lines(workflow.remediation_config)),
        rollback=_fix_physical(_lines(workflow.rollback_config)),
    )


def _fix_physical(lines: tuple[str, ...]) -> tuple[str, ...]:
    out = []
    for line in lines:
        if line.startswith("no interface GigabitEthernet") and "." not in line:
            out.append("default interface " + line.removeprefix("no interface "))
        else:
            out.append(line)
    return tuple(out)
