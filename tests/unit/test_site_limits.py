"""Limits on what a site's files can cost: size, time, and the number and length of error lines.

A 32 MB inventory once took minutes and gigabytes and printed 600k lines; now a file above 1 MB is
refused unread, the largest file we do read is handled in seconds, and a mistake repeated
thousands of times prints a few examples and a count.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from test_site_files import run_render

from automation.errors import MAX_LINE_CHARS, MAX_LINES, PER_CAUSE, SiteError, printable, summarize
from automation.inventory import PROJECT_INVENTORY
from automation.models import load_site
from automation.models.files import MAX_FILE_BYTES


def copy_site(tmp_path: Path, name: str = "mastertech") -> Path:
    site = tmp_path / "inv" / name
    shutil.copytree(PROJECT_INVENTORY / name, site)
    return site


def append_hosts(site: Path, entry: str, budget: int = MAX_FILE_BYTES - 10_000) -> int:
    """Append numbered host entries to hosts.yaml up to about `budget` bytes; the number written."""
    path = site / "hosts.yaml"
    text = path.read_text()
    parts = [text]
    size, i = len(text), 0
    while size < budget:
        chunk = entry.format(i=i)
        parts.append(chunk)
        size += len(chunk)
        i += 1
    path.write_text("".join(parts))
    return i


# --- the summary of many problems -------------------------------------------------------------


def test_repeats_are_dropped_and_each_cause_shows_a_few() -> None:
    same = [
        f"/s/hosts.yaml: H{i}.hostname: '10.1.{i}' is not an IPv4 address; write an address"
        for i in range(50)
    ]
    other = ["/s/site.yaml: vlans[0].id: VLAN 10 is defined twice; give each VLAN its own id"] * 3
    lines, total = summarize(same + other + same)
    assert total == 51
    assert lines[:PER_CAUSE] == same[:PER_CAUSE]
    assert lines[PER_CAUSE] == "/s/hosts.yaml: and 45 more like this; fix them the same way"
    assert lines[-1] == other[0]


def test_the_total_printed_is_bounded_across_causes() -> None:
    problems = [f"/s/f{i}.yaml: x: problem {i}; fix {i} by doing thing{i}" for i in range(500)]
    lines, total = summarize(problems)
    assert total == 500
    assert len(lines) == MAX_LINES + 1
    assert lines[-1] == f"/s: and {500 - MAX_LINES} more problem(s) not shown; fix the ones above first"


def test_long_lines_are_shortened_and_control_characters_escaped() -> None:
    lines, _ = summarize([f"/s/site.yaml: name: {'x' * 100_000}\x1b[2J\u202e; fix it"])
    assert len(lines[0]) <= MAX_LINE_CHARS
    assert "\x1b" not in lines[0] and "\u202e" not in lines[0]
    assert "\\x1b[2J\\u202e; fix it" in lines[0]


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\x1b]0;owned\x07", "\\x1b]0;owned\\x07"),
        ("a\rb\nc\td", "a\\rb\\nc\\td"),
        ("\u200bzero-width", "\\u200bzero-width"),
        ("\u2028line", "\\u2028line"),
        ("\x9bcsi", "\\x9bcsi"),
        ("Zürich – ok", "Zürich – ok"),
    ],
)
def test_printable_escapes_what_would_drive_a_terminal(raw: str, shown: str) -> None:
    assert printable(raw) == shown


# --- through the loader and the CLI -----------------------------------------------------------


def test_one_mistake_in_thousands_of_hosts_prints_a_few_lines(tmp_path: Path) -> None:
    site = copy_site(tmp_path)
    count = append_hosts(site, "S{i}:\n  hostname: 10.1.{i}\n  groups: [servers]\n")
    assert count > 10_000
    out = tmp_path / "out"
    started = time.monotonic()
    rc, stderr = run_render(str(site.parent), site.name, out)
    elapsed = time.monotonic() - started
    assert rc == 2, stderr
    assert "Traceback" not in stderr
    lines = stderr.splitlines()
    assert len(lines) <= MAX_LINES + 3
    assert f"and {count - PER_CAUSE} more like this" in stderr
    assert lines[-1] == f"{count} problem(s); nothing was touched."
    assert elapsed < 60, f"a 1 MB file took {elapsed:.0f} s"
    assert not out.exists()


def test_the_largest_file_read_is_handled_in_seconds(tmp_path: Path) -> None:
    # Valid entries, so every stage runs: parsing, the schemas and the cross-file checks.
    site = copy_site(tmp_path)
    entry = "S{i}:\n  hostname: 172.16.{hi}.{lo}\n  groups: [servers]\n  data: {{services: [web]}}\n"
    path = site / "hosts.yaml"
    with path.open("a") as f:
        i = 0
        while f.tell() < MAX_FILE_BYTES - 100:
            f.write(entry.format(i=i, hi=i // 250, lo=1 + i % 250))
            i += 1
    assert path.stat().st_size <= MAX_FILE_BYTES
    started = time.monotonic()
    with pytest.raises(SiteError) as info:
        load_site(site)
    elapsed = time.monotonic() - started
    assert elapsed < 30, f"{elapsed:.0f} s"
    assert "is outside every VLAN subnet" in info.value.problems[0]
    assert info.value.total >= i
    assert len(info.value.problems) <= MAX_LINES + 1


def test_a_file_one_byte_over_the_limit_is_refused_before_parsing(tmp_path: Path) -> None:
    site = copy_site(tmp_path)
    path = site / "topology.yaml"
    text = path.read_text()
    path.write_text(text + "#" * (MAX_FILE_BYTES - len(text.encode()) - 1) + "\n")
    assert path.stat().st_size == MAX_FILE_BYTES
    load_site(site)  # exactly at the limit: read
    path.write_text(text + "#" * (MAX_FILE_BYTES - len(text.encode())) + "\n")
    with pytest.raises(SiteError) as info:
        load_site(site)
    assert info.value.problems == [
        f"{path}: file is 1.00 MB ({MAX_FILE_BYTES + 1} bytes), above the 1 MB limit for an inventory "
        "file; split the site or remove what does not belong in it"
    ]


@pytest.mark.parametrize(
    ("file", "old", "new", "shown"),
    [
        (
            "topology.yaml",
            "{name: BE-PC2, department: Backend}",
            '{name: BE-PC2, department: "Backend\\e[2J\\e]0;owned\\a\\u202e"}',
            "unknown department 'Backend\\x1b[2J\\x1b]0;owned\\x07\\u202e'",
        ),
        ("hosts.yaml", "WEB:\n", '"EVIL\\e[31m":\n', "invalid host name 'EVIL\\x1b[31m'"),
        ("site.yaml", "{name: www,", '{name: "w\\e[5mw",', "'w\\x1b[5mw' is not a valid record name"),
    ],
)
def test_hostile_values_reach_the_terminal_escaped(
    file: str, old: str, new: str, shown: str, tmp_path: Path
) -> None:
    site = copy_site(tmp_path)
    path = site / file
    path.write_text(path.read_text().replace(old, new, 1))
    out = tmp_path / "out"
    rc, stderr = run_render(str(site.parent), site.name, out)
    assert rc == 2, stderr
    assert not set(stderr) & {"\x1b", "\x07", "\u202e"}, stderr
    assert shown in stderr
    assert not out.exists()


def test_a_huge_name_is_shortened_in_the_message(tmp_path: Path) -> None:
    site = copy_site(tmp_path)
    topology = site / "topology.yaml"
    name = "D" * 200_000
    topology.write_text(topology.read_text().replace("department: Backend}", f"department: {name}}}", 1))
    with pytest.raises(SiteError) as info:
        load_site(site)
    assert all(len(line) <= MAX_LINE_CHARS for line in info.value.problems)
    assert "characters cut" in info.value.problems[0]
