"""Mail, DNS and web on the real embedded lab, checked from the PCs where the users sit.

The lab comes up with `mastertech up` (the session fixture in conftest.py: lab, deploy of the
routers and switches, site.yml for the servers through automation/ansible, verify), and then
each check runs inside a PC's
namespace with the resolver the PC got (DHCP on mastertech, static on lab06): the sender's PC
submits mail with SMTP AUTH on 587 and reads the recipient's mailbox over IMAP and POP3.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from automation.models.design import Site

pytestmark = [
    pytest.mark.acceptance,
    pytest.mark.skipif(os.geteuid() != 0, reason="the embedded lab needs root"),
]

ROOT = Path(__file__).resolve().parents[2]
CONVERGE_BUDGET = 90.0  # seconds for PCs to have a lease and a route to the servers


def _lab_clients() -> ModuleType:
    """The client scripts of the namespace lab test (one copy of them, not two)."""
    path = ROOT / "tests" / "lab" / "test_servers.py"
    spec = importlib.util.spec_from_file_location("_server_lab_clients", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@dataclass
class RunningLab:
    site: Site
    state: Any
    launcher: ModuleType
    work: Path

    def on_pc(self, pc: str, code: str, payload: dict[str, Any]) -> Any:
        clients = _lab_clients()
        script = self.work / f"client-{uuid.uuid4().hex[:8]}.py"
        script.write_text(clients._CLIENT_PRELUDE + code)
        argv = self.launcher.exec_argv(self.state, pc, [sys.executable, str(script)])
        proc = subprocess.run(argv, input=json.dumps(payload), capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, f"{pc}: {proc.stderr[-2000:]}"
        return json.loads(proc.stdout.strip().splitlines()[-1])


def _pc_of(site: Site, user: str) -> str:
    for pc in site.pcs:
        if pc.mail_user and pc.mail_user.split("@")[0] == user:
            return pc.name
    raise AssertionError(f"no PC for mail user {user}")


@pytest.fixture(scope="module", params=["lab06", "mastertech"])
def running_lab(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, site_lab: Any
) -> RunningLab:
    """The site's lab after `mastertech up` (lab, deploy, site.yml, verify), shared by the session."""
    from automation.lab import launcher

    lab = site_lab(request.param)
    assert lab.up.get("ok") is True, lab.up_output[-4000:]
    state = launcher.require_running(lab.site.name)
    return RunningLab(lab.site, state, launcher, tmp_path_factory.mktemp(f"acceptance-{lab.site.name}"))


_RESOLVE = """
import time, dns.resolver
deadline = time.time() + ARGS["budget"]
while True:
    try:
        res = dns.resolver.Resolver()
        out({"a": {n: [r.address for r in res.resolve(n, "A")] for n in ARGS["names"]},
             "mx": [(r.preference, r.exchange.to_text()) for r in res.resolve(ARGS["domain"], "MX")]})
        break
    except Exception as exc:
        if time.time() > deadline:
            out({"error": repr(exc)})
            break
        time.sleep(1)
"""


def test_names_resolve_from_every_pc(running_lab: RunningLab) -> None:
    site = running_lab.site
    assert site.mail is not None and site.dns is not None
    for pc in site.pcs:
        got = running_lab.on_pc(
            pc.name, _RESOLVE,
            {"names": [site.mail.hostname], "domain": site.mail.domain, "budget": CONVERGE_BUDGET},
        )  # fmt: skip
        assert "error" not in got, f"{pc.name}: {got}"
        assert got["a"][site.mail.hostname] == [str(site.mail.address)]
        assert got["mx"] == [[10, f"{site.mail.hostname}."]]


def test_web_page_from_a_pc(running_lab: RunningLab) -> None:
    web = running_lab.site.web
    if web is None:
        pytest.skip(f"site {running_lab.site.name} has no web server")
    page = running_lab.on_pc(
        running_lab.site.pcs[0].name,
        """
import urllib.request
with urllib.request.urlopen(f"http://{ARGS['host']}/", timeout=10) as resp:
    out({"status": resp.status, "body": resp.read().decode()})
""",
        {"host": web.hostname},
    )
    assert page["status"] == 200 and f"<h1>{web.title}</h1>" in page["body"]


def test_mail_from_pc_to_pc(running_lab: RunningLab) -> None:
    from automation.secrets import mail_password

    site = running_lab.site
    assert site.mail is not None
    sender, rcpt = ("alice", "erin") if site.name == "mastertech" else ("client1", "client2")
    t0 = time.monotonic()
    res = running_lab.on_pc(
        _pc_of(site, sender),
        _lab_clients()._MAIL_CLIENT,
        {
            "host": site.mail.hostname, "domain": site.mail.domain, "sender": sender, "rcpt": rcpt,
            "sender_pw": mail_password(sender), "rcpt_pw": mail_password(rcpt),
        },
    )  # fmt: skip
    assert res["refused_on_587"] == {}
    assert res["imap_hits"] == 1 and res["pop3_hits"] == 1 and res["pop3_after_delete"] == 0, res
    assert res["auth_wrong"] and res["imap_wrong"] and res["pop3_wrong"], res
    assert res["relay_25"] and res["relay_587"] and res["unauth_587"], res
    print(f"\nmail {sender} -> {rcpt} on {site.name}: {time.monotonic() - t0:.1f} s")
