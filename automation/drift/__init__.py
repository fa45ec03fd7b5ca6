"""Running versus intended: the managed scope of a config and hier_config remediation over it."""

from __future__ import annotations

from automation.drift.remediation import Remediation, remediate
from automation.drift.scope import MANAGED_SECTIONS, managed_scope

__all__ = ["MANAGED_SECTIONS", "Remediation", "managed_scope", "remediate"]
