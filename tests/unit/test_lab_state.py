"""The lab's state file: a round trip through JSON, and a corrupt file said to be corrupt
(with the file and the fix), never taken for "no lab"; cleanup still goes on without it."""

from __future__ import annotations

from pathlib import Path

import pytest

from automation.lab import cleanup, launcher
from automation.lab.process import ProcessRecord
from automation.lab.state import CorruptState, LabPaths, LabState, NodeRecord, read_state, write_state

pytestmark = pytest.mark.unit


def _state() -> LabState:
    return LabState(
        site="mastertech",
        phase="degraded",
        controller=ProcessRecord("controller", 4242, 99),
        namespaces=["mt-mastertech-r1"],
        processes=[ProcessRecord("mt-mastertech-r1/ospfd", 4243, 100, "mt-mastertech-r1")],
        nodes=[
            NodeRecord(
                name="R1", kind="router", netns="mt-mastertech-r1", mgmt={"host": "127.146.1.1", "port": 22},
                health={"state": "degraded", "reasons": ["ospfd restarted 1x"], "restarts": {"ospfd": 1}},
            ),
            NodeRecord(
                name="MAIL", kind="server", netns="mt-mastertech-mail", init={"pid": 4300, "start": 7}
            ),
        ],
    )  # fmt: skip


def test_state_round_trips(tmp_path: Path) -> None:
    paths = LabPaths(tmp_path / "mastertech")
    assert read_state(paths) is None
    write_state(paths, _state())
    again = read_state(paths)
    assert again == _state()
    assert again is not None and isinstance(again.processes[0], ProcessRecord)


@pytest.mark.parametrize(
    "text", ["{", '{"site": "mastertech", "nodes": [{"name": "R1"}]}', '{"phase": "ready"}', "\x00\x01"]
)
def test_corrupt_state_is_an_error_naming_the_file_and_the_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    monkeypatch.setenv("MASTERTECH_LAB_DIR", str(tmp_path))
    paths = LabPaths.for_site("mastertech")
    paths.root.mkdir(parents=True)
    paths.state.write_text(text)
    with pytest.raises(CorruptState) as caught:
        read_state(paths)
    message = str(caught.value)
    assert str(paths.state) in message and "mastertech lab down --site mastertech" in message
    with pytest.raises(CorruptState):
        launcher.require_running("mastertech")
    assert cleanup._state(paths) is None  # teardown goes by the plan's namespaces instead
