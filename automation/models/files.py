"""Reading a site's YAML files with errors that name the file, the line and the fix.

Inventory files come from people in a hurry and sometimes from people who mean harm, so reading
never trusts them: the file must be a regular file of at most MAX_FILE_BYTES, UTF-8 text, nested at
most MAX_DEPTH deep, with aliases expanding to at most MAX_NODES values. Every way a file can fail
becomes one problem line; nothing here raises.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from automation.errors import shorten

M = TypeVar("M", bound=BaseModel)

SITE_FILES: tuple[str, ...] = ("hosts.yaml", "groups.yaml", "defaults.yaml", "topology.yaml", "site.yaml")

MAX_FILE_BYTES = 1_000_000  # the shipped sites' files are a few kB; 1 MB is hundreds of devices
MAX_DEPTH = 32  # the deepest inventory structure is 5 levels; parsing recurses per level
MAX_NODES = 1_000_000  # values after alias expansion: a few aliases must not become billions

# libyaml parses ~6 times faster than the pure Python parser; both build the same data.
_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# What YAML 1.1 allows in a stream (printable Unicode plus tab, LF, CR and NEL); anything else is a
# control character that has no business in an inventory and would garble an echoed message.
_NOT_YAML = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

_TYPE_WORDS = {str: "text", bool: "a boolean", int: "a number", float: "a number", type(None): "empty (null)"}


def kind_of(value: object) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return _TYPE_WORDS.get(type(value), f"a {type(value).__name__}")


class _UniqueKeyLoader(_BaseLoader):  # type: ignore[valid-type, misc]
    """A safe loader for inventories: keys are unique names, integers are plain decimal."""


def _construct_mapping(
    loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False
) -> dict[Any, Any]:
    seen: dict[str, int] = {}
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue  # `<<: *defaults` merges; its keys are checked where they were written
        if not isinstance(key_node, yaml.ScalarNode):
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"a key is {'a list' if isinstance(key_node, yaml.SequenceNode) else 'a mapping'}; "
                "keys are names: write `name: value`",
                key_node.start_mark,
            )
        key = loader.construct_object(key_node, deep=deep)
        if not isinstance(key, str):
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"key {key_node.value!r} is read as {kind_of(key)}, not a name; "
                f'quote it ("{key_node.value}") if it is a name',
                key_node.start_mark,
            )
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"duplicate key {key!r} (first at line {seen[key] + 1})",
                key_node.start_mark,
            )
        seen[key] = key_node.start_mark.line
    mapping: dict[Any, Any] = loader.construct_mapping(node, deep=deep)
    return mapping


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
# YAML 1.1 reads 010 as 8, 0x1A as 26, 1_0 as 10 and 1:30 as 90: a VLAN or port written that way
# would silently become another number. Only plain decimal is an integer here; the rest stays text,
# which the schemas then reject where a number is expected.
_INT_TAG = "tag:yaml.org,2002:int"
_UniqueKeyLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _INT_TAG]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}
_UniqueKeyLoader.add_implicit_resolver(
    _INT_TAG, re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789")
)


def _check_shape(text: str) -> str | None:
    """Why the YAML in `text` is too deep or expands too far, from its events (no recursion)."""
    depth = 0
    values = 0
    sizes: dict[str, int] = {}  # anchor -> values in the anchored node, aliases expanded
    open_: list[tuple[str | None, int]] = []  # open collections: (anchor, values so far)
    for event in yaml.parse(text, Loader=_BaseLoader):
        size = 0
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                line = event.start_mark.line + 1 if event.start_mark else 0
                return (
                    f"nested more than {MAX_DEPTH} levels deep at line {line}; "
                    "an inventory needs a few levels: flatten it"
                )
            open_.append((event.anchor, 1))
            values += 1
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
            anchor, size = open_.pop()
            if anchor is not None:
                sizes[anchor] = size
        elif isinstance(event, yaml.ScalarEvent):
            size = 1
            values += 1
            if event.anchor is not None:
                sizes[event.anchor] = 1
        elif isinstance(event, yaml.AliasEvent):
            size = sizes.get(event.anchor or "", 1)
            values += size
        if size and open_ and not isinstance(event, yaml.CollectionStartEvent):
            anchor, count = open_[-1]
            open_[-1] = (anchor, count + size)
        if values > MAX_NODES:
            return (
                f"its aliases (*name) expand to more than {MAX_NODES} values; "
                "write the values out instead of nesting aliases"
            )
    return None


def _open_error(path: Path, exc: OSError) -> str:
    """A file-system failure as 'path: what; what to do'."""
    reason = exc.strerror or str(exc)
    if exc.errno == errno.ENAMETOOLONG:
        return f"{shorten(str(path), 200)}: the path is too long ({reason}); use a shorter --inventory path"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"{path}: cannot be read ({reason}); make it readable by this user"
    if exc.errno == errno.ENOTDIR:
        return f"{path}: a folder on its path is a file ({reason}); make {path.parent} a site folder"
    if exc.errno == errno.ELOOP:
        return f"{path}: a symbolic link loop ({reason}); point the link at the real file"
    return f"{path}: cannot be read ({reason}); check the file and its folder"


def read_bytes(path: Path, problems: list[str]) -> bytes | None:
    """The bytes of one regular file of at most MAX_FILE_BYTES; else a problem and None."""
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; the type is checked right after.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        problems.append(f"{path}: file is missing; create it (see inventory/README.md for its fields)")
        return None
    except OSError as exc:
        problems.append(_open_error(path, exc))
        return None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            problems.append(f"{path}: is a folder, not a file; replace it with the YAML file")
            return None
        if not stat.S_ISREG(info.st_mode):
            what = "a FIFO" if stat.S_ISFIFO(info.st_mode) else "a device or socket"
            problems.append(f"{path}: is {what}, not a regular file; replace it with the YAML file")
            return None
        if info.st_size > MAX_FILE_BYTES:
            problems.append(_too_big(path, info.st_size))
            return None
        with os.fdopen(fd, "rb", closefd=False) as stream:
            data = stream.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        problems.append(_open_error(path, exc))
        return None
    finally:
        os.close(fd)
    if len(data) > MAX_FILE_BYTES:  # grew while we read it
        problems.append(_too_big(path, len(data)))
        return None
    return data


def _too_big(path: Path, size: int) -> str:
    return (
        f"{path}: file is {size / 1e6:.2f} MB ({size} bytes), above the {MAX_FILE_BYTES / 1e6:g} MB "
        f"limit for an inventory file; split the site or remove what does not belong in it"
    )


def _line_col(text: str, index: int) -> str:
    line = text.count("\n", 0, index) + 1
    return f"line {line}, column {index - (text.rfind(chr(10), 0, index) + 1) + 1}"


def decode(path: Path, data: bytes, problems: list[str]) -> str | None:
    """UTF-8 text (a UTF-8 byte order mark is allowed); else a problem naming the encoding."""
    save = "save it as UTF-8 (in most editors: Save As, encoding UTF-8)"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        width = "UTF-32" if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")) else "UTF-16"
        problems.append(f"{path}: is {width} text (it starts with a byte order mark); {save}")
        return None
    if data.startswith(b"\x00\x00\xfe\xff"):
        problems.append(f"{path}: is UTF-32 text (it starts with a byte order mark); {save}")
        return None
    if b"\x00" in data:
        problems.append(f"{path}: holds NUL bytes, so it is UTF-16/UTF-32 or not text at all; {save}")
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start].decode("utf-8", "replace")
        where = _line_col(before, len(before))
        problems.append(
            f"{path}: is not UTF-8 (byte 0x{data[exc.start]:02x} at {where}; "
            f"Latin-1 or Windows-1252 perhaps); {save}"
        )
        return None
    text = text.removeprefix("\ufeff")
    bad = _NOT_YAML.search(text)
    if bad:
        problems.append(
            f"{path}: holds the control character {bad.group()!a} at {_line_col(text, bad.start())}; "
            "remove it (write escapes such as \\t inside double quotes if you need one)"
        )
        return None
    return text


def read_yaml(path: Path, problems: list[str]) -> Any:
    """Parse one YAML file; on failure append a clear problem and return None."""
    data = read_bytes(path, problems)
    if data is None:
        return None
    text = decode(path, data, problems)
    if text is None:
        return None
    try:
        shape = _check_shape(text)
        if shape is not None:
            problems.append(f"{path}: {shape}")
            return None
        loaded = yaml.load(text, Loader=_UniqueKeyLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "somewhere"
        problems.append(f"{path}: YAML syntax error at {where}: {exc.problem}; fix the syntax there")
        return None
    except yaml.YAMLError as exc:
        problems.append(f"{path}: not valid YAML ({shorten(str(exc), 200)}); fix the syntax")
        return None
    except RecursionError:  # _check_shape bounds the depth; this is the last line of defence
        problems.append(f"{path}: nested too deeply to read; flatten it")
        return None
    except (ValueError, OverflowError) as exc:
        # The YAML is well formed but a value cannot be built, e.g. the date 2001-02-30.
        problems.append(f"{path}: a value cannot be read ({exc}); quote it if it is text")
        return None
    if loaded is None:
        problems.append(f"{path}: file is empty; fill it in (see inventory/README.md)")
        return None
    return loaded


def choices(names: list[str], limit: int = 8) -> str:
    """A list of names for a fix, cut short when there are many.

    >>> choices(["R1", "R2"])
    "['R1', 'R2']"
    >>> choices([f"S{i}" for i in range(20)], limit=2)
    "['S0', 'S1', ... 18 more]"
    """
    if len(names) <= limit:
        return str(names)
    return str(names[:limit])[:-1] + f", ... {len(names) - limit} more]"


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


# The fix for a value out of range names the field's real range.
_RANGE_FIX = {
    "id": "use a VLAN id from 1 to 4094 other than 1002-1005 (IOS reserves them)",
    "vlan": "use a VLAN id from 1 to 4094 other than 1002-1005 (IOS reserves them)",
    "port": "use a TCP port from 1 to 65535",
    "process": "use an OSPF process id from 1 to 65535",
    "area": "use an OSPF area number from 0 to 4294967295",
    "priority": "use an MX priority from 0 to 65535",
    "reserved_first": "keep from 1 to 200 addresses out of each DHCP pool",
    "lease_days": "use a lease of 1 to 365 days",
}

# Fixes for the schemas' own error kinds (automation.models.schema raises these).
_KIND_FIX = {
    "node_name": "use a name of letters, digits, '-' and '_' that starts with a letter (at most 20)",
    "domain_name": "write a lower-case domain name such as mt.com: labels of letters, digits and '-' "
    "(not at either end, 63 at most) joined by dots, ending in a top-level domain of letters",
    "dns_label": "use '@' for the zone itself or one lower-case label such as www "
    "(letters, digits and '-', not at either end)",
    "dns_target": "name a host in the zone (mail), '@', or a full name ending in a dot (mail.mt.com.)",
    "vlan_name": "use 1 to 32 letters, digits, '_' and '-' (an IOS VLAN name)",
    "department_name": "use a name of letters, digits, spaces, '_' and '-' that starts with a letter",
    "site_name": "use lower-case letters, digits, '_' and '-', starting with a letter",
    "mail_user": "use a lower-case mailbox name such as alice (letters, digits, '.', '_', '-')",
    "one_line": "write one line of printable text (at most 1000 characters)",
    "vlan_reserved": "use a VLAN id from 1 to 4094 other than 1002-1005 (IOS reserves them)",
    "mx_only": "remove priority: (only MX records have one) or make it an MX record",
    "ip_text": "write the address as text in dotted form, such as 192.168.10.20",
    "ip_address": "write an IPv4 address in dotted form, such as 192.168.10.20",
    "ip_network": "write a network with its prefix length, such as 192.168.10.0/24",
}


def _fix_for(error_type: str, loc: tuple[int | str, ...], value: object) -> str:
    field = loc[-1] if loc else ""
    if error_type == "extra_forbidden":
        return "remove it or correct its spelling"
    if error_type == "missing":
        return "add it"
    if error_type in _KIND_FIX:
        return _KIND_FIX[error_type]
    if isinstance(value, bool) and error_type in {"int_type", "string_type"}:
        # YAML 1.1 reads yes/no/on/off/true/false unquoted as booleans.
        return (
            "YAML reads an unquoted yes, no, on, off, true or false as a boolean: write a number or quote it"
        )
    if error_type == "int_type":
        return "write a whole number in decimal, without quotes or leading zeros"
    if error_type == "string_type":
        return "write text here; quote it if YAML reads it as something else"
    if error_type in {"greater_than_equal", "less_than_equal", "greater_than", "less_than"}:
        return _RANGE_FIX.get(str(field), "correct the value")
    if error_type in {"list_type", "dict_type", "model_type", "model_attributes_type"}:
        return "see the example sites for its shape"
    return "correct the value"


def validate_model(
    model: type[M], data: Any, path: Path, problems: list[str], prefix: tuple[int | str, ...] = ()
) -> M | None:
    """Validate data against a schema; every error becomes a 'file: field: what; fix' line."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            loc = prefix + tuple(error["loc"])
            what = error["msg"]
            if error["type"] in {"int_type", "string_type", "list_type", "dict_type", "model_type"}:
                what += f", not {kind_of(error['input'])}"
            fix = _fix_for(error["type"], loc, error.get("input"))
            problems.append(f"{path}: {field_path(loc)}: {what}; {fix}")
        return None
