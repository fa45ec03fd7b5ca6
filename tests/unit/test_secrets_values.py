"""A secret is one line of text: it goes into IOS config lines, chpasswd input and SSH logins, so a
newline in it could add a user or a command. Every source of a secret is checked."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from automation import secrets
from automation.errors import UsageError

pytestmark = pytest.mark.unit

BAD = ["x\nusername evil privilege 15 secret y", "root:pw\r", " padded", "tab\there", "bell\x07", "x" * 129]


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MASTERTECH_VAULT", str(tmp_path / "vault.yaml"))
    for name in (
        "MASTERTECH_PASSWORD",
        "MASTERTECH_ENABLE_SECRET",
        "MASTERTECH_SERVER_PASSWORD",
        "MASTERTECH_USERNAME",
        "MASTERTECH_SERVER_USERNAME",
        "MASTERTECH_MAIL_PASSWORD_ALICE",
        "MASTERTECH_CONSOLE_USERNAME",
        "MASTERTECH_CONSOLE_PASSWORD",
    ):
        monkeypatch.delenv(name, raising=False)  # fmt: skip


@pytest.mark.parametrize("value", BAD)
@pytest.mark.parametrize(
    ("env", "read"),
    [
        ("MASTERTECH_PASSWORD", lambda: secrets.device_credentials()),
        ("MASTERTECH_ENABLE_SECRET", lambda: secrets.enable_secret()),
        ("MASTERTECH_SERVER_PASSWORD", lambda: secrets.server_credentials()),
        ("MASTERTECH_MAIL_PASSWORD_ALICE", lambda: secrets.mail_password("alice")),
        ("MASTERTECH_CONSOLE_PASSWORD", lambda: secrets.console_login()),
    ],
)
def test_a_secret_from_the_environment_is_one_printable_line(
    env: str, read: object, value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(env, value)
    with pytest.raises(UsageError, match=env):
        read()  # type: ignore[operator]


@pytest.mark.parametrize("value", BAD[:2])
def test_a_secret_from_the_vault_is_checked_too(value: str, tmp_path: Path) -> None:
    (tmp_path / "vault.yaml").write_text(
        yaml.safe_dump(
            {"server_password": value, "mail_passwords": {"bob": value}, "console_password": value}
        )
    )
    with pytest.raises(UsageError, match="console_password"):
        secrets.console_login()
    with pytest.raises(UsageError, match="server_password"):
        secrets.server_credentials()
    with pytest.raises(UsageError, match=r"mail_passwords\.bob"):
        secrets.mail_password("bob")


@pytest.mark.parametrize("name", ["ad min", "-oProxy", "root\nx", "a" * 65, ""])
def test_user_names_are_names(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MASTERTECH_USERNAME", name)
    if name == "":  # unset in effect: the default
        assert secrets.device_credentials().username == "admin"
        return
    with pytest.raises(UsageError, match="MASTERTECH_USERNAME"):
        secrets.device_credentials()


def test_generated_secrets_pass_their_own_check() -> None:
    for _ in range(20):
        assert secrets._checked(secrets._generate(), "generated")


def test_the_console_login_comes_from_the_environment_or_the_vault_and_is_never_made_up(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert secrets.console_login() == secrets.ConsoleLogin("root", None)  # an image asking for none
    assert not (tmp_path / "vault.yaml").exists()
    (tmp_path / "vault.yaml").write_text("console_password: from-vault-1\n")
    assert secrets.console_login().password == "from-vault-1"
    monkeypatch.setenv("MASTERTECH_CONSOLE_USERNAME", "ubuntu")
    monkeypatch.setenv("MASTERTECH_CONSOLE_PASSWORD", "from-env-1")
    login = secrets.console_login()
    assert (login.username, login.password) == ("ubuntu", "from-env-1")
    assert "from-env-1" not in repr(login)
    monkeypatch.setenv("MASTERTECH_CONSOLE_USERNAME", "root;reboot")
    with pytest.raises(UsageError, match="MASTERTECH_CONSOLE_USERNAME"):
        secrets.console_login()
