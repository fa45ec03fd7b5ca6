"""Site data is data: a hostile value reaches the web page as inert text and never runs in Ansible.

The Ansible runs here are real (ansible and ansible-playbook from the venv) with a local
connection: the debug and template modules read the exported inventory exactly as a playbook run
against the servers would, and write only into pytest's temporary folder.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from markupsafe import escape

from automation.ansible import PLAYBOOKS_DIR, write_inventory
from automation.ansible.runner import _runner_env
from automation.inventory import PROJECT_INVENTORY
from automation.models import load_site
from automation.render.linux import LINUX_TEMPLATES, render_server

pytestmark = pytest.mark.unit

VENV_BIN = Path(sys.executable).parent
PASSWORD = "unit-test-device-password-4711"


def _hostile_titles(marker: Path) -> list[str]:
    return [
        f"{{{{ lookup('pipe', 'touch {marker}') }}}}",
        "{{ lookup('mastertech_secret', 'device_password') }}",
        "{% raw %}unbalanced",
        "{% for x in range(3) %}loop{% endfor %}",
        "<script>alert(document.cookie)</script> & \"quotes\" 'too'",
        "{{ 7 * 7 }} {# comment #}",
    ]


def _site_with_title(tmp_path: Path, title: str) -> Path:
    site_dir = tmp_path / "mastertech"
    shutil.copytree(PROJECT_INVENTORY / "mastertech", site_dir)
    path = site_dir / "site.yaml"
    text = path.read_text()
    assert text.count("  title: MasterTech\n") == 1
    # A YAML double-quoted scalar carries any title exactly.
    quoted = '"' + title.replace("\\", "\\\\").replace('"', '\\"') + '"'
    path.write_text(text.replace("  title: MasterTech\n", f"  title: {quoted}\n"))
    return site_dir


def _ansible(
    args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> subprocess.CompletedProcess[str]:
    monkeypatch.setenv("MASTERTECH_PASSWORD", PASSWORD)
    monkeypatch.setenv("MASTERTECH_VAULT", str(tmp_path / "vault.yaml"))
    # The json callback: what a module returned, exactly, to compare with what the site says.
    env = {
        **os.environ, **_runner_env(tmp_path / "run"),
        "ANSIBLE_LOAD_CALLBACK_PLUGINS": "1", "ANSIBLE_STDOUT_CALLBACK": "ansible.builtin.json",
    }  # fmt: skip
    for sub in ("cp", "tmp", "pc"):
        (tmp_path / "run" / sub).mkdir(parents=True, exist_ok=True)
    return subprocess.run(
        [str(VENV_BIN / "ansible"), *args], cwd=PLAYBOOKS_DIR, env=env,
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


@pytest.mark.parametrize("index", range(6))
def test_hostile_title_renders_as_inert_text(index: int, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    title = _hostile_titles(marker)[index]
    site = load_site(_site_with_title(tmp_path, title))
    page = next(c for d, c in render_server(site, "WEB").items() if d.endswith("index.html"))
    assert f"<h1>{escape(title)}</h1>" in page
    assert "<script>" not in page
    assert not marker.exists()


def test_hostile_title_is_data_to_ansible(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The exported inventory's values reach Ansible's modules verbatim: no lookup runs, no secret
    leaks into the page, and the page Ansible writes is the page the renderer makes."""
    marker = tmp_path / "pwned"
    titles = _hostile_titles(marker)
    title = " | ".join(titles)
    site = load_site(_site_with_title(tmp_path, title))
    # Loopback endpoints and a local connection (extra vars outrank the inventory's ssh): nothing
    # here ever leaves this machine.
    endpoints = {name: ("127.0.0.1", 22) for name in ("DNS", "MAIL", "WEB")}
    inventory = write_inventory(site, tmp_path / "inventory", endpoints=endpoints, with_ios_configs=False)
    assert "!unsafe" in inventory.read_text()

    shown = _ansible(
        ["WEB", "-i", str(inventory), "-e", "ansible_connection=local",
         "-m", "ansible.builtin.debug", "-a", "var=mt_web.title"],
        tmp_path, monkeypatch,
    )  # fmt: skip
    assert shown.returncode == 0, shown.stdout + shown.stderr
    seen = json.loads(shown.stdout)["plays"][0]["tasks"][0]["hosts"]["WEB"]["mt_web.title"]
    assert seen == title, "the title must reach Ansible exactly as it was written"

    page = tmp_path / "page" / "index.html"
    page.parent.mkdir()
    wrote = _ansible(
        [
            "WEB", "-i", str(inventory), "-e", "ansible_connection=local",
            "-e", f"ansible_python_interpreter={sys.executable}",
            "-m", "ansible.builtin.template",
            "-a", f"src={LINUX_TEMPLATES / 'nginx' / 'index.html.j2'} dest={page}",
        ],
        tmp_path, monkeypatch,
    )  # fmt: skip
    assert wrote.returncode == 0, wrote.stdout + wrote.stderr
    assert not marker.exists(), "a lookup in the site data ran a command"
    text = page.read_text()
    assert PASSWORD not in text
    assert "<script>" not in text
    assert text == next(c for d, c in render_server(site, "WEB").items() if d.endswith("index.html"))


def test_every_site_value_in_the_inventory_is_unsafe(tmp_path: Path) -> None:
    """Only the toolkit's own secret lookups may be templates; every host value is tagged."""
    site = load_site(PROJECT_INVENTORY / "mastertech")
    text = write_inventory(site, tmp_path, with_ios_configs=True).read_text()
    for line in text.splitlines():
        if ": " not in line or line.lstrip().startswith("#"):
            continue
        key, value = (part.strip() for part in line.split(": ", 1))
        if value in ("", "null") or value.lstrip("-").isdigit() or value in ("true", "false"):
            continue
        if "lookup('mastertech_secret'" in value or key.startswith("ansible_") or key == "mt_service_manager":
            continue
        assert value.startswith("!unsafe"), line
