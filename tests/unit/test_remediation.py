"""Remediation over the managed scope: nothing for a device already right, `no` for stale lines,
and day-0 lines outside the scope (users, lines, boot markers) are never touched."""

from __future__ import annotations

import pytest
from hier_config import Platform, get_hconfig

from automation.inventory import PROJECT_INVENTORY
from automation.models import load_site
from automation.remediation import managed_scope, remediate
from automation.render import render_intended

DAY0 = """Building configuration...

Current configuration : 999 bytes
!
version 15.9
hostname Router
!
boot-start-marker
boot-end-marker
!
enable secret 9 $9$abc
username admin privilege 15 secret 9 $9$def
!
interface GigabitEthernet0/0
 no ip address
 shutdown
 duplex auto
 speed auto
 media-type rj45
!
line vty 0 4
 login local
 transport input ssh
!
end
"""


@pytest.fixture(scope="module")
def intended() -> str:
    return render_intended(load_site(PROJECT_INVENTORY / "mastertech"), "R1")


def _future(running: str, commands: tuple[str, ...]) -> str:
    run = get_hconfig(Platform.CISCO_IOS, managed_scope(running))
    fix = get_hconfig(Platform.CISCO_IOS, "\n".join(c for c in commands if c.strip() != "exit"))
    return "\n".join(run.future(fix).dump_simple())


def test_a_device_already_right_gets_nothing(intended: str) -> None:
    unmanaged = (
        "version 15.9\nboot-start-marker\nusername admin privilege 15 secret 9 $9$d\n"
        "line vty 0 4\n login local\n"
    )
    assert remediate(unmanaged + intended, intended).empty


def test_day0_lines_outside_the_scope_are_left_alone(intended: str) -> None:
    commands = remediate(DAY0, intended).commands
    assert "hostname R1" in commands
    assert not any("username" in c or "line vty" in c or "boot-" in c or "secret" in c for c in commands)


def test_stale_lines_inside_the_scope_get_their_no(intended: str) -> None:
    running = (
        intended.replace("router ospf 1\n", "router ospf 1\n network 172.16.0.0 0.0.255.255 area 0\n")
        + "ip dhcp pool OLD\n network 10.9.9.0 255.255.255.0\n"
    )
    commands = remediate(running, intended).commands
    assert "no ip dhcp pool OLD" in commands
    assert "  no network 172.16.0.0 0.0.255.255 area 0" in commands


def test_running_plus_remediation_is_intended(intended: str) -> None:
    result = remediate(DAY0, intended)
    want = get_hconfig(Platform.CISCO_IOS, managed_scope(intended))
    got = get_hconfig(Platform.CISCO_IOS, _future(DAY0, result.commands))
    assert sorted(got.dump_simple()) == sorted(want.dump_simple())


def test_physical_interfaces_are_defaulted_never_removed(intended: str) -> None:
    back = remediate(intended, DAY0).commands  # the way a rollback goes: from intended to day 0
    assert not any(line.startswith("no interface GigabitEthernet") and "." not in line for line in back)
    assert "no interface Loopback0" in back
