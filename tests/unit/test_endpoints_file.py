"""The static target's endpoints file: validated like the inventory, every problem at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from automation.errors import SiteError, UsageError
from automation.inventory import PROJECT_INVENTORY
from automation.models import Site, load_site
from automation.providers import Endpoint
from automation.providers.endpoints_file import MAX_BYTES, format_endpoints_file, read_endpoints_file


@pytest.fixture(scope="module")
def lab06() -> Site:
    return load_site(PROJECT_INVENTORY / "lab06")


@pytest.fixture(scope="module")
def mastertech() -> Site:
    return load_site(PROJECT_INVENTORY / "mastertech")


def complete(site: Site) -> dict[str, Endpoint]:
    return {n.name: Endpoint("127.0.0.1", 40000 + i) for i, n in enumerate(site.nodes)}


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "endpoints.yaml"
    path.write_text(text)
    return path


def problems(path: Path, site: Site) -> list[str]:
    with pytest.raises(SiteError) as info:
        read_endpoints_file(path, site)
    assert all(p.startswith(f"{path}: ") for p in info.value.problems)
    return [p.removeprefix(f"{path}: ") for p in info.value.problems]


def test_the_written_file_reads_back(tmp_path: Path, lab06: Site) -> None:
    nodes = complete(lab06)
    path = write(tmp_path, format_endpoints_file("lab06", nodes, "a test"))
    assert read_endpoints_file(path, lab06).nodes == nodes


def test_every_problem_is_listed_naming_node_and_fix(tmp_path: Path, lab06: Site) -> None:
    text = """site: lab06
nodes:
  SW1: {host: 127.0.0.1, port: 2201}
  DNS: {host: 127.0.0.1, port: 2201}
  MAIL: {host: 127.0.0.1, port: 70000}
  PC0: {host: 127.0.0.1, port: 2204}
  PC9: {host: 127.0.0.1, port: 2209}
  PC0: {host: 127.0.0.1, port: 2205}
"""
    found = problems(write(tmp_path, text), lab06)
    joined = "\n".join(found)
    assert "line 8: PC0 is given twice" in joined  # a duplicate key
    assert any(p.startswith("nodes.PC9: no node 'PC9' in site lab06; remove it") for p in found)
    assert any(p.startswith("nodes.PC1: missing; add `PC1: {host: ..., port: 22}`") for p in found)
    assert any(p.startswith("nodes.MAIL.port: 70000 is not a TCP port") for p in found)
    assert "nodes.DNS: 127.0.0.1:2201 is also nodes.SW1; give each node its own endpoint" in found
    assert len(found) == 5


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("nodes: [1, 2\n", "not valid YAML"),
        ("- just\n- a list\n", "must be a mapping with `nodes:`"),
        ("site: lab06\n", "nodes: missing"),
        ("nodes: 3\n", "nodes: must be a mapping"),
        ("nodes:\n  SW1: 127.0.0.1\n", "nodes.SW1: must be a mapping {host: ..., port: ...}, not str"),
        ("nodes:\n  SW1: {host: 127.0.0.1, port: '22'}\n", "nodes.SW1.port: '22' is not a TCP port"),
        ("nodes:\n  SW1: {host: 127.0.0.1, port: true}\n", "nodes.SW1.port: True is not a TCP port"),
        ("nodes:\n  SW1: {host: 12, port: 22}\n", "nodes.SW1.host: 12 is not an IP address or DNS host name"),
        # What an SSH client would read as an option, or a shell as syntax, is no host.
        (
            "nodes:\n  SW1: {host: -oProxyCommand=id, port: 22}\n",
            "nodes.SW1.host: '-oProxyCommand=id' is not",
        ),
        ("nodes:\n  SW1: {host: 'a;id', port: 22}\n", "nodes.SW1.host: 'a;id' is not"),
        ('nodes:\n  SW1: {host: "r1\\x1b[2J", port: 22}\n', "nodes.SW1.host: 'r1\\x1b[2J' is not"),
        ("nodes:\n  SW1: {host: r1_.lab, port: 22}\n", "nodes.SW1.host: 'r1_.lab' is not"),
        (
            "nodes:\n  SW1: {host: h, port: 22, password: x}\n",
            "nodes.SW1: unknown key 'password'; credentials never",
        ),
        ("password: x\nnodes: {}\n", "unknown key 'password'; credentials never go in this file"),
        ("colour: red\nnodes: {}\n", "unknown key 'colour'; allowed keys: site, nodes, test_hosts"),
        ("site: mastertech\nnodes: {}\n", "site: 'mastertech' is not the site 'lab06'"),
    ],
)
def test_bad_files_are_refused(tmp_path: Path, lab06: Site, text: str, expected: str) -> None:
    assert any(expected in p for p in problems(write(tmp_path, text), lab06))


def test_missing_unreadable_and_too_big_files_name_the_path(tmp_path: Path, lab06: Site) -> None:
    with pytest.raises(UsageError, match=f"{tmp_path / 'nope.yaml'}: no such endpoints file"):
        read_endpoints_file(tmp_path / "nope.yaml", lab06)
    with pytest.raises(UsageError, match="not a file"):
        read_endpoints_file(tmp_path, lab06)
    big = write(tmp_path, "#" * (MAX_BYTES + 1))
    with pytest.raises(UsageError, match=f"{big}: .* too big"):
        read_endpoints_file(big, lab06)
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(UsageError, match="cannot read"):
        read_endpoints_file(binary, lab06)


def test_a_test_host_stands_in_for_a_departments_pcs(tmp_path: Path, mastertech: Site) -> None:
    nodes = {n: ep for n, ep in complete(mastertech).items() if not n.startswith("FE-")}
    text = format_endpoints_file("mastertech", nodes, "a test")
    text += "test_hosts:\n  Frontend: {host: 127.0.0.9, port: 22}\n"
    parsed = read_endpoints_file(write(tmp_path, text), mastertech)
    assert parsed.host_endpoint(mastertech, "FE-PC2") == Endpoint("127.0.0.9", 22)
    assert parsed.host_endpoint(mastertech, "BE-PC1") == nodes["BE-PC1"]
    bad = text.replace("Frontend:", "Sales:")
    found = problems(write(tmp_path, bad), mastertech)
    assert any(p.startswith("test_hosts.Sales: no department 'Sales'") for p in found)
    assert any("nodes.FE-PC1: missing" in p and "department Frontend" in p for p in found)
