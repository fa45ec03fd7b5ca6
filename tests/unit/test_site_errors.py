"""Broken sites: every variant in tests/unit/broken/ is rejected with a clear line, and the CLI exits 2."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from test_site_files import run_render

from automation.errors import SiteError
from automation.inventory import PROJECT_INVENTORY
from automation.models import load_site

CASES = sorted((Path(__file__).parent / "broken").glob("*.yaml"))


def make_variant(case: Path, root: Path) -> Path:
    """Copy the case's site into root/<site> and apply its edits; a stale edit fails the test."""
    spec = yaml.safe_load(case.read_text())
    site_dir = root / spec["site"]
    shutil.copytree(PROJECT_INVENTORY / spec["site"], site_dir)
    for edit in spec["edits"]:
        path = site_dir / edit["file"]
        if edit.get("delete"):
            path.unlink()
        elif "content" in edit:
            path.write_text(edit["content"])
        else:
            old, new = edit["replace"]
            text = path.read_text()
            assert text.count(old) == 1, f"{case.name}: {old!r} must occur once in {edit['file']}"
            path.write_text(text.replace(old, new))
    return site_dir


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_broken_site_is_rejected_with_a_clear_message(case: Path, tmp_path: Path) -> None:
    site_dir = make_variant(case, tmp_path)
    with pytest.raises(SiteError) as info:
        load_site(site_dir)
    text = "\n".join(info.value.problems)
    spec = yaml.safe_load(case.read_text())
    for expected in spec["expect"]:
        assert expected in text
    if "problems" in spec:  # one mistake, one line: no follow-on errors from the same cause
        assert info.value.total == spec["problems"], text
    # Every line names a file of the site, so the user knows where to look.
    for line in info.value.problems:
        assert str(site_dir) in line, line


def test_there_are_at_least_fifteen_broken_variants() -> None:
    assert len(CASES) >= 15


def test_every_variant_says_what_it_breaks() -> None:
    for case in CASES:
        spec = yaml.safe_load(case.read_text())
        assert set(spec) <= {"description", "site", "edits", "expect", "problems"}, case.name
        assert spec["description"] and spec["expect"], case.name


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    site_dir = tmp_path / "mastertech"  # a copy of the real site with three things broken
    shutil.copytree(PROJECT_INVENTORY / "mastertech", site_dir)
    site = site_dir / "site.yaml"
    text = site.read_text()
    text = text.replace("{id: 20, name: FRONTEND", "{id: 10, name: FRONTEND")
    text = text.replace("{name: www, type: A, target: WEB}", "{name: www, type: A, target: NOWHERE}")
    text = text.replace("{name: bob, pc: BE-PC2}", "{name: alice, pc: BE-PC2}")
    site.write_text(text)
    with pytest.raises(SiteError) as info:
        load_site(site_dir)
    text = "\n".join(info.value.problems)
    assert "VLAN 10 is defined twice" in text
    assert "'NOWHERE' points at nothing" in text
    assert "duplicate mail user 'alice'" in text


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_cli_exits_2_with_error_lines_and_no_traceback(case: Path, tmp_path: Path) -> None:
    site_dir = make_variant(case, tmp_path / "inv")
    out = tmp_path / "out"
    returncode, stderr = run_render(str(site_dir.parent), site_dir.name, out)
    assert returncode == 2, stderr
    assert "Traceback" not in stderr
    assert "error: " in stderr
    assert not out.exists(), "nothing may be written for a bad site"
