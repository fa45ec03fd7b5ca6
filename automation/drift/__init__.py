"""Drift of a site on a target: each IOS device's remediation (hier_config), each server's Ansible check mode.

`remediate` and `managed_scope` live in automation.remediation; they are named here too for the
callers that read them as drift's.
"""

from __future__ import annotations

from automation.remediation import MANAGED_SECTIONS, Remediation, managed_scope, remediate

__all__ = ["MANAGED_SECTIONS", "Remediation", "managed_scope", "remediate"]
