"""The endpoints file of the `static` target: where each node of a lab the user built answers SSH.

```yaml
site: mastertech              # optional; when present it must name the site
nodes:                        # every router, switch, server and PC of the site
  R1: {host: 10.255.0.1, port: 22}
  BE-PC1: {host: 192.0.2.51, port: 22}
test_hosts:                   # optional: one host per department instead of its PCs
  Frontend: {host: 192.0.2.60, port: 2222}
```

No credentials: the devices take MASTERTECH_USERNAME / MASTERTECH_PASSWORD (or the vault), the
servers, PCs and test hosts MASTERTECH_SERVER_USERNAME (default root) / MASTERTECH_SERVER_PASSWORD
(or the vault's `server_password`). The file is read like the inventory:
every problem at once, each naming the node and the fix, and nothing is touched.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from automation.errors import SiteError, UsageError, printable
from automation.models.design import Site
from automation.providers.base import Endpoint

MAX_BYTES = 1_000_000  # an endpoints file is a few lines per node; anything bigger is a mistake
TOP_KEYS = ("site", "nodes", "test_hosts")
ENTRY_KEYS = ("host", "port")
SECRET_WORDS = ("password", "secret", "user", "username", "key", "token")
NO_SECRETS = "credentials never go in this file: use MASTERTECH_USERNAME / MASTERTECH_PASSWORD or the vault"


@dataclass(frozen=True)
class EndpointsFile:
    """A validated endpoints file: every node's endpoint, and the department test hosts."""

    path: Path
    nodes: dict[str, Endpoint]
    test_hosts: dict[str, Endpoint] = field(default_factory=dict)

    def host_endpoint(self, site: Site, name: str) -> Endpoint | None:
        """Where a PC's probes run: its own entry, else its department's test host."""
        if name in self.nodes:
            return self.nodes[name]
        pc = next((p for p in site.pcs if p.name == name), None)
        if pc is not None and pc.department is not None:
            return self.test_hosts.get(pc.department)
        return None


class _Loader(yaml.SafeLoader):
    """Safe YAML that records a key given twice in one mapping instead of keeping the last."""

    duplicates: list[str]

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Hashable, Any]:
        seen: set[object] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, Hashable) and key in seen:
                self.duplicates.append(
                    f"line {key_node.start_mark.line + 1}: {key} is given twice; keep one entry per node"
                )
            if isinstance(key, Hashable):
                seen.add(key)
        return super().construct_mapping(node, deep=deep)


def read_endpoints_file(path: Path, site: Site) -> EndpointsFile:
    """Read and validate `path` against `site`; SiteError lists every problem, UsageError a bad path."""
    text = _read_text(path)
    loader = _Loader(text)
    loader.duplicates = []
    try:
        data = loader.get_single_data()
    except yaml.YAMLError as exc:
        raise SiteError([f"{path}: not valid YAML ({exc}); fix the syntax"]) from exc
    finally:
        loader.dispose()
    problems = list(loader.duplicates)
    parsed = _parse(data, site, problems)
    if problems:
        raise SiteError([f"{path}: {p}" for p in problems])
    nodes, test_hosts = parsed
    return EndpointsFile(path, nodes, test_hosts)


def _read_text(path: Path) -> str:
    hint = "write one with `mastertech lab endpoints --format static --out FILE`, or see the README"
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise UsageError(f"{path}: no such endpoints file; {hint}") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the endpoints file ({exc.strerror})") from exc
    if not path.is_file():
        raise UsageError(f"{path}: not a file; give the endpoints file (YAML)")
    if size > MAX_BYTES:
        raise UsageError(f"{path}: {size} bytes is too big for an endpoints file (at most {MAX_BYTES})")
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read the endpoints file ({exc})") from exc


def _parse(data: object, site: Site, problems: list[str]) -> tuple[dict[str, Endpoint], dict[str, Endpoint]]:
    if not isinstance(data, dict):
        problems.append("must be a mapping with `nodes:` (and optionally `site:`, `test_hosts:`)")
        return {}, {}
    for key in data:
        if key not in TOP_KEYS:
            hint = NO_SECRETS if _secret(key) else f"allowed keys: {', '.join(TOP_KEYS)}"
            problems.append(f"unknown key {key!r}; {hint}")
    if "site" in data and data["site"] != site.name:
        problems.append(f"site: {data['site']!r} is not the site {site.name!r}; fix `site:` or use --site")
    nodes = _entries(data.get("nodes"), "nodes", problems, required=True)
    departments = {p.department for p in site.pcs if p.department}
    test_hosts = _entries(data.get("test_hosts"), "test_hosts", problems, required=False)
    names = {n.name for n in site.nodes}
    for name in nodes:
        if name not in names:
            problems.append(
                f"nodes.{name}: no node {name!r} in site {site.name}; remove it "
                f"(nodes: {', '.join(sorted(names))})"
            )
    for dept in test_hosts:
        if dept not in departments:
            problems.append(
                f"test_hosts.{dept}: no department {dept!r} in site {site.name}; "
                f"use one of {', '.join(sorted(departments)) or '(none: list the PCs under nodes)'}"
            )
    given = set(data["nodes"]) if isinstance(data.get("nodes"), dict) else set()  # valid or not
    for node in site.nodes:
        if node.name in given:
            continue
        pc = next((p for p in site.pcs if p.name == node.name), None)
        if pc is not None and pc.department in test_hosts:
            continue
        also = (
            f", or a test host for department {pc.department} under test_hosts"
            if pc and pc.department
            else ""
        )
        problems.append(
            f"nodes.{node.name}: missing; add `{node.name}: {{host: ..., port: 22}}` under nodes{also}"
        )
    seen: dict[Endpoint, str] = {}
    for where, entries in (("nodes", nodes), ("test_hosts", test_hosts)):
        for name, endpoint in entries.items():
            other = seen.setdefault(endpoint, f"{where}.{name}")
            if other != f"{where}.{name}":
                problems.append(
                    f"{where}.{name}: {endpoint.host}:{endpoint.port} is also {other}; "
                    "give each node its own endpoint"
                )
    return nodes, test_hosts


def _entries(raw: object, where: str, problems: list[str], *, required: bool) -> dict[str, Endpoint]:
    if raw is None:
        if required:
            problems.append(f"{where}: missing; map every node to {{host: ..., port: ...}}")
        return {}
    if not isinstance(raw, dict):
        problems.append(f"{where}: must be a mapping of names to {{host: ..., port: ...}}")
        return {}
    out: dict[str, Endpoint] = {}
    for name, entry in raw.items():
        label = f"{where}.{name}"
        if not isinstance(name, str):
            problems.append(f"{label}: a name must be text; quote it")
            continue
        endpoint = _endpoint(label, entry, problems)
        if endpoint is not None:
            out[name] = endpoint
    return out


def _endpoint(label: str, entry: object, problems: list[str]) -> Endpoint | None:
    if not isinstance(entry, dict):
        problems.append(f"{label}: must be a mapping {{host: ..., port: ...}}, not {type(entry).__name__}")
        return None
    before = len(problems)
    for key in entry:
        if key not in ENTRY_KEYS:
            hint = NO_SECRETS if _secret(key) else "only host and port"
            problems.append(f"{label}: unknown key {key!r}; {hint}")
    host, port = entry.get("host"), entry.get("port", 22)
    if not isinstance(host, str) or not is_host(host):
        problems.append(
            f"{label}.host: {printable(repr(host))[:80]} is not an IP address or DNS host name; "
            "give one, e.g. host: 192.0.2.1"
        )
    if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
        problems.append(f"{label}.port: {port!r} is not a TCP port; use a number from 1 to 65535")
    if len(problems) > before:
        return None
    assert isinstance(host, str) and isinstance(port, int)
    return Endpoint(host, port)


_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_HOST_NAME = re.compile(rf"(?=.{{1,253}}$){_LABEL}(?:\.{_LABEL})*\.?")


def is_host(text: str) -> bool:
    """An IP address or an RFC 1123 host name: nothing an SSH client could read as an option
    (`-oProxyCommand=...`) or a shell as syntax.

    >>> [is_host(h) for h in ("192.0.2.1", "::1", "r1.lab.example", "-oProxyCommand=x", "a b", "")]
    [True, True, True, False, False, False]
    """
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return _HOST_NAME.fullmatch(text) is not None
    return True


def _secret(key: object) -> bool:
    return isinstance(key, str) and any(word in key.lower() for word in SECRET_WORDS)


def format_endpoints_file(site: str, nodes: dict[str, Endpoint], source: str) -> str:
    """The text of an endpoints file, nodes in the order given.

    >>> print(format_endpoints_file("lab06", {"SW1": Endpoint("127.0.0.1", 22)}, "a test"), end="")
    # Endpoints of a test (written by `mastertech lab endpoints --format static`).
    # Use it with: mastertech up --site lab06 --target static --endpoints THIS-FILE
    # No credentials here: MASTERTECH_USERNAME / MASTERTECH_PASSWORD or the vault provide them.
    site: lab06
    nodes:
      SW1: {host: 127.0.0.1, port: 22}
    """
    lines = [
        f"# Endpoints of {source} (written by `mastertech lab endpoints --format static`).",
        f"# Use it with: mastertech up --site {site} --target static --endpoints THIS-FILE",
        "# No credentials here: MASTERTECH_USERNAME / MASTERTECH_PASSWORD or the vault provide them.",
        f"site: {site}",
        "nodes:",
    ]
    lines += [f"  {name}: {{host: {ep.host}, port: {ep.port}}}" for name, ep in nodes.items()]
    return "\n".join(lines) + "\n"
