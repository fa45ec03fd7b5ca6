"""The acceptance checks as a user runs them (`pytest -p mastertech` in an empty folder, JUnit),
and `mastertech mail send|fetch|trace` on both sites, on the session's embedded labs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import SiteLab, mastertech

from automation.checks.e2e import plan_checks
from automation.mail.checks import plan_negative_checks
from automation.secrets import mail_password

pytestmark = [
    pytest.mark.acceptance,
    pytest.mark.skipif(os.geteuid() != 0, reason="the embedded lab needs root"),
]

SITES = ["mastertech", "lab06"]
PAIRS = {"mastertech": ("alice", "carol"), "lab06": ("client1", "client2")}


@pytest.fixture(scope="module", params=SITES)
def lab(request: pytest.FixtureRequest, site_lab: Callable[[str], SiteLab]) -> SiteLab:
    lab = site_lab(request.param)
    assert lab.up.get("ok") is True, lab.up_output[-4000:]
    return lab


def test_plugin_runs_every_check_as_an_item_with_junit(lab: SiteLab, tmp_path: Path) -> None:
    report = tmp_path / "r.xml"
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "mastertech", "--mastertech-site", lab.site.name,
         "--mastertech-disruptive", f"--junitxml={report}", "-q", "-p", "no:cacheprovider"],
        cwd=tmp_path, capture_output=True, text=True, timeout=600,
        env={**os.environ, "MASTERTECH_INVENTORY": str(Path(__file__).resolve().parents[2] / "inventory")},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-2000:]
    cases = ET.parse(report).getroot().iter("testcase")
    names = {}
    for case in cases:
        props = {p.get("name"): p.get("value") for p in case.iter("property")}
        names[case.get("name")] = props
    planned = plan_checks(lab.site) + plan_negative_checks(lab.site)
    assert sorted(names) == sorted([p.test for p in planned] + ["test_mail_stops_without_dovecot[MAIL]"])
    for p in planned:
        props = names[p.test]
        assert props["host"] == p.host and props["target"] == "embedded" and props["site"] == lab.site.name
        assert props["department"] == (p.department or "")
    dovecot = names["test_mail_stops_without_dovecot[MAIL]"]["detail"]
    assert "failed" in dovecot and ("AUTH" in dovecot or "IMAP" in dovecot), dovecot


def _trace(lab: SiteLab, tmp_path: Path, *extra: str) -> dict[str, object]:
    proc = mastertech("mail", "trace", "--site", lab.site.name, "--out", str(tmp_path), "--json", *extra)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    doc: dict[str, object] = json.loads(proc.stdout)
    return doc


def _commands(session: dict[str, object]) -> list[str]:
    out = []
    for line in session["lines"]:  # type: ignore[attr-defined]
        if line["from"] == "C" and line["text"]:
            words = line["text"].split(" ")
            if session["protocol"] == "imap":
                words = words[1:]
            out.append(" ".join(words[:2]).split(":")[0] if words[0] in ("MAIL", "RCPT") else words[0])
    return out


def _secrets(lab: SiteLab) -> list[str]:
    return [mail_password(u) for u in PAIRS[lab.site.name]]


def test_trace_shows_the_dialogue_with_tls_and_masks_passwords(lab: SiteLab, tmp_path: Path) -> None:
    doc = _trace(lab, tmp_path)
    assert doc["ok"] is True, doc
    smtp, imap, pop3 = doc["sessions"]  # type: ignore[misc]
    assert [s["protocol"] for s in (smtp, imap, pop3)] == ["smtp", "imap", "pop3"]
    for command in ("EHLO", "STARTTLS", "AUTH", "MAIL FROM", "RCPT TO", "DATA", "QUIT"):
        assert command in _commands(smtp), _commands(smtp)
    assert any(line["text"].startswith("250") and "queued" in line["text"] for line in smtp["lines"])
    for command in ("STLS", "USER", "PASS", "STAT", "RETR", "DELE", "QUIT"):
        assert command in _commands(pop3), _commands(pop3)
    for command in ("STARTTLS", "LOGIN", "SELECT", "FETCH"):
        assert command in _commands(imap), _commands(imap)
    assert smtp["encrypted"] and imap["encrypted"] and pop3["encrypted"]
    assert [line["ms"] for line in smtp["lines"]] == sorted(line["ms"] for line in smtp["lines"])
    text = json.dumps(doc)
    assert all(secret not in text for secret in _secrets(lab))
    assert "****" in text and any("TLS" in n for n in doc["notes"])  # type: ignore[attr-defined]
    pcaps = [Path(p) for p in doc["pcaps"]]  # type: ignore[attr-defined]
    assert pcaps and all(p.stat().st_size > 24 for p in pcaps)


def test_plain_trace_shows_the_seed_protocols_on_the_wire(lab: SiteLab, tmp_path: Path) -> None:
    doc = _trace(lab, tmp_path, "--plain")
    assert doc["ok"] is True, doc
    smtp, imap, pop3 = doc["sessions"]  # type: ignore[misc]
    assert smtp["port"] == 25 and not smtp["encrypted"] and "AUTH" not in _commands(smtp)
    assert not imap["encrypted"] and not pop3["encrypted"]
    wire = b"".join(Path(p).read_bytes() for p in doc["pcaps"])  # type: ignore[attr-defined]
    for seen in (b"MAIL FROM:", b"RCPT TO:", b"DATA", b"USER ", b"PASS ****", b"RETR", b"DELE", b" LOGIN "):
        assert seen in wire, seen
    assert all(secret.encode() not in wire for secret in _secrets(lab))


def test_send_then_fetch_from_the_command_line(lab: SiteLab) -> None:
    sender, rcpt = PAIRS[lab.site.name]
    subject = f"cli round trip {os.getpid()}"
    sent = mastertech("mail", "send", "--site", lab.site.name, "--from", sender, "--to", rcpt,
                      "--subject", subject, "--json")  # fmt: skip
    assert sent.returncode == 0, sent.stdout + sent.stderr
    message_id = json.loads(sent.stdout)["message_id"]
    for _ in range(20):
        got = mastertech("mail", "fetch", "--site", lab.site.name, "--user", rcpt, "--protocol", "pop3",
                         "--delete", "--json")  # fmt: skip
        assert got.returncode == 0, got.stdout + got.stderr
        ids = [m["message_id"] for m in json.loads(got.stdout)["messages"]]
        if message_id in ids:
            break
    assert message_id in ids
    refused = mastertech("mail", "send", "--site", lab.site.name, "--from", sender, "--to",
                         "someone@example.org")  # fmt: skip
    assert refused.returncode == 1 and "refused at RCPT TO" in refused.stdout, refused.stdout
