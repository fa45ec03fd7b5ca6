"""Credentials: from the environment or a vault file, generated for a lab when unset. Never in the repo.

- Devices: MASTERTECH_USERNAME (default "admin") and MASTERTECH_PASSWORD.
- Mail users: MASTERTECH_PASSWORD too, unless the vault names a password for that user.
- The vault is a YAML file outside git (MASTERTECH_VAULT, default ~/.config/mastertech/vault.yaml,
  mode 0600): `password: ...` and `mail_passwords: {user: password}`. When MASTERTECH_PASSWORD is
  unset, a random password is generated on first use and stored there.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from automation.errors import UsageError

DEFAULT_USERNAME = "admin"


def vault_path() -> Path:
    env = os.environ.get("MASTERTECH_VAULT")
    if env:
        return Path(env).expanduser()
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "mastertech" / "vault.yaml"


def _read_vault(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise UsageError(f"{path}: vault is not valid YAML ({exc}); fix or delete it") from exc
    if not isinstance(data, dict):
        raise UsageError(f"{path}: vault must be a mapping (password:, mail_passwords:); fix or delete it")
    return data


def _write_vault(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        yaml.safe_dump(data, fh, sort_keys=True)
    os.replace(tmp, path)


@dataclass(frozen=True)
class Credentials:
    username: str
    password: str
    source: str  # "environment", "vault" or "generated"; shown to people, never the password

    def __repr__(self) -> str:
        return f"Credentials(username={self.username!r}, password='***', source={self.source!r})"


def device_credentials(generate: bool = True) -> Credentials:
    """The devices' login. With generate=False a missing password is an error (real targets)."""
    username = os.environ.get("MASTERTECH_USERNAME") or DEFAULT_USERNAME
    password = os.environ.get("MASTERTECH_PASSWORD")
    if password:
        return Credentials(username, password, "environment")
    path = vault_path()
    vault = _read_vault(path)
    if vault.get("password"):
        return Credentials(username, str(vault["password"]), "vault")
    if not generate:
        raise UsageError(f"no device password: set MASTERTECH_PASSWORD or add password: to {path}")
    vault["password"] = secrets.token_urlsafe(12)
    _write_vault(path, vault)
    return Credentials(username, str(vault["password"]), "generated")


def mail_password(user: str) -> str:
    """A mail user's password: the vault's entry for the user, else the device password."""
    vault = _read_vault(vault_path())
    named = vault.get("mail_passwords") or {}
    if isinstance(named, dict) and named.get(user):
        return str(named[user])
    return device_credentials().password
