"""Reliability: many messages at once, every accepted one delivered exactly once (by Message-ID),
also while Postfix restarts mid-run. Bounded: a few hundred messages, a fixed time budget each.
The full 1,000-message run is bench/mail_stress.py."""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest
from conftest import SiteLab

from automation.mail.server import MailServerControl
from automation.mail.stress import run_stress
from automation.providers import provider_for

pytestmark = [
    pytest.mark.acceptance,
    pytest.mark.stress,
    pytest.mark.skipif(os.geteuid() != 0, reason="the embedded lab needs root"),
    pytest.mark.timeout(300),
]

COUNT = 300
WORKERS = 20


@pytest.fixture(scope="module")
def lab(site_lab: Callable[[str], SiteLab]) -> SiteLab:
    lab = site_lab("mastertech")
    assert lab.up.get("ok") is True, lab.up_output[-4000:]
    return lab


def test_every_accepted_message_arrives_exactly_once(lab: SiteLab) -> None:
    runner = provider_for("embedded", lab.site).runner()
    try:
        result = run_stress(lab.site, runner, COUNT, WORKERS, delivery_budget=90)
    finally:
        runner.close()
    print(f"\nmail stress: {result.as_json()}")
    assert result.accepted == COUNT, result.refusals
    assert result.ok and result.delivered == COUNT, result.as_json()


def test_accepted_messages_survive_a_postfix_restart(lab: SiteLab) -> None:
    provider = provider_for("embedded", lab.site)
    runner, control = provider.runner(), MailServerControl(lab.site, provider)
    try:
        result = run_stress(
            lab.site, runner, COUNT, WORKERS, delivery_budget=90,
            restart=lambda: str(control.service("postfix", "restart").get("status")), restart_after=3.0,
        )  # fmt: skip
        assert control.wait_ready("postfix")
    finally:
        runner.close()
        control.close()
    print(f"\nmail stress with a postfix restart: {result.as_json()}")
    assert result.restarted is not None
    assert result.ok and result.delivered == result.accepted, result.as_json()
