"""Load a site directory into a validated, derived `Site`, or raise `SiteError` listing every problem."""

from __future__ import annotations

import re
from pathlib import Path

from automation.errors import SiteError
from automation.models.derive import derive_site
from automation.models.design import Site
from automation.models.files import SITE_FILES, M, read_yaml, validate_model
from automation.models.schema import Defaults, GroupEntry, HostEntry, SiteFile, SiteFiles, Topology

_NODE_NAME_FIX = "use a name of letters, digits, '-' and '_' that starts with a letter (at most 20)"


def _valid_node_name(name: str) -> bool:
    return bool(re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]{0,19}", name))


def _entries(
    model: type[M], data: object, path: Path, problems: list[str], named: str | None = None
) -> dict[str, M]:
    """A Nornir-style mapping of names to entries, each validated against `model`.

    `named` (e.g. "host") also checks each name, so a bad name is reported with the file's other
    schema problems, once, before anything refers to it.
    """
    if data is None:
        return {}
    if not isinstance(data, dict):
        problems.append(f"{path}: expected a mapping of names to entries; see inventory/README.md")
        return {}
    out: dict[str, M] = {}
    for key, value in data.items():
        if named and not _valid_node_name(key):
            problems.append(f"{path}: {key}: invalid {named} name {key!r}; {_NODE_NAME_FIX}")
            continue
        entry = validate_model(model, value, path, problems, (key,))
        if entry is not None:
            out[key] = entry
    return out


def load_site(directory: Path | str) -> Site:
    """Read, validate and derive the site in `directory` (e.g. inventory/mastertech)."""
    root = Path(directory)
    problems: list[str] = []
    try:
        is_dir = root.is_dir()
    except OSError as exc:  # e.g. a path too long for the file system
        raise SiteError(
            [f"{root}: cannot open the site directory ({exc.strerror}); check the path"]
        ) from None
    if not is_dir:
        raise SiteError([f"{root}: no such site directory; pass --site NAME or --inventory DIR"])
    raw = {name: read_yaml(root / name, problems) for name in SITE_FILES}
    hosts = _entries(HostEntry, raw["hosts.yaml"], root / "hosts.yaml", problems, named="host")
    groups = _entries(GroupEntry, raw["groups.yaml"], root / "groups.yaml", problems)
    defaults = (
        validate_model(Defaults, raw["defaults.yaml"], root / "defaults.yaml", problems)
        if raw["defaults.yaml"] is not None
        else None
    )
    topology = (
        validate_model(Topology, raw["topology.yaml"], root / "topology.yaml", problems)
        if raw["topology.yaml"] is not None
        else None
    )
    site = (
        validate_model(SiteFile, raw["site.yaml"], root / "site.yaml", problems)
        if raw["site.yaml"] is not None
        else None
    )
    if problems or defaults is None or topology is None or site is None:
        raise SiteError(problems)
    return derive_site(SiteFiles(root, hosts, groups, defaults, topology, site))
