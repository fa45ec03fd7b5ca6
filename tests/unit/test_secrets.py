"""The vault: one entry per secret, generated once, 0600 in a 0700 folder, one value under concurrency."""

from __future__ import annotations

import doctest
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

import automation.secrets as vault_module
from automation.errors import UsageError
from automation.secrets import (
    device_credentials,
    enable_secret,
    mail_env_name,
    mail_password,
    server_credentials,
)

ENV = (
    "MASTERTECH_USERNAME",
    "MASTERTECH_PASSWORD",
    "MASTERTECH_ENABLE_SECRET",
    "MASTERTECH_SERVER_USERNAME",
    "MASTERTECH_SERVER_PASSWORD",
    "MASTERTECH_MAIL_PASSWORD_ALICE",
    "MASTERTECH_MAIL_PASSWORD_BOB",
)


@pytest.fixture
def vault(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    path = tmp_path / "conf" / "mastertech" / "vault.yaml"
    monkeypatch.setenv("MASTERTECH_VAULT", str(path))
    return path


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_every_secret_is_its_own_generated_entry(vault: Path) -> None:
    device = device_credentials()
    enable = enable_secret()
    server = server_credentials()
    alice, bob = mail_password("alice"), mail_password("bob")
    values = [device.password, enable, server.password, alice, bob]
    assert len(set(values)) == len(values), "two secrets share a value"
    assert all(len(v) >= 16 for v in values)
    assert (device.username, device.source) == ("admin", "generated")
    assert (server.username, server.source) == ("root", "generated")
    data = yaml.safe_load(vault.read_text())
    assert data == {
        "password": device.password,
        "enable_secret": enable,
        "server_password": server.password,
        "mail_passwords": {"alice": alice, "bob": bob},
    }
    # Later uses read the same values back.
    assert device_credentials().password == device.password
    assert device_credentials().source == "vault"
    assert enable_secret() == enable
    assert server_credentials().password == server.password
    assert mail_password("alice") == alice


def test_vault_is_0600_in_a_0700_folder_and_leaves_no_temporary_file(vault: Path) -> None:
    enable_secret()
    mail_password("alice")
    assert _mode(vault) == 0o600
    assert _mode(vault.parent) == 0o700
    assert sorted(p.name for p in vault.parent.iterdir()) == ["vault.yaml", "vault.yaml.lock"]
    assert _mode(vault.with_name("vault.yaml.lock")) == 0o600


def test_device_password_from_the_environment_is_not_the_other_secrets(
    vault: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MASTERTECH_PASSWORD", "from-env-1")
    monkeypatch.setenv("MASTERTECH_USERNAME", "ops")
    creds = device_credentials()
    assert (creds.username, creds.password, creds.source) == ("ops", "from-env-1", "environment")
    assert "from-env-1" not in repr(creds)
    assert enable_secret() != "from-env-1"
    assert server_credentials().password != "from-env-1"
    assert mail_password("alice") != "from-env-1"
    assert "password" not in yaml.safe_load(vault.read_text()), "the env password was written down"


def test_environment_overrides_each_secret(vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MASTERTECH_ENABLE_SECRET", "en-env")
    monkeypatch.setenv("MASTERTECH_SERVER_USERNAME", "deploy")
    monkeypatch.setenv("MASTERTECH_SERVER_PASSWORD", "srv-env")
    monkeypatch.setenv(mail_env_name("alice"), "alice-env")
    assert enable_secret() == "en-env"
    assert server_credentials() == vault_module.Credentials("deploy", "srv-env", "environment")
    assert mail_password("alice") == "alice-env"
    assert not vault.exists(), "nothing had to be generated"


def test_vault_entries_win_over_generation(vault: Path) -> None:
    vault.parent.mkdir(parents=True)
    vault.write_text("password: p1\nenable_secret: e1\nmail_passwords: {alice: a1}\n")
    assert device_credentials().password == "p1"
    assert enable_secret() == "e1"
    assert mail_password("alice") == "a1"
    assert mail_password("bob") not in {"p1", "e1", "a1"}
    assert yaml.safe_load(vault.read_text())["mail_passwords"]["alice"] == "a1"


def test_real_targets_refuse_a_missing_secret(vault: Path) -> None:
    for call in (
        lambda: device_credentials(generate=False),
        lambda: enable_secret(generate=False),
        lambda: server_credentials(generate=False),
        lambda: mail_password("alice", generate=False),
    ):
        with pytest.raises(UsageError, match=r"vault\.yaml"):
            call()
    assert not vault.exists()


@pytest.mark.parametrize(
    "text", ["- a list\n", "password: [unclosed\n", "mail_passwords: [alice]\n"], ids=["list", "yaml", "mail"]
)
def test_a_broken_vault_is_a_clear_error(vault: Path, text: str) -> None:
    vault.parent.mkdir(parents=True)
    vault.write_text(text)
    with pytest.raises(UsageError, match="vault"):
        mail_password("alice")


_CHILD = """
import sys
from automation.secrets import enable_secret, mail_password
print(enable_secret(), mail_password("alice"), flush=True)
"""


def _spawn(vault: Path) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k not in ENV}
    env["MASTERTECH_VAULT"] = str(vault)
    return subprocess.Popen([sys.executable, "-c", _CHILD], stdout=subprocess.PIPE, text=True, env=env)


def test_concurrent_first_use_agrees_on_one_value(vault: Path) -> None:
    procs = [_spawn(vault) for _ in range(6)]
    outputs = {p.communicate(timeout=60)[0].strip() for p in procs}
    assert all(p.returncode == 0 for p in procs)
    assert len(outputs) == 1, f"processes generated different secrets: {len(outputs)} variants"
    enable, alice = outputs.pop().split()
    assert enable_secret() == enable
    assert mail_password("alice") == alice


def test_generation_waits_for_the_lock_and_rereads_the_vault(vault: Path) -> None:
    with vault_module._vault_lock(vault):
        proc = _spawn(vault)
        time.sleep(1.0)
        assert proc.poll() is None, "generated without taking the lock"
        # Whoever held the lock wrote the values: the waiting process must use them.
        vault_module._write_vault(vault, {"enable_secret": "held-1", "mail_passwords": {"alice": "held-2"}})
    out, _ = proc.communicate(timeout=60)
    assert out.split() == ["held-1", "held-2"]


def test_docstring_examples() -> None:
    assert doctest.testmod(vault_module).failed == 0
