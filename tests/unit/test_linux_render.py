"""Linux server files: both sites render, match their golden files and pass the real checkers.

The checkers are the daemons' own (named-checkconf, named-checkzone, nginx -t, doveconf, postfix
check). They run on a copy in a temporary directory whose server paths are rewritten to point into
it, so nothing on this host is read for state or written.

Regenerate the golden files after an intended template change:
    MASTERTECH_UPDATE_GOLDEN=1 .venv/bin/pytest tests/unit/test_linux_render.py
and review the diff (git diff tests/unit/golden/linux) before committing it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from automation.models import load_site
from automation.models.design import Site
from automation.render import linux
from automation.render.linux import render_server, server_context

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent / "golden" / "linux"
SITES = ("mastertech", "lab06")
UPDATE = os.environ.get("MASTERTECH_UPDATE_GOLDEN") == "1"


def _site(name: str) -> Site:
    return load_site(ROOT / "inventory" / name)


def _servers() -> list[tuple[str, str]]:
    return [(site, server.name) for site in SITES for server in _site(site).servers]


def _need(tool: str) -> str:
    path = shutil.which(tool) or next(
        (p for p in (f"/usr/sbin/{tool}", f"/usr/bin/{tool}") if Path(p).exists()), None
    )
    if path is None:
        pytest.skip(f"{tool} is not installed (scripts/install-debian-packages.sh installs it)")
    return path


def _run(*cmd: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, f"{' '.join(cmd)} failed:\n{result.stdout}\n{result.stderr}"
    return result


def _relocate(text: str, tmp: Path) -> str:
    """Point the server paths of a rendered file into tmp (the checkers then read only tmp)."""
    for prefix in (
        "/etc/bind/zones",
        "/var/cache/bind",
        "/var/log",
        "/etc/ssl/mastertech",
        "/etc/postfix",
        "/var/mail",
        "/var/www",
        "/var/spool/postfix",
        "/etc/dovecot",
    ):
        text = text.replace(prefix, f"{tmp}{prefix}")
    return text


@pytest.mark.parametrize(("site_name", "server"), _servers(), ids=lambda v: str(v))
def test_server_matches_golden(site_name: str, server: str) -> None:
    files = render_server(_site(site_name), server)
    assert files, f"{site_name}/{server} renders no files"
    base = GOLDEN / site_name / server
    if UPDATE:
        shutil.rmtree(base, ignore_errors=True)
        for dest, content in files.items():
            path = base / dest.lstrip("/")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")
    expected = {
        "/" + str(p.relative_to(base)): p.read_text(encoding="utf-8") for p in base.rglob("*") if p.is_file()
    }
    assert sorted(files) == sorted(expected), "file list differs from golden (see module docstring)"
    for dest, content in files.items():
        assert content == expected[dest], f"{dest} differs from golden (see module docstring)"


def test_services_render_where_designed() -> None:
    site = _site("mastertech")
    assert set(render_server(site, "DNS")) == {
        "/etc/resolv.conf",
        linux.BIND_OPTIONS,
        linux.BIND_LOCAL,
        "/etc/bind/zones/db.mastertech.com",
        "/etc/bind/zones/db.mt.com",
    }
    mail = render_server(site, "MAIL")
    assert linux.DOVECOT_USERS not in mail, "the passwd-file holds hashes: only the playbook writes it"
    assert "alice@mt.com\tmt.com/alice/" in mail[linux.POSTFIX_MAILBOXES]
    web = render_server(site, "WEB")
    assert "<h1>MasterTech</h1>" in web["/var/www/www.mastertech.com/index.html"]
    lab06 = _site("lab06")
    assert "mail.com" in render_server(lab06, "MAIL")[linux.POSTFIX_MAIN]
    assert server_context(lab06, "MAIL")["mt_web"] is None


def test_context_is_plain_data() -> None:
    import json

    for site_name, server in _servers():
        ctx = server_context(_site(site_name), server)
        assert json.loads(json.dumps(ctx)) == ctx
        assert all(key.startswith("mt_") for key in ctx)


def test_zone_serial_follows_content() -> None:
    site = _site("mastertech")
    assert site.dns is not None
    zone = site.dns.zones[0]
    changed = zone.model_copy(update={"records": zone.records[:1]})
    assert linux.zone_serial(zone) != linux.zone_serial(changed)
    assert linux.zone_serial(zone) == linux.zone_serial(zone.model_copy())


@pytest.mark.parametrize("site_name", SITES)
def test_bind_passes_named_checkconf_and_checkzone(site_name: str, tmp_path: Path) -> None:
    checkconf, checkzone = _need("named-checkconf"), _need("named-checkzone")
    site = _site(site_name)
    assert site.dns is not None
    files = render_server(site, site.dns.server)
    for dest, content in files.items():
        path = tmp_path / dest.lstrip("/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_relocate(content, tmp_path), encoding="utf-8")
    conf = tmp_path / "named.conf"
    conf.write_text(
        "".join(f'include "{tmp_path}{part}";\n' for part in (linux.BIND_OPTIONS, linux.BIND_LOCAL)),
        encoding="utf-8",
    )
    for needed in ("var/log/named", "var/cache/bind"):
        (tmp_path / needed).mkdir(parents=True)
    _run(checkconf, "-z", str(conf))
    for zone in server_context(site, site.dns.server)["mt_dns"]["zones"]:
        out = _run(checkzone, zone["name"], str(tmp_path / zone["file"].lstrip("/"))).stdout
        assert f"serial {zone['serial']}" in out


def _self_signed(tmp: Path, cert: str, key: str) -> None:
    for path in (cert, key):
        (tmp / path.lstrip("/")).parent.mkdir(parents=True, exist_ok=True)
    _run(
        _need("openssl"),
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=test",
        "-keyout",
        str(tmp / key.lstrip("/")),
        "-out",
        str(tmp / cert.lstrip("/")),
    )


@pytest.mark.parametrize("site_name", SITES)
def test_dovecot_passes_doveconf(site_name: str, tmp_path: Path) -> None:
    doveconf = _need("doveconf")
    site = _site(site_name)
    assert site.mail is not None
    ctx = server_context(site, site.mail.server)["mt_mail"]
    _self_signed(tmp_path, ctx["tls_cert"], ctx["tls_key"])
    conf = tmp_path / "dovecot.conf"
    conf.write_text(_relocate(render_server(site, site.mail.server)[linux.DOVECOT_CONF], tmp_path))
    out = _run(doveconf, "-n", "-c", str(conf))
    assert "warning" not in out.stderr.lower(), out.stderr
    assert f"auth_default_realm = {site.mail.domain}" in out.stdout


@pytest.mark.parametrize("site_name", SITES)
def test_postfix_passes_postconf_and_check(site_name: str, tmp_path: Path) -> None:
    postconf, postfix = _need("postconf"), _need("postfix")
    site = _site(site_name)
    assert site.mail is not None
    ctx = server_context(site, site.mail.server)["mt_mail"]
    _self_signed(tmp_path, ctx["tls_cert"], ctx["tls_key"])
    confdir = tmp_path / "etc/postfix"
    confdir.mkdir(parents=True, exist_ok=True)
    for dest, content in render_server(site, site.mail.server).items():
        if dest.startswith("/etc/postfix/"):
            (tmp_path / dest.lstrip("/")).write_text(_relocate(content, tmp_path), encoding="utf-8")
    # `postfix check` creates missing queue and data directories: keep them and the files it
    # reads about itself (meta_directory) inside tmp, never under the host's /var or /etc.
    meta = tmp_path / "meta"
    meta.mkdir()
    for name in ("postfix-files", "postfix-files.d", "dynamicmaps.cf", "dynamicmaps.cf.d"):
        src = Path("/etc/postfix") / name
        if src.is_dir():
            shutil.copytree(src, meta / name)
        elif src.exists():
            shutil.copy(src, meta / name)
    _run(
        postconf,
        "-c",
        str(confdir),
        "-e",
        f"queue_directory={tmp_path}/spool",
        f"data_directory={tmp_path}/data",
        f"meta_directory={meta}",
        "maillog_file=/dev/stdout",
        "maillog_file_prefixes=/dev/stdout",
    )
    (tmp_path / "spool").mkdir()
    out = _run(postconf, "-c", str(confdir), "-n")
    assert "warning" not in out.stderr.lower(), out.stderr
    assert f"virtual_mailbox_domains = {site.mail.domain}" in out.stdout
    masters = _run(postconf, "-c", str(confdir), "-M").stdout
    assert "submission inet" in masters and " y " not in masters.replace("\t", " ")
    if os.geteuid() != 0:
        pytest.skip("`postfix check` is reserved for root; postconf checks above passed")
    before = _snapshot()
    result = _run(postfix, "-c", str(confdir), "check")
    assert "warning" not in result.stderr.lower() or "group or other writable" in result.stderr, result.stderr
    assert _snapshot() == before, "postfix check touched the host's postfix directories"


def _snapshot() -> dict[str, float]:
    seen: dict[str, float] = {}
    for top in ("/etc/postfix", "/var/spool/postfix", "/var/lib/postfix"):
        base = Path(top)
        if base.exists():
            seen[top] = base.stat().st_mtime
            seen.update({str(p): p.lstat().st_mtime for p in base.rglob("*")})
    return seen


@pytest.mark.parametrize("site_name", ["mastertech"])
def test_nginx_passes_nginx_t(site_name: str, tmp_path: Path) -> None:
    nginx = _need("nginx")
    site = _site(site_name)
    assert site.web is not None
    ctx = server_context(site, site.web.server)["mt_web"]
    site_file = tmp_path / "site.conf"
    site_file.write_text(_relocate(render_server(site, site.web.server)[ctx["site_file"]], tmp_path))
    (tmp_path / "var/log/nginx").mkdir(parents=True)
    temps = "\n".join(
        f"    {kind}_temp_path {tmp_path}/{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n    access_log {tmp_path}/access.log;\n{temps}\n    include {site_file};\n}}\n"
    )
    _run(nginx, "-t", "-q", "-e", str(tmp_path / "error.log"), "-c", str(conf))
