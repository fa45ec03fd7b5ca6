"""scrapli 1.x `IOSXEDriver` over the OpenSSH binary (`system`) and paramiko transports."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from emulator_support import PASSWORD, SECRET, USER
from scrapli.driver.core import IOSXEDriver

from automation.emulator.server import ThreadedEmulator


@pytest.fixture(scope="module", params=["system", "paramiko"])
def conn(request: pytest.FixtureRequest, emulator: ThreadedEmulator) -> Iterator[IOSXEDriver]:
    driver = IOSXEDriver(
        host="127.0.0.1",
        port=emulator.hosts["R1"].port,
        auth_username=USER,
        auth_password=PASSWORD,
        auth_secondary=SECRET,
        auth_strict_key=False,
        transport=request.param,
        ssh_config_file=False,
        timeout_ops=20,
    )
    driver.open()
    yield driver
    driver.close()


def test_prompt_and_show(conn: IOSXEDriver) -> None:
    assert conn.get_prompt() == "R1#"
    response = conn.send_command("show version")
    assert not response.failed
    parsed = response.textfsm_parse_output()
    assert isinstance(parsed, list)
    assert parsed[0]["hostname"] == "R1"


def test_send_configs_and_failed_on_bad_command(conn: IOSXEDriver) -> None:
    good = conn.send_configs(["interface Loopback5", "ip address 10.5.5.5 255.255.255.255", "no shutdown"])
    assert not good.failed
    bad = conn.send_configs(["interface Loopback5", "ip addr 10.5.5.5"])
    assert bad.failed
    assert bad[-1].result == "% Incomplete command."
    brief = conn.send_command("show ip interface brief").textfsm_parse_output()
    assert isinstance(brief, list)
    assert {"interface": "Loopback5", "ip_address": "10.5.5.5", "status": "up", "proto": "up"} in brief
    cleanup = conn.send_configs(["no interface Loopback5"])
    assert not cleanup.failed


def test_failed_show_and_interactive_save(conn: IOSXEDriver) -> None:
    assert conn.send_command("show interfaces nonsense").failed
    response = conn.send_interactive(
        [
            ("copy running-config startup-config", "Destination filename [startup-config]?", False),
            ("", "R1#", False),
        ]
    )
    assert "[OK]" in response.result


def test_privilege_escalation_from_user_level(emulator: ThreadedEmulator) -> None:
    from emulator_support import OPERATOR, OPERATOR_PASSWORD

    driver = IOSXEDriver(
        host="127.0.0.1",
        port=emulator.hosts["SW1"].port,
        auth_username=OPERATOR,
        auth_password=OPERATOR_PASSWORD,
        auth_secondary=SECRET,
        auth_strict_key=False,
        transport="system",
        ssh_config_file=False,
        timeout_ops=20,
    )
    driver.open()
    try:
        assert driver.get_prompt() == "SW1#"
        vlans = driver.send_command("show vlan brief")
        assert not vlans.failed
        assert "default" in vlans.result
    finally:
        driver.close()
