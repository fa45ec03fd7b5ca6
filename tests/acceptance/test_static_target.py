"""The whole main job on the `static` target, against the embedded lab seen as a lab the user built.

The embedded lab of each site writes its endpoints file (`lab endpoints --format static`); then
`up`, `check`, `verify` and `drift` run with `--target static --endpoints F` in a private mount
namespace where /run/netns is an empty tmpfs and no `ip` program is on the PATH. The same
commands on the embedded target fail there, which proves that the static runs passed without
touching a namespace: every device, server and PC was reached over SSH on its endpoint.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import MASTERTECH, ROOT, SiteLab, mastertech

from automation.checks.mail_trip import mail_pair
from automation.models.design import Site
from automation.secrets import server_credentials

SITES = ["mastertech", "lab06"]
SYSTEM_BIN = ("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")
# Runs the rest of argv in its own mount namespace with /run/netns hidden under an empty tmpfs.
HIDE_NETNS = 'mkdir -p /run/netns && mount -t tmpfs mt-no-netns /run/netns && exec "$@"'


@dataclass
class StaticLab:
    lab: SiteLab
    endpoints: Path
    no_ip_path: str

    @property
    def site(self) -> Site:
        return self.lab.site

    def isolated(self, *args: str) -> subprocess.CompletedProcess[str]:
        """`mastertech ARGS` where no lab namespace can be entered: none is visible, no `ip` exists."""
        argv = ["unshare", "--mount", "--propagation", "private", "sh", "-c", HIDE_NETNS, "sh",
                "env", f"PATH={self.no_ip_path}", str(MASTERTECH), *args]  # fmt: skip
        return subprocess.run(
            argv, capture_output=True, text=True, timeout=900, cwd=ROOT, env={**os.environ, "COLUMNS": "200"}
        )

    def static(self, *args: str, endpoints: Path | None = None) -> list[str]:
        return [
            *args,
            "--site",
            self.site.name,
            "--target",
            "static",
            "--endpoints",
            str(endpoints or self.endpoints),
        ]


def _path_without_ip(folder: Path) -> str:
    """The venv's bin, then every system program but `ip` linked into one folder."""
    folder.mkdir()
    for directory in SYSTEM_BIN:
        for program in Path(directory).glob("*"):
            if program.name != "ip" and not (folder / program.name).exists():
                (folder / program.name).symlink_to(program)
    return f"{MASTERTECH.parent}:{folder}"


@pytest.fixture(scope="module", params=SITES)
def static_lab(
    request: pytest.FixtureRequest,
    site_lab: Callable[[str], SiteLab],
    tmp_path_factory: pytest.TempPathFactory,
) -> StaticLab:
    if shutil.which("unshare") is None:
        pytest.skip("unshare (util-linux) is needed to hide the namespaces")
    lab = site_lab(request.param)
    assert lab.up.get("ok") is True, lab.up_output[-4000:]
    work = tmp_path_factory.mktemp(f"static-{request.param}")
    endpoints = work / "endpoints.yaml"
    proc = mastertech(
        "lab", "endpoints", "--site", request.param, "--format", "static", "--out", str(endpoints)
    )
    assert proc.returncode == 0, proc.stderr
    return StaticLab(lab, endpoints, _path_without_ip(work / "bin"))


def _document(proc: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    try:
        data: dict[str, Any] = json.loads(proc.stdout)
    except json.JSONDecodeError:
        raise AssertionError(
            f"no JSON (exit {proc.returncode}): {proc.stdout[-2000:]}{proc.stderr[-2000:]}"
        ) from None
    return data


def test_the_endpoints_file_names_every_node(static_lab: StaticLab) -> None:
    text = static_lab.endpoints.read_text()
    for node in static_lab.site.nodes:
        assert f"  {node.name}: {{host: 127." in text, node.name
    assert "password" not in text.replace("MASTERTECH_PASSWORD", "")


def test_namespaces_are_out_of_reach_in_the_isolated_runs(static_lab: StaticLab) -> None:
    """The control: on the embedded target the same check cannot run there."""
    proc = static_lab.isolated("check", "--site", static_lab.site.name, "--json")
    assert proc.returncode != 0
    document = _document(proc)
    assert document["ok"] is False and not any(r["ok"] for r in document["results"])


def test_up_on_the_static_target_passes_every_stage(static_lab: StaticLab) -> None:
    proc = static_lab.isolated(*static_lab.static("up", "--json"))
    document = _document(proc)
    assert proc.returncode == 0 and document["ok"] is True, document
    names = [s["name"] for s in document["stages"]]
    servers = ["configure servers"] if static_lab.site.servers else []
    assert names == ["validate", "lab up", "deploy devices", *servers, "verify", "end-to-end check"]
    assert "target static" in document["stages"][0]["detail"]
    assert all(s["error"] is None for s in document["stages"])


@pytest.mark.parametrize("verb", ["check", "verify", "drift"])
def test_check_verify_and_drift_pass_on_the_static_target(static_lab: StaticLab, verb: str) -> None:
    proc = static_lab.isolated(*static_lab.static(verb, "--json"))
    document = _document(proc)
    assert proc.returncode == 0 and document["ok"], [r for r in document["results"] if not r["ok"]]
    hosts = {r["host"] for r in document["results"]}
    if verb == "check":
        assert {pc.name for pc in static_lab.site.pcs} <= hosts
    if verb == "drift":
        assert set(static_lab.site.devices()) | {s.name for s in static_lab.site.servers} == hosts


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def _with_endpoint(static_lab: StaticLab, node: str, port: int, path: Path) -> Path:
    lines = []
    for line in static_lab.endpoints.read_text().splitlines():
        if line.startswith(f"  {node}: "):
            line = f"  {node}: {{host: 127.0.0.1, port: {port}}}"
        lines.append(line)
    path.write_text("\n".join(lines) + "\n")
    return path


def test_a_pc_that_does_not_answer_fails_its_own_checks(static_lab: StaticLab, tmp_path: Path) -> None:
    site = static_lab.site
    pair = mail_pair(site)
    assert pair is not None
    victim = site.pcs[-1].name  # the last PC: the only one in some checks, the recipient in lab06
    endpoints = _with_endpoint(static_lab, victim, _closed_port(), tmp_path / "endpoints.yaml")
    proc = mastertech(*static_lab.static("check", "--json", endpoints=endpoints))
    document = _document(proc)
    assert proc.returncode == 1 and document["ok"] is False
    failed = [r for r in document["results"] if not r["ok"]]
    assert failed and {r["host"] for r in failed} == {victim}
    assert all(victim in r["detail"] for r in failed), failed
    assert any(r["name"] == "check_lease" and "cannot log in over SSH" in r["detail"] for r in failed)
    # The rest still ran: every other PC's lease and reachability passed.
    passed = {(r["name"], r["host"]) for r in document["results"] if r["ok"]}
    for pc in site.pcs:
        if pc.name != victim:
            assert ("check_lease", pc.name) in passed and ("check_reachability", pc.name) in passed


@pytest.fixture
def wrong_server_password(static_lab: StaticLab) -> Iterator[str]:
    """The MAIL server's root password changed behind the toolkit's back, restored afterwards."""
    server = next(s.name for s in static_lab.site.servers if "mail" in s.services)
    state = (
        Path(os.environ["MASTERTECH_LAB_DIR"])
        / static_lab.site.name
        / "run"
        / "servers"
        / server
        / "node.json"
    )
    pid1 = json.loads(state.read_text())["pid1"]

    def chpasswd(password: str) -> None:
        argv = ["nsenter", f"--target={pid1}", "--mount", "--uts", "--ipc", "--net", "--pid", "--root",
                "--wd=/", "--", "chpasswd"]  # fmt: skip
        subprocess.run(argv, input=f"root:{password}\n", text=True, check=True, capture_output=True)

    chpasswd("Not-the-lab-password-1")
    try:
        yield server
    finally:
        chpasswd(server_credentials().password)


def test_a_server_with_a_wrong_password_fails_alone(
    static_lab: StaticLab, wrong_server_password: str
) -> None:
    proc = mastertech(*static_lab.static("drift", "--json"))
    document = _document(proc)
    assert proc.returncode == 1
    failed = [r for r in document["results"] if not r["ok"]]
    assert [r["host"] for r in failed] == [wrong_server_password]
    others = {r["host"] for r in document["results"] if r["ok"]}
    assert set(static_lab.site.devices()) <= others


def test_a_bad_endpoints_file_lists_every_problem_and_touches_nothing(
    static_lab: StaticLab, tmp_path: Path
) -> None:
    site = static_lab.site
    lines = static_lab.endpoints.read_text().splitlines()
    missing = site.nodes[-1].name
    first = site.nodes[0].name
    bad = [line for line in lines if not line.startswith(f"  {missing}: ")]
    bad.append("  GHOST: {host: 127.0.0.1, port: 2299}")  # not in the site
    bad.append(f"  {first}: {{host: 127.0.0.1, port: 99999}}")  # a bad port, and a duplicate key
    path = tmp_path / "bad.yaml"
    path.write_text("\n".join(bad) + "\n")
    logs = tmp_path / "logs"
    proc = mastertech(*static_lab.static("up", "--log-dir", str(logs), endpoints=path))
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    for expected in (
        f"{first} is given twice",
        "nodes.GHOST: no node 'GHOST'",
        f"nodes.{missing}: missing",
        f"nodes.{first}.port: 99999 is not a TCP port",
    ):
        assert expected in proc.stderr, proc.stderr
    assert "nothing was touched" in proc.stderr
    assert not logs.exists()  # no deploy started
    document = _document(
        mastertech(*static_lab.static("up", "--json", "--log-dir", str(logs), endpoints=path))
    )
    assert document["ok"] is False and [s["name"] for s in document["stages"]] == ["validate"]
    assert "GHOST" in document["stages"][0]["error"]
