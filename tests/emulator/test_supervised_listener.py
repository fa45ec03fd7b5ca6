"""The lab's supervisor on an emulator listener: a device whose SSH listener closed is served
again on the same port, with its configuration as it was, and netmiko logs in as before."""

from __future__ import annotations

from pathlib import Path

import pytest
from emulator_support import PASSWORD, USER, device_spec
from netmiko import ConnectHandler
from netmiko.exceptions import NetmikoTimeoutException

from automation.emulator.server import ThreadedEmulator
from automation.lab.supervisor import Supervisor
from automation.lab.watches import listener

pytestmark = pytest.mark.emulator


def _hostname(port: int) -> str:
    with ConnectHandler(
        device_type="cisco_ios", host="127.0.0.1", port=port, username=USER, password=PASSWORD
    ) as conn:
        return str(conn.send_command("show running-config | include ^hostname"))


def test_closed_listener_is_reopened_on_its_port(tmp_path: Path) -> None:
    with ThreadedEmulator([device_spec(tmp_path, "R7", "router")]) as emu:
        host = emu.hosts["R7"]
        port = host.port
        supervisor = Supervisor()
        supervisor.watch(listener(host, emu.loop))
        assert supervisor.check() is False
        assert "hostname R7" in _hostname(port)

        async def close() -> None:
            assert host._acceptor is not None
            host._acceptor.close()
            await host._acceptor.wait_closed()

        emu.call(close())
        assert not host.serving()
        with pytest.raises(NetmikoTimeoutException):  # nothing listens: the fault is real
            _hostname(port)
        assert supervisor.check() is True
        assert host.serving() and host.port == port
        assert "hostname R7" in _hostname(port)
        health = supervisor.health("R7")
        assert health.state == "degraded" and health.reasons == ("ssh listener restarted 1x",)
