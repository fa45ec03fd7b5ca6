"""The emulator's secret handling without sockets: salts, hash reuse, login bookkeeping, hostnames."""

from __future__ import annotations

import pytest

from automation.emulator.login import LoginGuard, LoginPolicy
from automation.emulator.modes import valid_hostname
from automation.emulator.pipe import compile_regex, parse_filter
from automation.emulator.secret import keep_or_hash, type9, verify_type9


def test_type9_salts_are_random_and_hashes_verify() -> None:
    hashes = {type9("same-password") for _ in range(5)}
    assert len(hashes) == 5
    assert all(verify_type9("same-password", h) and not verify_type9("other", h) for h in hashes)
    salt = next(iter(hashes)).split("$")[2]
    assert len(salt) == 14


def test_keep_or_hash_reuses_only_a_matching_hash() -> None:
    current = type9("pw-1")
    assert keep_or_hash("pw-1", current) == current
    fresh = keep_or_hash("pw-2", current)
    assert fresh != current and verify_type9("pw-2", fresh)
    assert verify_type9("pw-1", keep_or_hash("pw-1", None))


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_login_guard_blocks_after_attempts_within_the_window_then_forgets() -> None:
    clock = Clock()
    guard = LoginGuard(LoginPolicy(attempts=3, within=10, block_for=5), clock)
    assert not guard.failed() and not guard.failed()
    assert guard.quiet_for() == 0
    assert guard.failed()  # the third within 10 s starts quiet mode
    assert guard.quiet_for() == 5
    clock.now += 5.01
    assert guard.quiet_for() == 0
    # Failures spread wider than the window never add up.
    for _ in range(10):
        clock.now += 6
        assert not guard.failed()


@pytest.mark.parametrize("bad", [{"attempts": 0}, {"within": 0}, {"block_for": -1}, {"per_connection": 0}])
def test_login_policy_refuses_nonsense(bad: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        LoginPolicy(**bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "ok"),
    [("R1", True), ("a", True), ("x" * 63, True), ("core-1", True), ("R1;x", False), ("1R", False),
     ("R1-", False), ("", False), ("x" * 64, False), ("R 1", False), ("R1.lab", False)],
)  # fmt: skip
def test_hostname_rules(name: str, ok: bool) -> None:
    assert valid_hostname(name) is ok


def test_regexes_pick_the_linear_engine_unless_they_must_backtrack() -> None:
    linear = compile_regex("(a+)+b")
    assert linear is not None and linear[1] is False
    recall = compile_regex(r"(ab)\1")
    assert recall is not None and recall[1] is True
    assert compile_regex("(") is None
    assert parse_filter(" include (") == len(" include ")
