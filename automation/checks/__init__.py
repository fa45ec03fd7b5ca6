"""Checks of a deployed site: `verify_*` from parsed show commands, end-to-end checks from the hosts."""

from __future__ import annotations

from automation.checks.result import CheckReport, CheckResult
from automation.checks.verify import collect_facts, verify_facts, verify_site

__all__ = ["CheckReport", "CheckResult", "collect_facts", "verify_facts", "verify_site"]
