"""The main job's runner with fake stages: order, stop at the first failure, errors as data."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from automation import pipeline
from automation.errors import SiteError, UsageError
from automation.pipeline import JobResult, Settings, Stage, StageRecord, run_stages
from automation.polling import poll


@dataclass(frozen=True)
class Fake:
    ok: bool
    detail: str


def stage(name: str, calls: list[str], ok: bool = True, raises: Exception | None = None) -> Stage:
    def run() -> Fake:
        calls.append(name)
        if raises is not None:
            raise raises
        return Fake(ok, f"{name} done")

    return Stage(name, run)


def test_stages_run_in_order_and_all_pass() -> None:
    calls: list[str] = []
    result = run_stages([stage(n, calls) for n in ("a", "b", "c")])
    assert calls == ["a", "b", "c"]
    assert result.ok and result.exit_code == 0
    assert [r.name for r in result.records] == ["a", "b", "c"]
    assert [r.detail for r in result.records] == ["a done", "b done", "c done"]


def test_the_first_failing_stage_stops_the_job() -> None:
    calls: list[str] = []
    result = run_stages([stage("a", calls), stage("b", calls, ok=False), stage("c", calls)])
    assert calls == ["a", "b"]
    assert not result.ok and result.exit_code == 1
    assert [(r.name, r.ok) for r in result.records] == [("a", True), ("b", False)]


def test_a_stage_that_raises_is_a_failed_stage_in_one_json_document() -> None:
    calls: list[str] = []
    boom = RuntimeError("the lab caught fire")
    result = run_stages([stage("a", calls), stage("b", calls, raises=boom), stage("c", calls)])
    assert calls == ["a", "b"]
    document = json.loads(json.dumps(result.as_json()))
    assert document["ok"] is False
    assert [s["name"] for s in document["stages"]] == ["a", "b"]
    failed = document["stages"][-1]
    assert failed["ok"] is False and failed["error"] == "the lab caught fire"
    assert set(failed) == {"name", "ok", "seconds", "detail", "error"}
    assert result.exit_code == 1


@pytest.mark.parametrize(
    "error", [UsageError("bad --target"), SiteError(["a.yaml: x: bad", "b.yaml: y: bad"])]
)
def test_bad_input_exits_2(error: Exception) -> None:
    result = run_stages([stage("validate", [], raises=error)])
    assert result.exit_code == 2
    assert "bad" in result.as_json()["stages"][0]["error"]


def test_a_job_with_stages_left_over_is_not_ok() -> None:
    passed = StageRecord("a", True, 0.0, "")
    assert not JobResult((passed,), ("a", "b")).ok
    assert JobResult((passed,), ("a",)).ok


class Recorder:
    """Observer: what it was told, in order."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def started(self, name: str) -> None:
        self.seen.append(f"start {name}")

    def finished(self, record: StageRecord) -> None:
        self.seen.append(f"end {record.name} {record.ok}")


def test_observer_sees_every_stage_start_and_end() -> None:
    observer = Recorder()
    run_stages([stage("a", []), stage("b", [], ok=False)], observer)
    assert observer.seen == ["start a", "end a True", "start b", "end b False"]


def grouped(name: str, calls: list[str], barrier: threading.Barrier, ok: bool = True) -> Stage:
    """A stage of group `g` that only returns once every stage of the barrier is running."""

    def run() -> Fake:
        barrier.wait(timeout=5)  # raises BrokenBarrierError unless the others run at the same time
        calls.append(name)
        return Fake(ok, f"{name} done")

    return Stage(name, run, group="g")


def test_stages_of_one_group_run_at_the_same_time_and_report_in_order() -> None:
    calls: list[str] = []
    barrier = threading.Barrier(2)
    result = run_stages([stage("a", calls), grouped("b", calls, barrier), grouped("c", calls, barrier),
                         stage("d", calls)])  # fmt: skip
    assert result.ok
    assert sorted(calls[1:3]) == ["b", "c"] and calls[0] == "a" and calls[-1] == "d"
    assert [r.name for r in result.records] == ["a", "b", "c", "d"]
    document = result.as_json()
    assert [set(s) for s in document["stages"]] == [{"name", "ok", "seconds", "detail", "error"}] * 4


@pytest.mark.parametrize("failing", ["b", "c"])
def test_a_failing_stage_of_a_group_stops_the_job_after_the_group(failing: str) -> None:
    calls: list[str] = []
    barrier = threading.Barrier(2)
    result = run_stages([
        grouped("b", calls, barrier, ok=failing != "b"),
        grouped("c", calls, barrier, ok=failing != "c"),
        stage("d", calls),
    ])  # fmt: skip
    assert sorted(calls) == ["b", "c"]
    assert [(r.name, r.ok) for r in result.records] == [("b", failing != "b"), ("c", failing != "c")]
    assert not result.ok and result.exit_code == 1


def test_a_raising_stage_of_a_group_is_reported_with_its_error() -> None:
    def boom() -> Fake:
        raise RuntimeError("no route to R9")

    result = run_stages([Stage("x", boom, group="g"), stage("y", [], ok=True), Stage("z", boom, group="g")])
    assert [r.name for r in result.records] == ["x"]  # y has no group: x ran alone
    result = run_stages([Stage("x", boom, group="g"), Stage("y", lambda: Fake(True, "fine"), group="g")])
    assert [(r.name, r.ok) for r in result.records] == [("x", False), ("y", True)]
    assert result.as_json()["stages"][0]["error"] == "no route to R9"


def test_deploy_then_verify_run_beside_the_server_configuration() -> None:
    site = pipeline.load_site(pipeline.resolve_site_dir("mastertech", None))

    class NoProvider:
        pass

    stages = pipeline.main_stages(site, NoProvider(), pipeline.JobRequest())  # type: ignore[arg-type]
    assert [s.name for s in stages] == ["lab up", "deploy devices", "configure servers", "verify",
                                        "end-to-end check"]  # fmt: skip
    lanes = {s.name: (s.group, s.lane) for s in stages}
    assert lanes["deploy devices"][0] == lanes["configure servers"][0] == lanes["verify"][0] is not None
    assert lanes["deploy devices"][1] == lanes["verify"][1] != lanes["configure servers"][1]
    assert lanes["lab up"][0] is None and lanes["end-to-end check"][0] is None


def laned(
    name: str, lane: str, calls: list[str], ok: bool = True, wait: threading.Event | None = None
) -> Stage:
    def run() -> Fake:
        if wait is not None:
            assert wait.wait(timeout=5), "the other lane never ran beside this one"
        calls.append(name)
        return Fake(ok, f"{name} done")

    return Stage(name, run, group="g", lane=lane)


def test_a_lane_runs_in_order_beside_the_other_lanes() -> None:
    calls: list[str] = []
    other_ran = threading.Event()

    def servers() -> Fake:
        other_ran.set()
        calls.append("servers")
        return Fake(True, "servers done")

    observer = Recorder()
    result = run_stages(
        [laned("deploy", "devices", calls, wait=other_ran),
         Stage("servers", servers, group="g", lane="servers"),
         laned("verify", "devices", calls), stage("check", calls)],
        observer,
    )  # fmt: skip
    assert result.ok
    assert calls.index("deploy") < calls.index("verify") and calls[-1] == "check"
    assert [r.name for r in result.records] == ["deploy", "servers", "verify", "check"]
    assert observer.seen.index("end deploy True") < observer.seen.index("start verify")
    assert len(observer.seen) == 8


def test_a_failed_stage_ends_its_lane_and_the_job_after_the_group() -> None:
    calls: list[str] = []
    result = run_stages([
        laned("deploy", "devices", calls, ok=False), laned("servers", "servers", calls),
        laned("verify", "devices", calls), stage("check", calls),
    ])  # fmt: skip
    assert sorted(calls) == ["deploy", "servers"]
    assert [(r.name, r.ok) for r in result.records] == [("deploy", False), ("servers", True)]
    assert not result.ok and result.exit_code == 1


def test_poll_stops_when_done_or_out_of_budget() -> None:
    answers = iter([False, False, True, True])
    value, attempts = poll(lambda: next(answers), bool, budget=5.0, interval=0.0)
    assert value is True and attempts == 3
    value, attempts = poll(lambda: False, bool, budget=0.0, interval=0.0)
    assert value is False and attempts == 1


def test_settings_are_frozen() -> None:
    settings = Settings()
    with pytest.raises(ValueError):
        settings.converge = 1.0  # type: ignore[misc]
    with pytest.raises(ValueError):
        Settings(convrge=1.0)  # type: ignore[call-arg]


def test_up_json_reports_a_raising_stage(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """`mastertech up --json` prints one document whatever a stage does."""
    from automation.cli import app as cli_app

    def stages(*_: object, **__: object) -> list[Stage]:
        return [stage("lab up", []), stage("deploy devices", [], raises=KeyError("R9"))]

    monkeypatch.setattr(pipeline, "main_stages", stages)
    if not cli_app.app.registered_commands:
        cli_app._register()
    out = CliRunner().invoke(cli_app.app, ["up", "--site", "lab06", "--json", "--log-dir", str(tmp_path)])
    document = json.loads(out.stdout)
    assert out.exit_code == 1
    assert [s["name"] for s in document["stages"]] == ["validate", "lab up", "deploy devices"]
    assert document["ok"] is False and document["stages"][-1]["error"] == "'R9'"


def test_up_json_reports_a_bad_target_with_exit_2() -> None:
    from automation.cli import app as cli_app

    if not cli_app.app.registered_commands:
        cli_app._register()
    out = CliRunner().invoke(cli_app.app, ["up", "--site", "lab06", "--target", "moon", "--json"])
    document = json.loads(out.stdout)
    assert out.exit_code == 2
    assert (
        document["stages"][0]["name"] == "validate"
        and "unknown target 'moon'" in document["stages"][0]["error"]
    )


def test_the_cli_imports_the_pipeline_never_the_other_way() -> None:
    source = Path(pipeline.__file__).read_text()
    assert "automation.cli" not in source


class SlowRunner:
    """Probe answers after a short wait, recording how many probes were in flight at once."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.in_flight = 0
        self.most = 0
        self.mail: list[str] = []

    def __call__(self, host: str, kind: str, args: dict[str, object]) -> dict[str, object]:
        with self.lock:
            self.in_flight += 1
            self.most = max(self.most, self.in_flight)
            if kind in ("mail_send", "imap_count", "pop3_take"):
                self.mail.append(kind)
        time.sleep(0.05)
        with self.lock:
            self.in_flight -= 1
        if kind == "host":
            return {"addresses": ["192.168.1.4/24"], "nameservers": ["192.168.1.5"], "search": []}
        if kind == "imap_count":
            return {"count": 0 if "pop3_take" in self.mail else 1}
        return {"mail_send": {"sent": True}, "pop3_take": {"count": 1}}.get(kind, {})

    def close(self) -> None:
        pass


def test_end_to_end_probes_run_at_once_and_report_in_plan_order() -> None:
    from automation.checks.e2e import plan_checks, run_checks

    site = pipeline.load_site(pipeline.resolve_site_dir("lab06", None))
    runner = SlowRunner()
    report = run_checks(site, runner, mail_budget=0.1)
    assert runner.most > 1
    assert [(r.name, r.host) for r in report.results] == [(p.name, p.host) for p in plan_checks(site)]
    # The mail round trip is one chain: its steps in order, each once.
    assert runner.mail == ["mail_send", "imap_count", "pop3_take", "imap_count"]
    in_order = run_checks(site, SlowRunner(), mail_budget=0.1, workers=1)
    assert [r.as_json() for r in in_order.results] == [r.as_json() for r in report.results]
