"""Byte-level behaviour of the CLI: echo, line endings, prompts and IOS's exact error texts."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from emulator_support import OPERATOR, OPERATOR_PASSWORD, SECRET, RawShell

from automation.emulator.server import ThreadedEmulator


@pytest.fixture
def r1(emulator: ThreadedEmulator) -> Iterator[RawShell]:
    shell = RawShell(emulator.hosts["R1"].port)
    yield shell
    shell.close()


@pytest.fixture
def sw1(emulator: ThreadedEmulator) -> Iterator[RawShell]:
    shell = RawShell(emulator.hosts["SW1"].port)
    yield shell
    shell.close()


def test_login_prompt_is_last_and_nothing_follows(r1: RawShell) -> None:
    assert r1.banner.endswith(b"\r\nR1#")
    assert r1.quiet() == b""


def test_echo_crlf_and_one_enter_per_crlf(r1: RawShell) -> None:
    assert r1.cmd("show privilege") == b"show privilege\r\nCurrent privilege level is 15\r\nR1#"
    r1.send(b"show clock\r\n")
    out = r1.read_until(rb"R1#$")
    assert out.startswith(b"show clock\r\n*")
    assert r1.quiet() == b""  # the LF after CR is not a second Enter
    r1.send(b"\r")
    assert r1.read_until(rb"R1#$") == b"\r\nR1#"
    r1.send(b"\n")  # LF in a later packet after CR: swallowed
    assert r1.quiet() == b""
    r1.send(b"\n")
    assert r1.read_until(rb"R1#$") == b"\r\nR1#"


def test_character_echo_before_enter(r1: RawShell) -> None:
    r1.send(b"show ver")
    assert r1.read_until(rb"show ver$") == b"show ver"
    r1.send(b"\x7f\x7fer\x00")
    assert r1.read_until(rb"er$") == b"\x08 \x08\x08 \x08er"
    r1.send(b"\x03")
    assert r1.read_until(rb"R1#$") == b"^C\r\nR1#"


def test_invalid_input_caret_under_token(r1: RawShell) -> None:
    out = r1.cmd("show foo")
    assert out == b"show foo\r\n        ^\r\n% Invalid input detected at '^' marker.\r\n\r\nR1#"


def test_incomplete_and_ambiguous(r1: RawShell) -> None:
    assert r1.cmd("show ip") == b"show ip\r\n% Incomplete command.\r\n\r\nR1#"
    assert r1.cmd("s") == b's\r\n% Ambiguous command:  "s"\r\nR1#'
    r1.cmd("configure terminal")
    assert r1.cmd("logging") == b"logging\r\n% Incomplete command.\r\n\r\nR1(config)#"
    assert r1.cmd("a") == b'a\r\n% Ambiguous command:  "a"\r\nR1(config)#'
    assert r1.cmd("end") == b"end\r\nR1#"


def test_unknown_word_is_a_host_name(r1: RawShell) -> None:
    assert r1.cmd("foo") == (
        b'foo\r\nTranslating "foo"\r\n'
        b"% Unknown command or computer name, or unable to find computer address\r\nR1#"
    )


def test_abbreviations_modes_and_fall_through(r1: RawShell) -> None:
    assert r1.cmd("conf t").endswith(
        b"Enter configuration commands, one per line.  End with CNTL/Z.\r\nR1(config)#"
    )
    assert r1.cmd("int gi 0/2").endswith(b"R1(config-if)#")
    assert r1.cmd("desc Uplink To Core").endswith(b"R1(config-if)#")
    assert r1.cmd("int g0/2.30").endswith(b"R1(config-subif)#")
    assert r1.cmd("router ospf 7").endswith(b"R1(config-router)#")
    assert r1.cmd("ip dhcp pool TEST").endswith(b"R1(dhcp-config)#")
    assert r1.cmd("line vty 0 4").endswith(b"R1(config-line)#")
    assert r1.cmd("exit").endswith(b"R1(config)#")
    assert r1.cmd("do show privilege").endswith(b"Current privilege level is 15\r\nR1(config)#")
    r1.send(b"\x1a")
    assert r1.read_until(rb"R1#$") == b"^Z\r\nR1#"
    out = r1.cmd("sh run int g0/2")
    assert b" description Uplink To Core\r\n" in out
    r1.cmd("conf t")
    r1.cmd("no router ospf 7")
    r1.cmd("no ip dhcp pool TEST")
    r1.cmd("no interface g0/2.30")
    r1.cmd("default interface g0/2")
    r1.cmd("end")


def test_no_of_unset_command_is_silent(r1: RawShell) -> None:
    r1.cmd("configure terminal")
    assert r1.cmd("no ip default-gateway") == b"no ip default-gateway\r\nR1(config)#"
    assert r1.cmd("no fooo").startswith(b"no fooo\r\n              ^\r\n% Invalid input")
    r1.cmd("end")


def test_configure_question_and_copy_question(r1: RawShell) -> None:
    assert r1.cmd("configure", rb"\[terminal\]\? $").endswith(
        b"Configuring from terminal, memory, or network [terminal]? "
    )
    assert r1.cmd("").endswith(b"End with CNTL/Z.\r\nR1(config)#")
    r1.cmd("end")
    assert r1.cmd("copy running-config startup-config", rb"\? $").endswith(
        b"Destination filename [startup-config]? "
    )
    assert r1.cmd("") == b"\r\nBuilding configuration...\r\n[OK]\r\nR1#"
    assert r1.cmd("wr") == b"wr\r\nBuilding configuration...\r\n[OK]\r\nR1#"


def test_type_ahead_is_consumed_in_order(r1: RawShell) -> None:
    r1.send(b"copy running-config startup-config\r\rshow privilege\r")
    out = r1.read_until(rb"level is 15\r\nR1#$")
    assert (
        b"Destination filename [startup-config]? \r\nBuilding configuration...\r\n[OK]\r\nR1#show privilege"
        in out
    )


def test_router_rejects_switch_commands(r1: RawShell) -> None:
    assert b"% Invalid input detected" in r1.cmd("show vlan")
    r1.cmd("conf t")
    r1.cmd("interface g0/1")
    out = r1.cmd("switchport mode access")
    assert (
        out == b"switchport mode access\r\n              ^\r\n"
        b"% Invalid input detected at '^' marker.\r\n\r\nR1(config-if)#"
    )
    r1.cmd("end")
    assert b"% Invalid input detected" in r1.cmd("show switch virtual")


def test_switch_rejects_router_commands(sw1: RawShell) -> None:
    sw1.cmd("conf t")
    assert b"% Invalid input detected" in sw1.cmd("interface g0/1.10")
    sw1.cmd("end")
    assert b"VLAN Name" in sw1.cmd("show vlan brief")


def test_banner_one_line_and_multi_line(r1: RawShell) -> None:
    r1.cmd("conf t")
    assert r1.cmd("banner motd #Authorised access only#").endswith(b"R1(config)#")
    out = r1.cmd("banner motd ^", rb"character '\^'.\r\n$")
    assert out.endswith(b"Enter TEXT message.  End with the character '^'.\r\n")
    r1.send(b"Line one\nLine two\n^\n")
    r1.read_until(rb"R1\(config\)#$")
    r1.cmd("end")
    assert b"banner motd ^C\r\nLine one\r\nLine two\r\n^C" in r1.cmd("show running-config")
    r1.cmd("conf t")
    r1.cmd("no banner motd")
    r1.cmd("end")


def test_enable_secret_retries_and_privilege(emulator: ThreadedEmulator) -> None:
    shell = RawShell(emulator.hosts["R1"].port, OPERATOR, OPERATOR_PASSWORD)
    try:
        assert shell.banner.endswith(b"R1>")
        # Privileged commands do not exist at level 1: the caret marks the first word IOS rejects.
        assert shell.cmd("show running-config").startswith(b"show running-config\r\n        ^\r\n% Invalid")
        assert shell.cmd("configure terminal") == (
            b"configure terminal\r\n   ^\r\n% Invalid input detected at '^' marker.\r\n\r\nR1>"
        )
        assert shell.cmd("enable", rb"Password: $") == b"enable\r\nPassword: "
        assert shell.cmd("wrong", rb"Password: $") == b"\r\nPassword: "
        assert shell.cmd("wrong", rb"Password: $") == b"\r\nPassword: "
        assert shell.cmd("wrong") == b"\r\n% Bad secrets\r\n\r\nR1>"
        shell.cmd("enable", rb"Password: $")
        assert shell.cmd(SECRET) == b"\r\nR1#"
        assert shell.cmd("show privilege").endswith(b"Current privilege level is 15\r\nR1#")
        assert shell.cmd("disable").endswith(b"R1>")
    finally:
        shell.close()


def test_enable_without_password(tmp_path_factory: pytest.TempPathFactory) -> None:
    from automation.emulator.device import DeviceSpec

    tmp = tmp_path_factory.mktemp("noenable")
    day0 = "hostname R9\nusername op secret pw\nend\n"
    with ThreadedEmulator([DeviceSpec("R9", "router", tmp, day0_config=day0)]) as emu:
        shell = RawShell(emu.hosts["R9"].port, "op", "pw")
        assert shell.cmd("enable") == b"enable\r\n% No password set\r\nR9>"
        shell.close()


def test_exit_closes_channel_with_status_zero(emulator: ThreadedEmulator) -> None:
    shell = RawShell(emulator.hosts["R1"].port)
    shell.send(b"exit\n")
    assert shell.chan.recv_exit_status() == 0
    shell.close()


def test_exec_channel_one_shot(emulator: ThreadedEmulator) -> None:
    import paramiko
    from emulator_support import PASSWORD, USER

    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    client.connect(
        "127.0.0.1",
        port=emulator.hosts["R1"].port,
        username=USER,
        password=PASSWORD,
        look_for_keys=False,
        allow_agent=False,
    )
    _, stdout, _ = client.exec_command("show version")
    text = stdout.read()
    assert text.startswith(b"Cisco IOS Software, IOSv Software")
    assert stdout.channel.recv_exit_status() == 0
    client.close()


def test_bad_mask_and_overlap(r1: RawShell) -> None:
    r1.cmd("conf t")
    r1.cmd("interface Loopback9")
    assert r1.cmd("ip address 10.9.9.1 255.0.255.0") == (
        b"ip address 10.9.9.1 255.0.255.0\r\nBad mask 0xFF00FF00 for address 10.9.9.1\r\nR1(config-if)#"
    )
    r1.cmd("no interface Loopback9")
    r1.cmd("end")
