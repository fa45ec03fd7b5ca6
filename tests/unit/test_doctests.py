"""The examples in pure helpers' docstrings run as tests."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "automation.platforms",
    "automation.platforms.cisco_ios.interfaces",
    "automation.platforms.cisco_ios.vlans",
    "automation.platforms.cisco_ios.cli",
    "automation.models.files",
    "automation.render.environment",
    "automation.remediation.scope",
    "automation.checks.verify",
    "automation.errors",
    "automation.models.derive.dhcp",
    "automation.ansible.inventory",
    "automation.cli.output",
    "automation.polling",
    "automation.lab.acl",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0
    assert result.failed == 0
