"""The pytest plugin: silent without --mastertech-site; with it, one item per check, named for what
it proves, collected in a folder with no tests of its own; failures say expected and seen."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from automation.checks.e2e import CheckContext, plan_checks, run_checks
from automation.checks.result import CheckResult
from automation.mail.checks import plan_negative_checks
from automation.models import load_site
from automation.pytest_plugin import failure_text

ROOT = Path(__file__).resolve().parents[2]


def _pytest(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MASTERTECH_INVENTORY": str(ROOT / "inventory")}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "mastertech", *args],
        cwd=folder, capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip


def test_without_the_site_option_the_plugin_collects_nothing(tmp_path: Path) -> None:
    proc = _pytest(tmp_path, "--collect-only", "-q")
    assert proc.returncode == 5, proc.stdout + proc.stderr  # pytest's "no tests collected"


def test_with_a_site_every_check_is_an_item_in_an_empty_folder(tmp_path: Path) -> None:
    proc = _pytest(tmp_path, "--mastertech-site", "lab06", "--collect-only", "-q")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    items = [line for line in proc.stdout.splitlines() if "::" in line]
    site = load_site(ROOT / "inventory" / "lab06")
    expected = [p.test for p in plan_checks(site) + plan_negative_checks(site)]
    assert [i.split("::")[-1] for i in items] == expected
    assert "lab06-acceptance::test_lease[PC0]" in items
    assert "lab06-acceptance::test_mail_round_trip[PC0->PC1-imap]" in items
    assert "lab06-acceptance::test_wrong_password_refused[pop3]" in items


def test_disruptive_checks_only_when_asked(tmp_path: Path) -> None:
    plain = _pytest(tmp_path, "--mastertech-site", "lab06", "--collect-only", "-q")
    asked = _pytest(tmp_path, "--mastertech-site", "lab06", "--mastertech-disruptive", "--collect-only", "-q")
    assert "test_mail_stops_without_dovecot[MAIL]" not in plain.stdout
    assert "test_mail_stops_without_dovecot[MAIL]" in asked.stdout


def test_a_bad_site_is_a_usage_error(tmp_path: Path) -> None:
    proc = _pytest(tmp_path, "--mastertech-site", "no-such-site", "--collect-only")
    assert proc.returncode == 4 and "mastertech:" in proc.stderr and "Traceback" not in proc.stderr


def test_fixtures_skip_without_a_site(tmp_path: Path) -> None:
    (tmp_path / "test_mine.py").write_text("def test_it(site, pc, mail_client):\n    pass\n")
    proc = _pytest(tmp_path, "-q", "-rs")
    assert proc.returncode == 0 and "1 skipped" in proc.stdout and "--mastertech-site" in proc.stdout


def test_failure_says_what_was_expected_and_seen() -> None:
    site = load_site(ROOT / "inventory" / "mastertech")
    lease = plan_checks(site)[0]
    text = failure_text(
        lease,
        CheckResult("check_lease", "BE-PC1", False, "no address in 192.168.10.0/24"),
        "mastertech",
        "embedded",
    )
    assert text.splitlines() == [
        "check_lease on BE-PC1 (Backend), site mastertech, target embedded",
        "expected: an address in 192.168.10.0/24 by DHCP, DNS server 192.168.40.10",
        "saw:      no address in 192.168.10.0/24",
    ]


class FakeRunner:
    """Canned probe answers; counts what ran where."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    def __call__(self, host: str, kind: str, args: dict[str, object]) -> dict[str, object]:
        self.calls.append((host, kind))
        if kind == "host":
            return {
                "addresses": ["192.168.1.4/24"],
                "gateway": None,
                "nameservers": ["192.168.1.5"],
                "search": [],
            }
        if kind == "imap_count":
            return {"count": 1 if self.calls.count((host, "pop3_take")) == 0 else 0}
        return {
            "ping": {"reachable": {}}, "dns": {"answers": {}}, "mail_send": {"sent": True},
            "pop3_take": {"count": 1}, "smtp_relay": {"code": 554, "text": "relay denied"},
        }.get(kind, {})  # fmt: skip

    def close(self) -> None:
        pass


def test_each_planned_check_runs_alone_and_run_checks_keeps_its_order() -> None:
    site = load_site(ROOT / "inventory" / "lab06")
    report = run_checks(site, FakeRunner(), mail_budget=0.1)
    assert [(r.name, r.host) for r in report.results] == [
        ("check_lease", "PC0"), ("check_lease", "PC1"), ("check_reachability", "PC0"),
        ("check_reachability", "PC1"), ("check_dns", "PC0"), ("check_mail_smtp", "PC0"),
        ("check_mail_imap", "PC1"), ("check_mail_pop3", "PC1"), ("check_mail_deleted", "PC1"),
        ("check_no_open_relay", "MAIL"),
    ]  # fmt: skip
    # Only the "deleted" step selected: it sends, waits for the message and takes it first, once each.
    runner = FakeRunner()
    deleted = next(p for p in plan_checks(site) if p.name == "check_mail_deleted")
    result = deleted.run(CheckContext(site, runner, 0.1))
    assert result.ok, result
    kinds = [kind for _, kind in runner.calls]
    assert kinds == ["mail_send", "imap_count", "pop3_take", "imap_count"]
