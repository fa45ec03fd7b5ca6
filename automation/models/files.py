"""Reading a site's YAML files with errors that name the file, the line and the fix."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)

SITE_FILES: tuple[str, ...] = ("hosts.yaml", "groups.yaml", "defaults.yaml", "topology.yaml", "site.yaml")


class _UniqueKeyLoader(yaml.SafeLoader):
    """A SafeLoader that refuses duplicate mapping keys instead of keeping the last one."""


def _construct_mapping(
    loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False
) -> dict[Any, Any]:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"duplicate key {key!r} (first at line {seen[key] + 1})",
                key_node.start_mark,
            )
        seen[key] = key_node.start_mark.line
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_yaml(path: Path, problems: list[str]) -> Any:
    """Parse one YAML file; on failure append a clear problem and return None."""
    if not path.is_file():
        problems.append(f"{path}: file is missing; create it (see inventory/README.md for its fields)")
        return None
    text = path.read_text(encoding="utf-8")
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "somewhere"
        problems.append(f"{path}: YAML syntax error at {where}: {exc.problem}; fix the syntax there")
        return None
    except yaml.YAMLError as exc:
        problems.append(f"{path}: not valid YAML ({exc}); fix the syntax")
        return None
    if data is None:
        problems.append(f"{path}: file is empty; fill it in (see inventory/README.md)")
        return None
    return data


def field_path(loc: tuple[int | str, ...]) -> str:
    """Dotted path of a pydantic error location, list items by index.

    >>> field_path(("vlans", 2, "id"))
    'vlans[2].id'
    """
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(top level)"


def _fix_for(error_type: str, model: type[BaseModel], loc: tuple[int | str, ...]) -> str:
    if error_type == "extra_forbidden":
        return "remove it or correct its spelling"
    if error_type == "missing":
        return "add it"
    if error_type in {"greater_than_equal", "less_than_equal"} and loc and loc[-1] == "id":
        return "use a VLAN id from 1 to 4094"
    if error_type.startswith("ip_v4"):
        return "write an IPv4 address or network such as 192.168.10.0/24"
    if error_type == "string_pattern_mismatch":
        return "use letters, digits and '-' only, as the example sites do"
    return "correct the value"


def validate_model(
    model: type[M], data: Any, path: Path, problems: list[str], prefix: tuple[int | str, ...] = ()
) -> M | None:
    """Validate data against a schema; every error becomes a 'file: field: what; fix' line."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            loc = prefix + tuple(error["loc"])
            problems.append(
                f"{path}: {field_path(loc)}: {error['msg']}; {_fix_for(error['type'], model, loc)}"
            )
        return None
