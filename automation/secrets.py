"""Credentials: from the environment or a vault file, generated for a lab when unset. Never in the repo.

Every secret is its own entry, so that one leaked value (a device login typed on a console, a mail
password in a mail client) opens nothing else:

- device login (routers, switches): MASTERTECH_USERNAME (default `admin`) and MASTERTECH_PASSWORD,
  else the vault's `password`;
- the devices' enable secret: MASTERTECH_ENABLE_SECRET, else the vault's `enable_secret`;
- the servers' login (SSH, Ansible): MASTERTECH_SERVER_USERNAME (default `root`) and
  MASTERTECH_SERVER_PASSWORD, else the vault's `server_password`;
- a fresh Linux image's console login, for the day-0 typed there (gns3 target):
  MASTERTECH_CONSOLE_USERNAME (default `root`) and MASTERTECH_CONSOLE_PASSWORD, else the vault's
  `console_password`, else none (an image whose console logs in without one);
- each mail user's password: MASTERTECH_MAIL_PASSWORD_<USER> (upper case, other characters as `_`),
  else the vault's `mail_passwords: {user: password}`.

A secret that neither the environment nor the vault names is generated on first use (random,
URL-safe) and stored in the vault, so every later use and every process gets the same value.
The vault is a YAML mapping outside git (MASTERTECH_VAULT, default
~/.config/mastertech/vault.yaml): written atomically (a temporary file renamed over it), mode 0600,
in a folder created 0700. Generation holds an exclusive lock on `<vault>.lock` (fcntl) and reads
the vault again under it, so two processes starting at once agree on one value.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import secrets
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from automation.errors import UsageError

DEFAULT_USERNAME = "admin"
DEFAULT_SERVER_USERNAME = "root"

# Vault keys (top level); mail passwords live in a mapping under MAIL_KEY.
DEVICE_KEY = "password"
ENABLE_KEY = "enable_secret"
SERVER_KEY = "server_password"
CONSOLE_KEY = "console_password"
MAIL_KEY = "mail_passwords"


def vault_path() -> Path:
    env = os.environ.get("MASTERTECH_VAULT")
    if env:
        return Path(env).expanduser()
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "mastertech" / "vault.yaml"


def _read_vault(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise UsageError(f"{path}: vault is not valid YAML ({exc}); fix or delete it") from exc
    if not isinstance(data, dict):
        raise UsageError(f"{path}: vault must be a mapping (password: ...); fix or delete it")
    named = data.get(MAIL_KEY)
    if named is not None and not isinstance(named, dict):
        raise UsageError(f"{path}: {MAIL_KEY} must be a mapping of user: password; fix or delete it")
    return data


def _ensure_folder(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)


def _write_vault(path: Path, data: dict[str, Any]) -> None:
    """Replace the vault atomically; the new file is 0600 from the moment it exists."""
    _ensure_folder(path)
    # mkstemp creates the file 0600 with a unique name: no window with a wider mode, no clash.
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            yaml.safe_dump(data, fh, sort_keys=True)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def _vault_lock(path: Path) -> Iterator[None]:
    """An exclusive lock shared by every process that generates into this vault."""
    _ensure_folder(path)
    fd = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


_USERNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


def _checked(value: str, what: str) -> str:
    """A secret goes into IOS config lines, chpasswd input and SSH logins: one line of printable
    text, or it could add a line of its own (a second user, another command)."""
    if not value or any(ord(c) < 32 or ord(c) == 127 for c in value) or value != value.strip():
        raise UsageError(
            f"{what}: must be one line of printable characters without leading or trailing spaces; "
            "set another value"
        )
    if len(value) > 128:
        raise UsageError(f"{what}: is {len(value)} characters long; use at most 128")
    return value


def _checked_user(value: str, what: str) -> str:
    if not _USERNAME.fullmatch(value):
        raise UsageError(f"{what}: {value[:64]!r} is not a user name; use letters, digits, '.', '_' and '-'")
    return value


def _generate() -> str:
    return secrets.token_urlsafe(12)


def _lookup(data: dict[str, Any], key: str, user: str | None) -> str | None:
    value = (data.get(MAIL_KEY) or {}).get(user) if user is not None else data.get(key)
    return str(value) if value not in (None, "") else None


def _from_vault(key: str, *, user: str | None = None, generate: bool, what: str) -> tuple[str, str]:
    """(value, source) of a vault entry, generating and storing it under the lock when missing."""
    path = vault_path()
    found = _lookup(_read_vault(path), key, user)
    if found is not None:
        return _checked(found, f"{path}: {key if user is None else f'{MAIL_KEY}.{user}'}"), "vault"
    if not generate:
        where = f"{MAIL_KEY}: {{{user}: ...}}" if user is not None else f"{key}:"
        raise UsageError(f"no {what}: set it in the environment or add {where} to {path}")
    with _vault_lock(path):
        data = _read_vault(path)  # another process may have written it while we waited
        found = _lookup(data, key, user)
        if found is not None:
            return found, "vault"
        value = _generate()
        if user is not None:
            data[MAIL_KEY] = {**(data.get(MAIL_KEY) or {}), user: value}
        else:
            data[key] = value
        _write_vault(path, data)
    return value, "generated"


@dataclass(frozen=True)
class Credentials:
    username: str
    password: str
    source: str  # "environment", "vault" or "generated"; shown to people, never the password

    def __repr__(self) -> str:
        return f"Credentials(username={self.username!r}, password='***', source={self.source!r})"


def device_credentials(generate: bool = True) -> Credentials:
    """The devices' login. With generate=False a missing password is an error (real targets)."""
    username = _checked_user(os.environ.get("MASTERTECH_USERNAME") or DEFAULT_USERNAME, "MASTERTECH_USERNAME")
    password = os.environ.get("MASTERTECH_PASSWORD")
    if password:
        return Credentials(username, _checked(password, "MASTERTECH_PASSWORD"), "environment")
    value, source = _from_vault(DEVICE_KEY, generate=generate, what="device password (MASTERTECH_PASSWORD)")
    return Credentials(username, value, source)


def enable_secret(generate: bool = True) -> str:
    """The devices' enable secret: MASTERTECH_ENABLE_SECRET, else the vault's `enable_secret`."""
    env = os.environ.get("MASTERTECH_ENABLE_SECRET")
    if env:
        return _checked(env, "MASTERTECH_ENABLE_SECRET")
    return _from_vault(ENABLE_KEY, generate=generate, what="enable secret (MASTERTECH_ENABLE_SECRET)")[0]


def api_password(env: str, vault_key: str, what: str) -> str:
    """A lab controller's API password (GNS3, CML): `env`, else the vault's `vault_key`; never
    generated (it is the user's own)."""
    value = os.environ.get(env)
    if value:
        return _checked(value, env)
    return _from_vault(vault_key, generate=False, what=f"{what} ({env})")[0]


def server_credentials(generate: bool = True) -> Credentials:
    """The Linux servers' login (root by default), never the devices' password."""
    username = _checked_user(
        os.environ.get("MASTERTECH_SERVER_USERNAME") or DEFAULT_SERVER_USERNAME, "MASTERTECH_SERVER_USERNAME"
    )
    password = os.environ.get("MASTERTECH_SERVER_PASSWORD")
    if password:
        return Credentials(username, _checked(password, "MASTERTECH_SERVER_PASSWORD"), "environment")
    value, source = _from_vault(
        SERVER_KEY, generate=generate, what="server password (MASTERTECH_SERVER_PASSWORD)"
    )
    return Credentials(username, value, source)


@dataclass(frozen=True)
class ConsoleLogin:
    """How to log in on a fresh Linux image's console; `password` None: the image asks for none."""

    username: str
    password: str | None

    def __repr__(self) -> str:
        return f"ConsoleLogin(username={self.username!r}, password={'***' if self.password else None})"


def console_login() -> ConsoleLogin:
    """The console login of the Linux images (never generated: the image decides it)."""
    username = _checked_user(
        os.environ.get("MASTERTECH_CONSOLE_USERNAME") or DEFAULT_SERVER_USERNAME,
        "MASTERTECH_CONSOLE_USERNAME",
    )
    password = os.environ.get("MASTERTECH_CONSOLE_PASSWORD")
    if password:
        return ConsoleLogin(username, _checked(password, "MASTERTECH_CONSOLE_PASSWORD"))
    stored = _lookup(_read_vault(vault_path()), CONSOLE_KEY, None)
    return ConsoleLogin(username, _checked(stored, f"{CONSOLE_KEY} in {vault_path()}") if stored else None)


def linux_lab_credentials() -> Credentials:
    """The login of the embedded lab's Linux hosts (PCs and servers): root with the server password.

    The lab makes only root on them; another MASTERTECH_SERVER_USERNAME is for labs the user built.
    """
    creds = server_credentials()
    if creds.username != DEFAULT_SERVER_USERNAME:
        raise UsageError(
            f"MASTERTECH_SERVER_USERNAME={creds.username!r}: the embedded lab's PCs and servers log in "
            f"as {DEFAULT_SERVER_USERNAME}; unset it for the embedded lab (it is for labs you built)"
        )
    return creds


def mail_env_name(user: str) -> str:
    """`MASTERTECH_MAIL_PASSWORD_<USER>`: the environment variable that names a mail user's password.

    >>> mail_env_name("client-1.x")
    'MASTERTECH_MAIL_PASSWORD_CLIENT_1_X'
    """
    return "MASTERTECH_MAIL_PASSWORD_" + re.sub(r"[^A-Z0-9]", "_", user.upper())


def mail_password(user: str, generate: bool = True) -> str:
    """A mail user's own password: the environment's, else the vault's, else a new one stored there."""
    env = os.environ.get(mail_env_name(user))
    if env:
        return _checked(env, mail_env_name(user))
    return _from_vault(MAIL_KEY, user=user, generate=generate, what=f"mail password for {user}")[0]
