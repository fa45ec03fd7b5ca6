"""The Ansible inventory export and the playbooks' syntax, without any host to talk to."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from automation.ansible import PLAYBOOKS_DIR, export_inventory, write_inventory
from automation.ansible.runner import _Collector
from automation.models import load_site
from automation.render.linux import server_context

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = str(Path(sys.executable).parent)


def _env() -> dict[str, str]:
    return {**os.environ, "PATH": f"{VENV_BIN}:{os.environ.get('PATH', '')}", "ANSIBLE_NOCOLOR": "1"}


def test_inventory_layout_and_endpoints() -> None:
    site = load_site(ROOT / "inventory" / "mastertech")
    inv = export_inventory(site, endpoints={"DNS": ("127.0.0.1", 40001), "R1": ("127.0.0.2", 40002)})
    children = inv["all"]["children"]
    servers = children["servers"]
    assert set(servers["hosts"]) == {"DNS", "MAIL", "WEB"}
    assert servers["children"] == {
        "dns_servers": {"hosts": {"DNS": None}},
        "mail_servers": {"hosts": {"MAIL": None}},
        "web_servers": {"hosts": {"WEB": None}},
    }
    dns = servers["hosts"]["DNS"]
    assert (dns["ansible_host"], dns["ansible_port"]) == ("127.0.0.1", 40001)
    assert servers["hosts"]["MAIL"]["ansible_host"] == "192.168.40.20", "no endpoint: the design address"
    for key, value in server_context(site, "DNS").items():
        assert dns[key] == value, f"host var {key} is not the renderer's context"
    assert "lookup('mastertech_secret', 'server_username')" in servers["vars"]["ansible_user"]
    assert "'server_password'" in servers["vars"]["ansible_password"], "servers have their own password"
    assert "'enable_secret'" in children["routers"]["vars"]["ansible_become_password"]
    assert "lookup('mastertech_secret'" in servers["vars"]["ansible_password"]
    assert set(children) == {"servers", "routers", "switches"}
    assert children["routers"]["vars"]["ansible_network_os"] == "cisco.ios.ios"
    assert children["routers"]["hosts"]["R1"]["ansible_port"] == 40002


def test_written_inventory_parses_with_ansible_and_holds_no_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MASTERTECH_PASSWORD", "unit-test-secret-value")
    site = load_site(ROOT / "inventory" / "lab06")
    path = write_inventory(site, tmp_path, endpoints={"MAIL": ("127.0.0.1", 2222)})
    assert "unit-test-secret-value" not in path.read_text()
    assert (tmp_path / "configs" / "SW1.cfg").read_text().startswith("hostname SW1")
    out = subprocess.run(
        ["ansible-inventory", "-i", str(path), "--list"],
        capture_output=True, text=True, env=_env(), check=True, timeout=60,
    )  # fmt: skip
    listed = json.loads(out.stdout)
    assert listed["mail_servers"]["hosts"] == ["MAIL"]
    assert listed["dns_servers"]["hosts"] == ["DNS"]
    # Site values are tagged unsafe: Ansible lists them as such and never templates them.
    assert listed["_meta"]["hostvars"]["MAIL"]["mt_mail"]["domain"] == {"__ansible_unsafe": "mail.com"}
    loader = type("UnsafeLoader", (yaml.SafeLoader,), {})
    loader.add_constructor("!unsafe", lambda ld, node: ld.construct_scalar(node))
    assert yaml.load(path.read_text(), Loader=loader)["all"]["vars"]["mt_site"] == "lab06"


@pytest.mark.parametrize("playbook", ["site.yml", "dns.yml", "mail.yml", "web.yml", "network.yml"])
def test_playbooks_pass_syntax_check(playbook: str, tmp_path: Path) -> None:
    site = load_site(ROOT / "inventory" / "mastertech")
    inv = write_inventory(site, tmp_path)
    proc = subprocess.run(
        ["ansible-playbook", "--syntax-check", "-i", str(inv), playbook],
        cwd=PLAYBOOKS_DIR, capture_output=True, text=True, env=_env(), check=False, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "WARNING" not in proc.stderr, proc.stderr


def test_progress_events_hide_no_log_output() -> None:
    seen = []
    collector = _Collector(seen.append)
    collector({"event": "playbook_on_task_start", "event_data": {"task": "Mail users"}})
    collector(
        {
            "event": "runner_on_failed",
            "event_data": {"task": "Mail users", "host": "MAIL", "res": {"censored": "hidden", "msg": "x"}},
        }
    )
    collector(
        {"event": "runner_on_ok", "event_data": {"task": "t", "host": "MAIL", "res": {"changed": True}}}
    )
    assert [e.kind for e in seen] == ["task", "failed", "changed"]
    assert seen[1].message == "output hidden (no_log)"
    assert collector.changed == {"MAIL": ["t"]}
