"""Server nodes configured by the playbooks, checked from a client namespace like a PC would.

Per site: a private "switch" namespace with a bridge, one ServerNode per server and a client
namespace (names start with mt-srvtest-), all on the server's subnet. site.yml runs through
automation/ansible; the client then resolves names with the DNS server as its resolver, fetches
the web page, submits mail with SMTP AUTH on 587 and reads it over POP3 and IMAP. A second run of
site.yml must change nothing, and check mode must report no drift. Everything is removed in the
fixture's finalizer and that is verified: no namespace, no process, no mount left, host files
untouched.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from markupsafe import escape

from automation.ansible import PLAYBOOKS_DIR, write_inventory
from automation.ansible.runner import PlaybookResult, run_playbook
from automation.lab.servernode import ServerNode
from automation.models import load_site
from automation.models.design import Site
from automation.render.linux import render_server
from automation.secrets import device_credentials

pytestmark = [
    pytest.mark.lab,
    pytest.mark.skipif(os.geteuid() != 0, reason="server nodes need root (namespaces, mounts)"),
]

ROOT = Path(__file__).resolve().parents[2]
PREFIX = "mt-srvtest-"
CLIENT_ADDRESS = {"mastertech": "192.168.40.200/24", "lab06": "192.168.1.4/24"}
# Host files a server node must never write (it writes the same paths in its own root).
HOST_FILES = (
    "/etc/postfix/main.cf", "/etc/postfix/master.cf", "/etc/dovecot/dovecot.conf", "/etc/dovecot/users",
    "/etc/bind/named.conf.local", "/etc/bind/named.conf.options", "/etc/resolv.conf", "/etc/hostname",
    "/etc/hosts", "/etc/shadow", "/etc/passwd", "/etc/nginx/sites-enabled/default", "/usr/sbin/policy-rc.d",
)  # fmt: skip


def _sh(*argv: str, check: bool = True, input: str | None = None) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(argv, capture_output=True, text=True, input=input, timeout=120, check=False)
    if check and proc.returncode != 0:
        raise AssertionError(f"{' '.join(argv)}: {proc.stderr or proc.stdout}")
    return proc


def _fingerprint(path: str) -> str | None:
    p = Path(path)
    if not p.exists() and not p.is_symlink():
        return None
    data = os.readlink(p) if p.is_symlink() else p.read_bytes()
    return hashlib.sha256(str(data).encode() if isinstance(data, str) else data).hexdigest()


@dataclass
class ServerLab:
    site: Site
    work: Path
    tag: str
    nodes: dict[str, ServerNode] = field(default_factory=dict)
    runs: list[PlaybookResult] = field(default_factory=list)

    @property
    def client_ns(self) -> str:
        return f"{PREFIX}{self.tag}-client"

    def endpoints(self) -> dict[str, tuple[str, int]]:
        return {name: node.ssh_endpoint() for name, node in self.nodes.items()}

    def client(self, code: str, payload: dict[str, Any] | None = None) -> Any:
        """Run Python in the client namespace, its resolver the site's DNS server; JSON in and out."""
        resolv = self.work / "client-resolv.conf"
        script = self.work / f"client-{uuid.uuid4().hex[:8]}.py"
        script.write_text(_CLIENT_PRELUDE + textwrap.dedent(code))
        # A private mount namespace puts the client's resolv.conf over /etc/resolv.conf, as a
        # DHCP client would write it, without touching the host's file.
        argv = [
            "nsenter", f"--net=/run/netns/{self.client_ns}", "--",
            "unshare", "--mount", "--propagation", "private", "--",
            "sh", "-c", 'mount --bind "$0" /etc/resolv.conf && exec "$@"', str(resolv),
            sys.executable, str(script),
        ]  # fmt: skip
        proc = _sh(*argv, input=json.dumps(payload or {}))
        return json.loads(proc.stdout.strip().splitlines()[-1])


_CLIENT_PRELUDE = """\
import json, sys
ARGS = json.loads(sys.stdin.read() or "{}")
def out(value):
    print(json.dumps(value))
"""


# Site data is data: the web title is hostile on purpose (a command lookup, a secret lookup, an
# unbalanced Jinja block and markup). The page must show it as text and nothing may run.
HOSTILE_TITLE = (
    "MasterTech {{ lookup('pipe', 'touch MARKER') }} {{ lookup('mastertech_secret', 'device_password') }}"
    " <script>alert(1)</script> & {% raw %}"
)


def _site_dir(site_name: str, tmp: Path) -> Path:
    """The site's inventory; mastertech's copy carries the hostile web title."""
    if site_name != "mastertech":
        return ROOT / "inventory" / site_name
    copy = tmp / "inventory" / site_name
    shutil.copytree(ROOT / "inventory" / site_name, copy)
    site_yaml = copy / "site.yaml"
    title = HOSTILE_TITLE.replace("MARKER", str(tmp / "pwned"))
    quoted = '"' + title.replace("\\", "\\\\").replace('"', '\\"') + '"'
    site_yaml.write_text(site_yaml.read_text().replace("  title: MasterTech\n", f"  title: {quoted}\n"))
    return copy


def _build(site_name: str, tmp: Path) -> ServerLab:
    site = load_site(_site_dir(site_name, tmp))
    tag = f"{site_name[:6]}{os.getpid() % 1000}"
    lab = ServerLab(site=site, work=tmp, tag=tag)
    sw = f"{PREFIX}{tag}-sw"
    _sh("ip", "netns", "add", sw)
    _sh("ip", "-n", sw, "link", "add", "br0", "type", "bridge")
    _sh("ip", "-n", sw, "link", "set", "br0", "up")
    members = [
        (server.name, f"{PREFIX}{tag}-{server.name.lower()}", str(server.address)) for server in site.servers
    ]
    members.append(("client", lab.client_ns, CLIENT_ADDRESS[site_name]))
    for i, (_, ns, address) in enumerate(members):
        _sh("ip", "netns", "add", ns)
        _sh("ip", "-n", ns, "link", "set", "lo", "up")
        _sh("ip", "link", "add", f"p{i}", "netns", sw, "type", "veth", "peer", "name", "eth0", "netns", ns)
        _sh("ip", "-n", sw, "link", "set", f"p{i}", "master", "br0", "up")
        _sh("ip", "-n", ns, "addr", "add", address, "dev", "eth0")
        _sh("ip", "-n", ns, "link", "set", "eth0", "up")
    dns = site.dns.address if site.dns else None
    (tmp / "client-resolv.conf").write_text(f"search {site.domain}\nnameserver {dns}\n")
    for server in site.servers:
        node = ServerNode(name=server.name, netns=f"{PREFIX}{tag}-{server.name.lower()}", lab_dir=tmp / "lab",
                          design=server)  # fmt: skip
        lab.nodes[server.name] = node
        node.start()
    return lab


def _teardown(lab: ServerLab) -> None:
    for node in lab.nodes.values():
        node.stop()
    ServerNode.cleanup(lab.work / "lab")
    for ns in _sh("ip", "netns", "list").stdout.split():
        if ns.startswith(f"{PREFIX}{lab.tag}-"):
            _sh("ip", "netns", "del", ns, check=False)


@pytest.fixture(scope="module", params=["mastertech", "lab06"])
def server_lab(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerLab]:
    site_name: str = request.param
    tmp = tmp_path_factory.mktemp(f"servers-{site_name}")
    env = pytest.MonkeyPatch()
    # A throwaway vault: the nodes' root password and the mail passwords are generated into it.
    env.setenv("MASTERTECH_VAULT", str(tmp / "vault.yaml"))
    env.delenv("MASTERTECH_PASSWORD", raising=False)
    before = {path: _fingerprint(path) for path in HOST_FILES}
    lab: ServerLab | None = None
    try:
        lab = _build(site_name, tmp)
        yield lab
    finally:
        if lab is not None:
            _teardown(lab)
        env.undo()
        left = [ns for ns in _sh("ip", "netns", "list").stdout.split() if ns.startswith(PREFIX)]
        assert not left, f"namespaces left: {left}"
        mounts = Path("/proc/self/mountinfo").read_text()
        assert str(tmp) not in mounts, "a server node mount leaked into the root mount namespace"
        assert {path: _fingerprint(path) for path in HOST_FILES} == before, "a host file changed"
        if lab is not None:
            for node in lab.nodes.values():
                assert not (node.state_dir / "node.json").exists()


def _site_run(lab: ServerLab, **kwargs: Any) -> PlaybookResult:
    events: list[str] = []
    result = run_playbook(
        lab.site, "site.yml", endpoints=lab.endpoints(), data_dir=lab.work,
        on_event=lambda e: events.append(e.kind), **kwargs,
    )  # fmt: skip
    assert "task" in events, "no progress was streamed"
    lab.runs.append(result)
    return result


# -- the tests, in order: they share one lab per site ---------------------------------------


def test_site_playbook_configures_every_server(server_lab: ServerLab) -> None:
    result = _site_run(server_lab)
    failed = {h.host: h.failed_tasks for h in result.hosts if not h.succeeded}
    assert result.ok, f"site.yml failed ({result.status}): {failed}"
    assert {h.host for h in result.hosts} == set(server_lab.nodes)
    assert all(h.changed > 0 for h in result.hosts)
    print(f"\nsite.yml first run on {server_lab.site.name}: {result.seconds:.1f} s")


def test_files_on_servers_are_the_rendered_ones(server_lab: ServerLab) -> None:
    for name, node in server_lab.nodes.items():
        for dest, content in render_server(server_lab.site, name).items():
            assert node.host_path(dest).read_text() == content, f"{name}:{dest} differs from render_server"


def test_names_resolve_through_the_dns_server(server_lab: ServerLab) -> None:
    site = server_lab.site
    assert site.dns is not None and site.mail is not None
    wanted = {f"{r.name}.{z.name}" if r.name != "@" else z.name: r.value
              for z in site.dns.zones for r in z.records if r.type == "A"}  # fmt: skip
    answers = server_lab.client(
        """
        import dns.resolver
        res = dns.resolver.Resolver()   # reads the client's /etc/resolv.conf
        a = {name: [r.address for r in res.resolve(name, "A")] for name in ARGS["names"]}
        mx = [(r.preference, r.exchange.to_text()) for r in res.resolve(ARGS["domain"], "MX")]
        out({"a": a, "mx": mx, "nameservers": res.nameservers})
        """,
        {"names": sorted(wanted), "domain": site.mail.domain},
    )
    assert answers["nameservers"] == [str(site.dns.address)]
    assert answers["a"] == {name: [value] for name, value in wanted.items()}
    assert answers["mx"] == [[10, f"{site.mail.hostname}."]]
    if site.name == "mastertech":
        assert "www.mastertech.com" in wanted and "mail.mt.com" in wanted


def test_web_page_shows_the_company(server_lab: ServerLab) -> None:
    web = server_lab.site.web
    if web is None:
        pytest.skip(f"site {server_lab.site.name} has no web server")
    page = server_lab.client(
        """
        import urllib.request
        with urllib.request.urlopen(f"http://{ARGS['host']}/", timeout=10) as resp:
            out({"status": resp.status, "body": resp.read().decode()})
        """,
        {"host": web.hostname},
    )
    assert page["status"] == 200
    assert f"<h1>{escape(web.title)}</h1>" in page["body"], "the title must show as text, escaped"
    assert "<script>" not in page["body"]
    assert not (server_lab.work / "pwned").exists(), "a lookup in the site data ran a command"
    assert device_credentials().password not in page["body"], "a secret reached the web page"


_MAIL_CLIENT = """
import imaplib, poplib, smtplib, ssl, time, uuid
from email.message import EmailMessage
host, domain = ARGS["host"], ARGS["domain"]
sender, rcpt = ARGS["sender"], ARGS["rcpt"]
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE   # the lab's self-signed certificate
result = {}
subject = "lab " + uuid.uuid4().hex
msg = EmailMessage()
msg["From"], msg["To"], msg["Subject"] = f"{sender}@{domain}", f"{rcpt}@{domain}", subject
msg["Message-ID"] = f"<{uuid.uuid4().hex}@{domain}>"
msg.set_content("Hello from the server lab test.")

def send_raw(s, rcpt_to):
    s.sendmail(f"{sender}@{domain}", [rcpt_to], "Subject: x\\n\\nx")

def refused(fn):
    try:
        fn()
    except (smtplib.SMTPException, poplib.error_proto, imaplib.IMAP4.error) as exc:
        return str(exc)[:200] or exc.__class__.__name__
    return None

with smtplib.SMTP(host, 587, timeout=20) as s:
    s.starttls(context=ctx)
    result["auth_wrong"] = refused(lambda: s.login(sender, ARGS["sender_pw"] + "-wrong"))
with smtplib.SMTP(host, 587, timeout=20) as s:
    s.starttls(context=ctx)
    s.login(sender, ARGS["sender_pw"])
    result["refused_on_587"] = s.send_message(msg)
    result["relay_587"] = refused(lambda: send_raw(s, "someone@example.org"))
with smtplib.SMTP(host, 25, timeout=20) as s:
    result["relay_25"] = refused(lambda: send_raw(s, "someone@example.org"))
with smtplib.SMTP(host, 587, timeout=20) as s:
    s.starttls(context=ctx)
    result["unauth_587"] = refused(lambda: send_raw(s, f"{rcpt}@{domain}"))

# IMAP first (it leaves the message), then POP3 reads and deletes it.
deadline = time.time() + 20
found = []
while time.time() < deadline and not found:
    imap = imaplib.IMAP4(host, 143, timeout=20)
    imap.starttls(ssl_context=ctx)
    imap.login(rcpt, ARGS["rcpt_pw"])
    imap.select("INBOX")
    typ, data = imap.search(None, "SUBJECT", f'"{subject}"')
    found = data[0].split()
    imap.logout()
    if not found:
        time.sleep(0.2)
result["imap_hits"] = len(found)
imap = imaplib.IMAP4(host, 143, timeout=20)
imap.starttls(ssl_context=ctx)
result["imap_wrong"] = refused(lambda: imap.login(rcpt, ARGS["rcpt_pw"] + "-wrong"))

pop = poplib.POP3(host, 110, timeout=20)
pop.stls(context=ctx)
pop.user(rcpt)
pop.pass_(ARGS["rcpt_pw"])
count, _ = pop.stat()
matches = []
for i in range(1, count + 1):
    lines = pop.retr(i)[1]
    if any(line.decode(errors="replace") == f"Subject: {subject}" for line in lines):
        matches.append(i)
for i in matches:
    pop.dele(i)
pop.quit()
result["pop3_hits"] = len(matches)
pop = poplib.POP3(host, 110, timeout=20)
pop.user(rcpt)
result["pop3_wrong"] = refused(lambda: pop.pass_(ARGS["rcpt_pw"] + "-wrong"))
pop = poplib.POP3(host, 110, timeout=20)
pop.user(rcpt)
pop.pass_(ARGS["rcpt_pw"])
result["pop3_after_delete"] = sum(
    1 for i in range(1, pop.stat()[0] + 1)
    if any(l.decode(errors="replace") == f"Subject: {subject}" for l in pop.retr(i)[1])
)
pop.quit()
out(result)
"""


def test_mail_submitted_with_auth_arrives_once(server_lab: ServerLab) -> None:
    from automation.secrets import mail_password

    site = server_lab.site
    assert site.mail is not None
    sender, rcpt = ("alice", "erin") if site.name == "mastertech" else ("client1", "client2")
    res = server_lab.client(
        _MAIL_CLIENT,
        {
            "host": site.mail.hostname, "domain": site.mail.domain, "sender": sender, "rcpt": rcpt,
            "sender_pw": mail_password(sender), "rcpt_pw": mail_password(rcpt),
        },
    )  # fmt: skip
    assert res["refused_on_587"] == {}, "the server refused a local recipient"
    assert res["imap_hits"] == 1, "the message is not in the recipient's IMAP inbox exactly once"
    assert res["pop3_hits"] == 1, "the message is not in the recipient's POP3 mailbox exactly once"
    assert res["pop3_after_delete"] == 0, "POP3 DELE did not remove the message"
    for key in ("auth_wrong", "imap_wrong", "pop3_wrong"):
        assert res[key], f"{key}: a wrong password was accepted"
    for key in ("relay_25", "relay_587", "unauth_587"):
        assert res[key] and (
            "Relay access denied" in res[key] or "Access denied" in res[key] or "554" in res[key]
        ), f"{key}: expected a refusal, got {res[key]!r}"


def test_second_run_changes_nothing(server_lab: ServerLab) -> None:
    result = _site_run(server_lab)
    assert result.ok
    changed = {h.host: h.changed_tasks for h in result.hosts if h.changed}
    assert not changed, f"second run changed: {changed}"
    print(f"\nsite.yml second run on {server_lab.site.name}: {result.seconds:.1f} s")


def test_check_mode_sees_no_drift_then_sees_a_local_edit(server_lab: ServerLab) -> None:
    clean = _site_run(server_lab, check=True, diff=True)
    assert clean.ok and clean.changed == 0, [h.changed_tasks for h in clean.hosts]
    mail = server_lab.site.mail
    assert mail is not None
    node = server_lab.nodes[mail.server]
    main_cf = node.host_path("/etc/postfix/main.cf")
    original = main_cf.read_text()
    node.run(["sh", "-c", "echo 'mynetworks = 0.0.0.0/0' >> /etc/postfix/main.cf"])
    try:
        drift = _site_run(server_lab, check=True, diff=True)
        # The template shows the drift; the handler it notifies reports what a real run would do.
        expected = {"Postfix configuration and mailbox map", "Reload postfix"}
        assert set(drift.host(mail.server).changed_tasks) == expected
        assert all(h.changed == 0 for h in drift.hosts if h.host != mail.server)
        assert main_cf.read_text().endswith("0.0.0.0/0\n"), "check mode must not change the server"
    finally:
        fix = _site_run(server_lab)
        assert fix.ok and main_cf.read_text() == original


def test_ansible_playbook_by_hand_with_exported_inventory(server_lab: ServerLab) -> None:
    inv = write_inventory(server_lab.site, server_lab.work / "by-hand", endpoints=server_lab.endpoints(),
                          with_ios_configs=False)  # fmt: skip
    text = inv.read_text()
    from automation.secrets import device_credentials, enable_secret, server_credentials

    for secret in (device_credentials().password, server_credentials().password, enable_secret()):
        assert secret not in text, "the exported inventory holds a secret"
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
           "ANSIBLE_SSH_CONTROL_PATH_DIR": str(server_lab.work / "by-hand-cp")}  # fmt: skip
    ansible_playbook = shutil.which("ansible-playbook", path=env["PATH"])
    assert ansible_playbook
    t0 = time.monotonic()
    proc = subprocess.run(
        [ansible_playbook, "-i", str(inv), "site.yml"], cwd=PLAYBOOKS_DIR, env=env,
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    for sock in (server_lab.work / "by-hand-cp").glob("*"):
        subprocess.run(
            ["ssh", "-o", f"ControlPath={sock}", "-O", "exit", "x"], capture_output=True, check=False
        )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    recap = proc.stdout[proc.stdout.rfind("PLAY RECAP") :]
    assert "changed=0" in recap and "failed=0" in recap and "unreachable=0" in recap, recap
    print(f"\nansible-playbook by hand: {time.monotonic() - t0:.1f} s")
