"""The supervisor's rules on a clock of its own: restart at once, back off when a daemon keeps
dying, give up and mark the node failed, forgive after a stable spell, and say why in the health."""

from __future__ import annotations

import pytest

from automation.lab.supervisor import BACKOFF, GIVE_UP, RECENT, STABLE, Daemon, Supervisor, lab_phase
from automation.providers.base import Health

pytestmark = pytest.mark.unit


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Fake:
    """A daemon that is up or down as the test says, and counts its starts."""

    def __init__(self, up: bool = True, start_fails: bool = False, dies_on_start: bool = False) -> None:
        self.up, self.start_fails, self.dies_on_start, self.starts = up, start_fails, dies_on_start, 0

    def alive(self) -> bool:
        return self.up

    def restart(self) -> None:
        self.starts += 1
        if self.start_fails:
            raise RuntimeError("bind: address in use")
        self.up = not self.dies_on_start


def _supervised(fake: Fake, grace: float = 0.0) -> tuple[Supervisor, Clock]:
    clock = Clock()
    sup = Supervisor(clock)
    sup.watch(Daemon("R1", "ospfd", alive=fake.alive, restart=fake.restart, grace=grace))
    return sup, clock


def test_a_live_daemon_is_left_alone_and_the_node_is_ok() -> None:
    fake = Fake()
    sup, _ = _supervised(fake)
    assert sup.check() is False
    assert fake.starts == 0
    assert sup.health("R1") == Health("ok", (), {})


def test_a_dead_daemon_is_restarted_at_once_and_the_node_is_degraded_for_a_while() -> None:
    fake = Fake(up=False)
    sup, clock = _supervised(fake)
    assert sup.check() is True
    assert fake.starts == 1 and fake.up
    health = sup.health("R1")
    assert health.state == "degraded"
    assert health.reasons == ("ospfd restarted 1x",)
    assert health.restarts == {"ospfd": 1}
    clock.now += RECENT + 1
    sup.check()
    healed = sup.health("R1")
    assert healed.state == "ok" and healed.restarts == {"ospfd": 1}  # the count stays


def test_a_daemon_that_keeps_dying_backs_off_then_its_node_fails() -> None:
    fake = Fake(up=False, dies_on_start=True)
    sup, clock = _supervised(fake)
    sup.check()
    assert fake.starts == 1
    sup.check()  # dead again at once: the second restart waits BACKOFF[1]
    assert fake.starts == 1
    clock.now += BACKOFF[1]
    sup.check()
    assert fake.starts == 2
    for _ in range(50):
        clock.now += max(BACKOFF)
        sup.check()
    assert fake.starts == GIVE_UP
    health = sup.health("R1")
    assert health.state == "failed"
    assert health.reasons == (f"ospfd gave up after {GIVE_UP} restarts",)
    assert lab_phase([health]) == "degraded"


def test_a_start_that_fails_says_why_and_is_tried_again() -> None:
    fake = Fake(up=False, start_fails=True)
    sup, clock = _supervised(fake)
    sup.check()
    assert sup.health("R1").reasons == ("ospfd down, restarting (bind: address in use)",)
    clock.now += BACKOFF[1]
    fake.start_fails = False
    sup.check()
    assert fake.up and fake.starts == 2


def test_back_off_starts_over_after_a_stable_spell() -> None:
    fake = Fake(up=False)
    sup, clock = _supervised(fake)
    sup.check()
    clock.now += STABLE + 1
    sup.check()  # alive for longer than STABLE: forgiven
    fake.up = False
    sup.check()
    assert fake.starts == 2  # at once again, no back-off


def test_grace_lets_a_service_restart_on_its_own() -> None:
    fake = Fake(up=False)
    sup, clock = _supervised(fake, grace=3.0)
    sup.check()
    assert fake.starts == 0 and sup.health("R1").state == "ok"
    fake.up = True  # e.g. `service postfix restart` by a playbook
    clock.now += 1
    sup.check()
    fake.up = False
    clock.now += 1
    sup.check()
    clock.now += 3
    sup.check()
    assert fake.starts == 1


def test_problems_make_a_node_degraded_and_stop_ends_restarts() -> None:
    fake = Fake()
    sup, _ = _supervised(fake)
    health = sup.health("R1", ["'router ospf 2': the lab runs one OSPF process per router"])
    assert health.state == "degraded"
    assert lab_phase([Health("ok"), health]) == "degraded"
    assert lab_phase([Health("ok")]) == "ready"
    sup.stop()
    fake.up = False
    assert sup.check() is False and fake.starts == 0


def test_health_round_trips_through_json() -> None:
    health = Health("degraded", ("zebra restarted 2x",), {"zebra": 2})
    assert Health.from_json(health.as_json()) == health
