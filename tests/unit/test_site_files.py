"""A site's files that cannot be read as text or YAML: exit 2 with the path and what to do, never a traceback.

Every case goes through the real console script on a copy of inventory/mastertech. Tests run as
root, where chmod cannot make a file unreadable, so unreadable files are a folder or a FIFO where
the file should be, or an os.open that fails.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from automation.errors import SiteError
from automation.inventory import PROJECT_INVENTORY
from automation.models import load_site
from automation.models.files import MAX_FILE_BYTES

MASTERTECH_CLI = Path(sys.executable).parent / "mastertech"

Edit = Callable[[Path], None]


def run_render(inventory: str, site: str, out: Path, env: dict[str, str] | None = None) -> tuple[int, str]:
    proc = subprocess.run(
        [str(MASTERTECH_CLI), "render", "--inventory", inventory, "--site", site, "--out", str(out)],
        capture_output=True,
        text=True,
        errors="replace",
        timeout=60,
        env={**os.environ, "COLUMNS": "300", **(env or {})},
    )
    return proc.returncode, proc.stderr


def assert_refused(rc: int, stderr: str, out: Path, *expected: str) -> None:
    assert rc == 2, stderr
    assert "Traceback" not in stderr, stderr
    assert "error: " in stderr
    for text in expected:
        assert text in stderr, stderr
    assert "\x1b" not in stderr, "input reached the terminal raw"
    assert not out.exists(), "nothing may be written for a bad site"


def write_bytes(name: str, data: bytes) -> Edit:
    def edit(site: Path) -> None:
        (site / name).write_bytes(data)

    return edit


def replace_with(name: str, make: Callable[[Path], None]) -> Edit:
    def edit(site: Path) -> None:
        (site / name).unlink()
        make(site / name)

    return edit


def _deep_mapping(levels: int) -> bytes:
    return b"".join(b"  " * i + b"k:\n" for i in range(levels)) + b"  " * levels + b"v\n"


def _sparse(path: Path, size: int) -> None:
    """A file that claims `size` bytes without using the disk: the limit must hold before reading."""
    with path.open("wb") as f:
        f.truncate(size)


def _billion_laughs() -> bytes:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    return ("\n".join(lines) + "\n").encode()


TITLE = "  title: MasterTech\n"
SITE_TEXT = (PROJECT_INVENTORY / "mastertech" / "site.yaml").read_text()

CASES: dict[str, tuple[Edit, str, list[str]]] = {
    # name: (edit, file named in the message, what the message says)
    "latin1": (
        write_bytes("site.yaml", SITE_TEXT.replace(TITLE, "  title: Caf\u00e9\n").encode("latin-1")),
        "site.yaml",
        ["is not UTF-8 (byte 0xe9 at line", "save it as UTF-8"],
    ),
    "windows_1252_quotes": (
        write_bytes("topology.yaml", b"pcs:\n  - {name: \x93BE-PC1\x94}\n"),
        "topology.yaml",
        ["is not UTF-8 (byte 0x93 at line 2, column 12", "save it as UTF-8"],
    ),
    "utf16_with_bom": (
        write_bytes("hosts.yaml", "R1:\n  hostname: 10.255.0.1\n".encode("utf-16")),
        "hosts.yaml",
        ["is UTF-16 text (it starts with a byte order mark); save it as UTF-8"],
    ),
    "utf16_le_without_bom": (
        write_bytes("site.yaml", SITE_TEXT.encode("utf-16-le")),
        "site.yaml",
        ["holds NUL bytes, so it is UTF-16/UTF-32 or not text at all; save it as UTF-8"],
    ),
    "utf16_be_without_bom": (
        write_bytes("groups.yaml", b"\x00r\x00o\x00u\x00t\x00e\x00r\x00s\x00:\x00\n"),
        "groups.yaml",
        ["holds NUL bytes"],
    ),
    "utf32_with_bom": (
        write_bytes("defaults.yaml", "port: 22\n".encode("utf-32")),
        "defaults.yaml",
        ["is UTF-32 text"],
    ),
    "binary": (
        write_bytes("topology.yaml", bytes(range(256)) * 4),
        "topology.yaml",
        ["holds NUL bytes"],
    ),
    "raw_escape_sequence": (
        write_bytes("site.yaml", SITE_TEXT.replace(TITLE, "  title: \x1b[2J\x1b[31mowned\n").encode()),
        "site.yaml",
        ["holds the control character '\\x1b' at line"],
    ),
    "list_as_key": (
        write_bytes("hosts.yaml", b"? [R1, R2]\n: {hostname: 10.255.0.1, groups: [routers]}\n"),
        "hosts.yaml",
        ["a key is a list; keys are names"],
    ),
    "mapping_as_key": (
        write_bytes("groups.yaml", b"? {a: 1}\n: {platform: linux}\n"),
        "groups.yaml",
        ["a key is a mapping; keys are names"],
    ),
    "number_as_key": (
        write_bytes("hosts.yaml", b"10:\n  hostname: 10.255.0.1\n  groups: [routers]\n"),
        "hosts.yaml",
        ["key '10' is read as a number, not a name; quote it"],
    ),
    "deep_flow_nesting": (
        write_bytes("site.yaml", b"[" * 1000),
        "site.yaml",
        ["nested more than 32 levels deep at line 1"],
    ),
    "deep_block_nesting": (
        write_bytes("topology.yaml", _deep_mapping(200)),
        "topology.yaml",
        ["nested more than 32 levels deep at line 33"],
    ),
    "alias_bomb": (
        write_bytes("defaults.yaml", _billion_laughs()),
        "defaults.yaml",
        ["aliases (*name) expand to more than 1000000 values"],
    ),
    "impossible_date": (
        write_bytes("defaults.yaml", b"port: 22\nsince: 2001-02-30\n"),
        "defaults.yaml",
        ["a value cannot be read (day is out of range for month); quote it if it is text"],
    ),
    "two_documents": (
        write_bytes("groups.yaml", b"a: 1\n---\nb: 2\n"),
        "groups.yaml",
        ["YAML syntax error at line 2, column 1"],
    ),
    "tab_indentation": (
        write_bytes("groups.yaml", b"routers:\n\tplatform: cisco_ios\n"),
        "groups.yaml",
        ["YAML syntax error at line 2"],
    ),
    "folder_instead_of_file": (
        replace_with("hosts.yaml", lambda p: p.mkdir()),
        "hosts.yaml",
        ["is a folder, not a file; replace it with the YAML file"],
    ),
    "fifo_instead_of_file": (
        replace_with("topology.yaml", lambda p: os.mkfifo(p)),
        "topology.yaml",
        ["is a FIFO, not a regular file"],
    ),
    "device_instead_of_file": (
        replace_with("site.yaml", lambda p: p.symlink_to("/dev/zero")),
        "site.yaml",
        ["is a device or socket, not a regular file"],
    ),
    "dangling_link": (
        replace_with("groups.yaml", lambda p: p.symlink_to(p.parent / "nowhere.yaml")),
        "groups.yaml",
        ["file is missing; create it"],
    ),
    "link_loop": (
        replace_with("defaults.yaml", lambda p: p.symlink_to(p)),
        "defaults.yaml",
        ["a symbolic link loop"],
    ),
    "too_big": (
        write_bytes("hosts.yaml", b"# padding\n" * (MAX_FILE_BYTES // 10 + 1)),
        "hosts.yaml",
        ["above the 1 MB limit for an inventory file; split the site"],
    ),
    "huge_sparse": (
        replace_with("site.yaml", lambda p: _sparse(p, 8 * 2**30)),
        "site.yaml",
        ["file is 8589.93 MB (8589934592 bytes), above the 1 MB limit"],
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_unreadable_file_is_exit_2_naming_the_path(name: str, tmp_path: Path) -> None:
    edit, file, expected = CASES[name]
    site = tmp_path / "inv" / "mastertech"
    shutil.copytree(PROJECT_INVENTORY / "mastertech", site)
    edit(site)
    out = tmp_path / "out"
    rc, stderr = run_render(str(site.parent), "mastertech", out)
    assert_refused(rc, stderr, out, f"mastertech/{file}: ", *expected)


def test_utf8_with_byte_order_mark_loads(tmp_path: Path) -> None:
    site = tmp_path / "mastertech"
    shutil.copytree(PROJECT_INVENTORY / "mastertech", site)
    (site / "site.yaml").write_bytes(b"\xef\xbb\xbf" + SITE_TEXT.encode())
    assert load_site(site).name == "mastertech"


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (errno.EACCES, "cannot be read (Permission denied); make it readable by this user"),
        (errno.EIO, "cannot be read (Input/output error); check the file and its folder"),
        (errno.ENAMETOOLONG, "the path is too long (File name too long)"),
    ],
)
def test_a_file_that_cannot_be_opened_is_a_problem(
    error: int, expected: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "mastertech"
    shutil.copytree(PROJECT_INVENTORY / "mastertech", site)
    real_open = os.open

    def failing_open(path: str | os.PathLike[str], flags: int, *args: int) -> int:
        if str(path).endswith("hosts.yaml"):
            raise OSError(error, os.strerror(error), str(path))
        return real_open(path, flags, *args)

    monkeypatch.setattr(os, "open", failing_open)
    with pytest.raises(SiteError) as info:
        load_site(site)
    assert any(p.startswith(f"{site / 'hosts.yaml'}: ") and expected in p for p in info.value.problems), (
        info.value.problems
    )


@pytest.mark.parametrize(
    ("site", "expected"),
    [
        ("../mastertech", "is not a site name"),
        ("mastertech/../lab06", "is not a site name"),
        ("..", "is not a site name"),
        (".", "is not a site name"),
        ("/etc", "is not a site name"),
        ("a" * 5000, "is not a site name"),
        ("site\x1b[31m", "is not a site name: a site is one folder of the inventory"),
        ("nosuchsite", "no site 'nosuchsite' in"),
    ],
)
def test_bad_site_name_is_exit_2(site: str, expected: str, tmp_path: Path) -> None:
    inventory = tmp_path / "inv"
    shutil.copytree(PROJECT_INVENTORY / "mastertech", inventory / "mastertech")
    out = tmp_path / "out"
    rc, stderr = run_render(str(inventory), site, out)
    assert_refused(rc, stderr, out, expected)
    assert len(stderr) < 1000, "a long name is shortened in the message"


def test_site_folder_that_is_a_file_is_exit_2(tmp_path: Path) -> None:
    (tmp_path / "inv").mkdir()
    (tmp_path / "inv" / "mastertech").write_text("not a folder\n")
    out = tmp_path / "out"
    rc, stderr = run_render(str(tmp_path / "inv"), "mastertech", out)
    assert_refused(rc, stderr, out, "no site 'mastertech' in", "holds no sites")


@pytest.mark.parametrize("how", ["option", "environment"])
def test_inventory_path_too_long_is_exit_2(how: str, tmp_path: Path) -> None:
    long_path = str(tmp_path / ("x" * 300) / ("y/" * 2100))
    out = tmp_path / "out"
    if how == "option":
        rc, stderr = run_render(long_path, "mastertech", out)
        expected = "--inventory "
    else:
        proc = subprocess.run(
            [str(MASTERTECH_CLI), "render", "--out", str(out)],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "MASTERTECH_INVENTORY": long_path},
        )
        rc, stderr = proc.returncode, proc.stderr
        expected = "the inventory "
    assert_refused(rc, stderr, out, expected, "cannot be used (File name too long)")


def test_inventory_that_is_not_a_folder_is_exit_2(tmp_path: Path) -> None:
    (tmp_path / "inv").write_text("")
    out = tmp_path / "out"
    rc, stderr = run_render(str(tmp_path / "inv"), "mastertech", out)
    assert_refused(rc, stderr, out, f"--inventory {tmp_path / 'inv'} is not a folder")
