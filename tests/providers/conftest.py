"""The providers tier: the gns3 target against a real gns3-server on loopback, the console
bootstrap against the emulator's telnet console, the cml target against recorded responses."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import gns3_server  # tests/providers is on sys.path (rootdir-less conftest)
import pytest

ROOT = Path(__file__).resolve().parents[2]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "providers: the gns3, cml and console targets against real servers")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.providers)


@pytest.fixture(autouse=True)
def _credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Device secrets from the environment, a vault of the test's own: nothing of the user's."""
    monkeypatch.setenv("MASTERTECH_VAULT", str(tmp_path / "vault.yaml"))
    monkeypatch.setenv("MASTERTECH_USERNAME", "admin")
    monkeypatch.setenv("MASTERTECH_PASSWORD", "day0-pass-1")
    monkeypatch.setenv("MASTERTECH_ENABLE_SECRET", "day0-enable-1")
    monkeypatch.setenv("MASTERTECH_SERVER_PASSWORD", "server-pass-1")
    for name in ("GNS3_URL", "GNS3_USER", "GNS3_PASSWORD"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def gns3(tmp_path_factory: pytest.TempPathFactory) -> Iterator[gns3_server.RunningServer]:
    server = gns3_server.start(tmp_path_factory.mktemp("gns3"))
    try:
        yield server
    finally:
        server.stop()
