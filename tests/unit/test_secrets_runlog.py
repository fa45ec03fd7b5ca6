"""Run logs: secrets masked in every form IOS prints them; files and folders private from the start."""

from __future__ import annotations

import doctest
import json
import os
import stat
from pathlib import Path

import pytest

import automation.runlog as runlog
from automation.runlog import MASK, mask, open_log_dir, write_json


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("username admin privilege 15 secret 9 $9$abcdefgh$xyz", "username admin privilege 15 secret 9 "),
        ("username bob secret 5 $1$mERr$hx5rVt7rPNoS4wqbXKX7m0", "username bob secret 5 "),
        ("username bob password 7 0822455D0A16", "username bob password 7 "),
        ("username bob password clear-text", "username bob password "),
        ("enable secret 9 $9$abc$def", "enable secret 9 "),
        ("enable secret Clear-1", "enable secret "),
        ("enable password 7 0822455D0A16", "enable password 7 "),
        (" password 7 0822455D0A16", " password 7 "),
        (" ip ospf message-digest-key 1 md5 7 0822455D0A16", " ip ospf message-digest-key 1 md5 7 "),
        (" key-string 7 0822455D0A16", " key-string 7 "),
    ],
)
def test_every_secret_form_is_masked(line: str, expected: str) -> None:
    assert mask(line) == expected + MASK


@pytest.mark.parametrize(
    "line",
    [
        "no service password-encryption",
        "service password-encryption",
        "crypto key generate rsa modulus 2048",
        "% Bad secrets",
        "Password: ",
        "interface GigabitEthernet0/1",
    ],
)
def test_ordinary_lines_stay(line: str) -> None:
    assert mask(line) == line


def test_a_hash_alone_is_masked_too() -> None:
    assert "$9$" not in mask('"note": "$9$abcdefghijklmn$0123456789"')


def test_log_folder_is_0700_and_json_0600_masked(tmp_path: Path) -> None:
    old = os.umask(0)  # even a permissive umask must not widen them
    try:
        logs = open_log_dir(tmp_path / "out" / "logs", "site", "deploy")
        second = open_log_dir(tmp_path / "out" / "logs", "site", "deploy")
        write_json(logs / "deploy.json", {"hosts": [{"commands": ["enable secret 9 $9$a$b"]}]})
    finally:
        os.umask(old)
    assert logs != second
    assert stat.S_IMODE(logs.stat().st_mode) == 0o700
    assert stat.S_IMODE((logs / "deploy.json").stat().st_mode) == 0o600
    data = json.loads((logs / "deploy.json").read_text())
    assert data == {"hosts": [{"commands": [f"enable secret 9 {MASK}"]}]}


def test_a_planted_link_is_not_followed(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere"
    target.write_text("keep")
    (tmp_path / "deploy.json").symlink_to(target)
    with pytest.raises(OSError):
        write_json(tmp_path / "deploy.json", {})
    assert target.read_text() == "keep"


def test_docstring_examples() -> None:
    result = doctest.testmod(runlog)
    assert result.attempted > 0 and result.failed == 0
