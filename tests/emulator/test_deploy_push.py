"""The one-write push of a deploy (automation/tasks/session.py) against emulated IOS devices.

A config goes to the device in one exchange and the refused lines are found in the echoed
transcript afterwards: a refused line in the middle is named, as is every other refused line,
and the deploy rolls the device back; a refused section line that makes the device end the
session is named too, and the rollback logs in again.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from emulator_support import OPERATOR, OPERATOR_PASSWORD, PASSWORD, SECRET, USER
from netmiko import ConnectHandler
from test_deploy import SITE, serve_site

from automation.deploy import DeployReport, HostReport, deploy_devices
from automation.drift import managed_scope
from automation.inventory.nornir import init_nornir, ios_devices
from automation.models import Site
from automation.render import render_intended
from automation.secrets import Credentials
from automation.tasks.session import WINDOW, IosCli, Session, read_transcript


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, tuple[str, int]]]:
    with serve_site(tmp_path_factory.mktemp("push")) as emu:
        yield {name: host.endpoint for name, host in emu.hosts.items()}


def _session(endpoint: tuple[str, int], username: str = USER, password: str = PASSWORD) -> Session:
    plugin = IosCli()
    plugin.open(*endpoint[:1], username, password, endpoint[1], "cisco_ios", extras={"secret": SECRET})
    assert plugin.connection is not None
    return plugin.connection


def _running(endpoint: tuple[str, int]) -> str:
    host, port = endpoint
    with ConnectHandler(device_type="cisco_ios", host=host, port=port, username=USER, password=PASSWORD) as c:
        return str(c.send_command("show running-config"))


# -- the transcript, as IOS prints it -------------------------------------------------------------


def test_every_refused_line_is_named_with_its_message() -> None:
    sent = [
        "configure terminal", "interface Loopback9", "  ip adress 10.9.9.9 255.255.255.255",
        "  description ok", "  exit", "ip route 10.1.0.0 255.255.0.0 bogus", "vlan 10", "  exit", "end",
    ]  # fmt: skip
    output = (
        "configure terminal\nEnter configuration commands, one per line.  End with CNTL/Z.\n"
        "R1(config)#interface Loopback9\n"
        "R1(config-if)#  ip adress 10.9.9.9 255.255.255.255\n"
        "                  ^\n% Invalid input detected at '^' marker.\n\n"
        "R1(config-if)#  description ok\nR1(config-if)#  exit\n"
        "R1(config)#ip route 10.1.0.0 255.255.0.0 bogus\n"
        "                                     ^\n% Invalid input detected at '^' marker.\n\n"
        "R1(config)#vlan 10\nR1(config-vlan)#  exit\nR1(config)#end\nR1#"
    )
    transcript = read_transcript(output, sent)
    assert transcript.complete
    assert [(r.line, r.message) for r in transcript.rejected] == [
        ("ip adress 10.9.9.9 255.255.255.255", "% Invalid input detected at '^' marker."),
        ("ip route 10.1.0.0 255.255.0.0 bogus", "% Invalid input detected at '^' marker."),
    ]


def test_refusals_without_a_percent_sign_and_echo_before_the_prompt() -> None:
    # A switch refuses `switchport mode trunk` while the encapsulation is auto, and some IOS
    # releases echo typed-ahead lines before they print the prompt.
    sent = ["interface GigabitEthernet0/1", "  switchport mode trunk", "  exit"]
    output = (
        "interface GigabitEthernet0/1\nSW1(config-if)#  switchport mode trunk\n"
        'Command rejected: An interface whose trunk encapsulation is "Auto" can not be configured '
        'to "trunk" mode.\n  exit\nSW1(config)#'
    )
    transcript = read_transcript(output, sent)
    assert transcript.complete
    assert [r.line for r in transcript.rejected] == ["switchport mode trunk"]
    assert transcript.rejected[0].message.startswith("Command rejected: An interface")


def test_a_transcript_cut_short_says_how_far_it_got() -> None:
    sent = ["configure terminal", "interface GigabitEthernet9/9", "  exit", "  exit", "vlan 20", "end"]
    output = (
        "configure terminal\nR1(config)#interface GigabitEthernet9/9\n"
        "                     ^\n% Invalid input detected at '^' marker.\n\n"
        "R1(config)#  exit\nR1#  exit\n"
    )
    transcript = read_transcript(output, sent)
    assert not transcript.complete
    assert transcript.echoed == 4
    assert [r.line for r in transcript.rejected] == ["interface GigabitEthernet9/9"]


# -- a session on an emulated device ---------------------------------------------------------------


def test_a_push_larger_than_one_window_arrives_whole(lab: dict[str, tuple[str, int]]) -> None:
    lines: list[str] = []
    for n in range(150):
        lines += [f"interface Loopback{100 + n}", f"  description window test {n:04d}", "  exit"]
    assert sum(len(line) + 1 for line in lines) > 2 * WINDOW
    session = _session(lab["R2"])
    try:
        transcript = session.configure(lines)
        assert transcript.complete and not transcript.rejected
        running = session.run("show running-config")
        assert "interface Loopback249\n description window test 0149" in running
        undo = session.configure([f"no interface Loopback{100 + n}" for n in range(150)])
        assert undo.complete and not undo.rejected
    finally:
        session.close()


def test_a_new_hostname_is_followed(lab: dict[str, tuple[str, int]]) -> None:
    session = _session(lab["SW3"])
    try:
        assert session.prompt == "SW3#"
        assert session.configure(["hostname SW3-with-a-long-new-name"]).complete
        assert session.prompt == "SW3-with-a-long-new-name#"
        assert "hostname SW3-with-a-long-new-name" in session.run("show running-config")
        assert session.configure(["hostname SW3"]).complete
        assert session.prompt == "SW3#"
        assert session.run("show running-config").startswith("Building configuration")
    finally:
        session.close()


def test_a_login_below_privilege_15_is_enabled(lab: dict[str, tuple[str, int]]) -> None:
    session = _session(lab["SW2"], OPERATOR, OPERATOR_PASSWORD)
    try:
        assert session.prompt == "SW2#"
        assert "Current configuration" in session.run("show running-config")
    finally:
        session.close()


# -- deploys that meet refusals ----------------------------------------------------------------------


def _deploy(endpoints: dict[str, tuple[str, int]]) -> DeployReport:
    nr = ios_devices(init_nornir(SITE.directory, Credentials(USER, PASSWORD, "test"), endpoints))
    return deploy_devices(nr, SITE)


def _deploy_with_extra(
    lab: dict[str, tuple[str, int]], monkeypatch: pytest.MonkeyPatch, device: str, extra: str
) -> tuple[HostReport, str, str]:
    """Deploy the site after a good deploy, with `extra` config in `device`'s intended config:
    the device's report, its managed config before, and its running config after."""
    assert _deploy(lab).ok
    before = managed_scope(_running(lab[device]))
    real = render_intended

    def with_extra(site: Site, name: str) -> str:
        text = real(site, name)
        return text.replace("\nend", f"\n{extra}end") if name == device else text

    monkeypatch.setattr("automation.tasks.config.render_intended", with_extra)
    report = _deploy(lab)
    assert all(h.error is None for h in report.hosts if h.host != device)
    return next(h for h in report.hosts if h.host == device), before, _running(lab[device])


REFUSALS = {
    # Two refused lines among good ones: a new loopback with a typo, a route with a bad hop.
    "refused lines in the middle": (
        "R1",
        "interface Loopback77\n description before the typo\n ip adress 10.77.0.1 255.255.255.255\n"
        " description after the typo\n!\nip route 10.78.0.0 255.255.0.0 nowhere\n"
        "interface Loopback78\n description after both\n!\n",
        ["'ip adress 10.77.0.1 255.255.255.255' rejected: % Invalid input",
         "'ip route 10.78.0.0 255.255.0.0 nowhere' rejected: % Invalid input"],
        ["Loopback77", "Loopback78"],
    ),
    # An interface the device does not have: its `exit` leaves config mode and the next `exit`
    # ends the session. The lines before it were applied; the rollback logs in again.
    "a refused section that ends the session": (
        "R2",
        "interface Loopback55\n description applied before the refusal\n!\n"
        "interface GigabitEthernet9/9\n description no such port\n!\n"
        "interface Loopback56\n description never reached\n!\n",
        ["'interface GigabitEthernet9/9' rejected: % Invalid input", "the device ended the session"],
        ["Loopback55", "Loopback56"],
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", REFUSALS)
def test_refusals_in_a_push_are_named_and_rolled_back(
    case: str, lab: dict[str, tuple[str, int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    device, extra, named, undone = REFUSALS[case]
    report, before, after = _deploy_with_extra(lab, monkeypatch, device, extra)
    assert report.error is not None
    for text in named:
        assert text in report.error
    assert report.rolled_back and not report.saved
    assert not [name for name in undone if name in after]
    assert managed_scope(after) == before
