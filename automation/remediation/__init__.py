"""Running versus intended IOS config: the managed scope and the hier_config remediation over it.

A library below the stages that use it: deploy (tasks.deploy_config sends only the remediation)
and drift (what each device would need).
"""

from __future__ import annotations

from automation.remediation.ios import Remediation, remediate
from automation.remediation.scope import MANAGED_SECTIONS, managed_scope

__all__ = ["MANAGED_SECTIONS", "Remediation", "managed_scope", "remediate"]
