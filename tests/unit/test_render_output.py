"""Render's output folder: replaced whole and atomically, never through a link, never a system folder."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest

from automation.errors import UsageError
from automation.inventory import PROJECT_INVENTORY
from automation.models import load_site
from automation.render import site as render_site_module
from automation.render.site import MARKER, render_site, rendered_files, write_output_file

pytestmark = pytest.mark.unit

CLI = Path(sys.executable).parent / "mastertech"


@pytest.fixture(scope="module")
def lab06():  # type: ignore[no-untyped-def]
    return load_site(PROJECT_INVENTORY / "lab06")


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CLI), *args], cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )


def test_render_writes_every_file_and_a_marker(lab06, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "lab06"
    written = render_site(lab06, out)
    expected = rendered_files(lab06)
    assert sorted(str(p.relative_to(out)) for p in written) == sorted(expected)
    for rel, content in expected.items():
        assert (out / rel).read_text() == content
    assert (out / MARKER).is_file()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "no staging folder left"


def test_stale_files_go_and_links_inside_are_replaced_not_followed(lab06, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "lab06"
    render_site(lab06, out)
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n")
    (out / "SW1.cfg").unlink()
    (out / "SW1.cfg").symlink_to(victim)  # a planted link where render writes
    (out / "OLD-SERVER").mkdir()
    (out / "OLD-SERVER" / "stale.conf").write_text("from a removed server\n")
    render_site(lab06, out)
    assert victim.read_text() == "keep me\n", "render wrote through a symlink"
    assert not (out / "SW1.cfg").is_symlink()
    assert (out / "SW1.cfg").read_text().startswith("hostname SW1")
    assert not (out / "OLD-SERVER").exists(), "a file no longer rendered was left behind"


def test_a_failed_render_leaves_the_previous_one_intact(
    lab06,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    out = tmp_path / "lab06"
    render_site(lab06, out)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    real_write = render_site_module._write
    calls = []

    def disk_full_on_third(root: Path, rel: str, content: str) -> None:
        calls.append(rel)
        if len(calls) == 3:
            raise OSError(errno.ENOSPC, "No space left on device", str(root / rel))
        real_write(root, rel, content)

    monkeypatch.setattr(render_site_module, "_write", disk_full_on_third)
    with pytest.raises(UsageError, match=r"No space left on device.*free some disk space"):
        render_site(lab06, out)
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert [p.name for p in tmp_path.iterdir()] == ["lab06"], "the staging folder was not removed"


def test_a_folder_render_did_not_make_is_refused(lab06, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "lab06"
    out.mkdir()
    (out / "notes.txt").write_text("mine\n")
    with pytest.raises(UsageError, match="holds files render did not make"):
        render_site(lab06, out)
    assert (out / "notes.txt").read_text() == "mine\n"


def test_the_site_folder_as_a_link_is_refused(lab06, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "lab06").symlink_to(elsewhere)
    with pytest.raises(UsageError, match="symbolic link"):
        render_site(lab06, tmp_path / "out" / "lab06")
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize("out", ["/", "/etc", "/usr/local", "/proc/self", "/sys/kernel", "/dev/shm"])
def test_system_folders_are_refused_before_anything_is_written(out: str, tmp_path: Path) -> None:
    proc = _cli("render", "--site", "lab06", "--out", out, cwd=tmp_path)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "system folder" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not Path(out, "lab06").exists()


@pytest.mark.parametrize("kind", ["file", "too-long", "under-a-file"])
def test_unusable_out_is_exit_2_with_the_path(kind: str, tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x")
    out = {"file": "afile", "too-long": "x" * 5000, "under-a-file": "afile/sub"}[kind]
    proc = _cli("render", "--site", "lab06", "--out", out, cwd=tmp_path)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    assert "--out" in proc.stderr
    assert (tmp_path / "afile").read_text() == "x"


def test_diagram_out_a_folder_or_a_link(lab06, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    proc = _cli("diagram", "--site", "lab06", "--out", str(tmp_path), cwd=tmp_path)
    assert proc.returncode == 2 and "is a folder" in proc.stderr, proc.stderr
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n")
    link = tmp_path / "lab06.svg"
    link.symlink_to(victim)
    write_output_file(link, "<svg/>\n")
    assert victim.read_text() == "keep me\n"
    assert not link.is_symlink() and link.read_text() == "<svg/>\n"
    assert os.stat(link).st_mode & 0o777 == 0o644
