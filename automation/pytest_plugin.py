"""The site's acceptance checks as a pytest run: `pytest -p mastertech --mastertech-site S`.

Registered as the pytest11 entry point `mastertech`, so it loads in every pytest run of an
environment with the toolkit installed; without `--mastertech-site` it does nothing at all (no
items, and its fixtures skip). With it, every end-to-end check of the site
(`automation.checks.e2e.plan_checks`) and every negative mail check
(`automation.mail.checks.plan_negative_checks`) becomes one test item named for what it proves,
`test_lease[BE-PC1]`, `test_mail_round_trip[Backend->Frontend-imap]`, with the host, department,
target and site as JUnit properties; a failing item says what it expected and what it saw.

Before the first item the lab is made ready: on the embedded target, a lab that is not running
is built and the main job's stages run (deploy, servers, verify) and it is taken down at the end
unless `--mastertech-keep`; `--mastertech-up` runs those stages on any target first.

Fixtures for users' own tests: `site` (the design), `lab` (the provider), `nornir` (the IOS
devices), `pc` (`pc("BE-PC1")` runs probes on that PC) and `mail_client` (`mail_client("alice")`
sends and reads mail as that user, at their PC).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from nornir.core import Nornir

    from automation.checks.e2e import CheckContext, PlannedCheck
    from automation.checks.hosts import HostRunner
    from automation.checks.result import CheckResult
    from automation.mail.client import MailClient
    from automation.mail.server import MailServerControl
    from automation.models.design import Site
    from automation.providers.base import LabProvider

NO_SITE = "give --mastertech-site SITE to run against a MasterTech lab"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("mastertech", "MasterTech acceptance checks (automation.pytest_plugin)")
    group.addoption("--mastertech-site", metavar="SITE", help="run the acceptance checks of this site")
    group.addoption(
        "--mastertech-target", metavar="TARGET", default="embedded",
        help="embedded (default), static (needs --mastertech-endpoints), gns3 or cml",
    )  # fmt: skip
    group.addoption("--mastertech-endpoints", metavar="FILE", help="the endpoints file of a static lab")
    group.addoption("--mastertech-inventory", metavar="DIR", help="inventory directory (default ./inventory)")
    group.addoption(
        "--mastertech-up", action="store_true",
        help="run the main job (lab, deploy, servers, verify) before the checks, on any target",
    )  # fmt: skip
    group.addoption(
        "--mastertech-keep", action="store_true", help="leave up an embedded lab the run had to start"
    )
    group.addoption(
        "--mastertech-disruptive", action="store_true",
        help="also run the checks that stop a server daemon for a moment (Dovecot), started again after",
    )  # fmt: skip


class PrepareFailed(Exception):
    """The lab could not be made ready: every check item errors with this reason."""


class CheckFailed(Exception):
    def __init__(self, planned: PlannedCheck, result: CheckResult) -> None:
        super().__init__(result.detail)
        self.planned, self.result = planned, result


def failure_text(planned: PlannedCheck, result: CheckResult, site: str, target: str) -> str:
    """What a failed check item says: the check, where, what it expected and what it saw."""
    where = f"{planned.host} ({planned.department})" if planned.department else planned.host
    return (
        f"{planned.name} on {where}, site {site}, target {target}\n"
        f"expected: {planned.expected}\nsaw:      {result.detail}"
    )


class MastertechRun:
    """One pytest session's site, lab and the checks' shared state; everything opened lazily."""

    def __init__(self, config: pytest.Config) -> None:
        from automation.inventory import resolve_site_dir
        from automation.models import load_site
        from automation.providers import provider_for

        option = config.getoption
        inventory = option("mastertech_inventory")
        endpoints = option("mastertech_endpoints")
        self.target: str = option("mastertech_target")
        self.up_first: bool = option("mastertech_up")
        self.keep: bool = option("mastertech_keep")
        self.disruptive: bool = option("mastertech_disruptive")
        self.site: Site = load_site(
            resolve_site_dir(option("mastertech_site"), Path(inventory) if inventory else None)
        )
        self.provider: LabProvider = provider_for(
            self.target, self.site, Path(endpoints) if endpoints else None
        )
        self.started = False
        self._prepared: str | None = None  # "" ready, else why not
        self._runner: HostRunner | None = None
        self._context: CheckContext | None = None
        self._control: MailServerControl | None = None

    def plan(self) -> list[PlannedCheck]:
        from automation.checks.e2e import plan_checks
        from automation.mail.checks import plan_negative_checks

        plan = plan_checks(self.site)
        if self.disruptive and self.site.mail is not None:
            return plan + plan_negative_checks(self.site, self.control)
        return plan + plan_negative_checks(self.site)

    def prepare(self) -> None:
        """Make the lab ready once; a failure is kept and raised for every item."""
        if self._prepared is None:
            try:
                self._prepare()
                self._prepared = ""
            except Exception as exc:  # reported on every item, not as an internal error of pytest
                self._prepared = f"{type(exc).__name__}: {exc}"
        if self._prepared:
            raise PrepareFailed(f"the lab of site {self.site.name} is not ready: {self._prepared}")

    def _prepare(self) -> None:
        from automation.errors import AutomationError
        from automation.pipeline import JobRequest, main_stages, run_stages

        needed = self.up_first
        if self.target == "embedded" and not needed:
            try:
                self.provider.status()
            except AutomationError:
                needed = self.started = True
        if not needed:
            return
        stages = [
            s
            for s in main_stages(
                self.site, self.provider, JobRequest(site=self.site.name, target=self.target)
            )
            if s.name != "end-to-end check"
        ]
        job = run_stages(stages)
        if not job.ok:
            failed = next((r for r in job.records if not r.ok), None)
            raise PrepareFailed(f"stage {failed.name}: {failed.detail}" if failed else "the main job stopped")

    @property
    def runner(self) -> HostRunner:
        self.prepare()
        if self._runner is None:
            self._runner = self.provider.runner()
        return self._runner

    def context(self) -> CheckContext:
        from automation.checks.e2e import CheckContext

        if self._context is None:
            self._context = CheckContext(self.site, self.runner)
        return self._context

    def control(self) -> MailServerControl:
        from automation.mail.server import MailServerControl

        if self._control is None:
            self._control = MailServerControl(self.site, self.provider)
        return self._control

    def close(self) -> None:
        if self._runner is not None:
            self._runner.close()
        if self._control is not None:
            self._control.close()
        if self.started and not self.keep:
            self.provider.down()


RUN_KEY = pytest.StashKey[MastertechRun]()


def _run(config: pytest.Config) -> MastertechRun | None:
    return config.stash.get(RUN_KEY, None)


def pytest_configure(config: pytest.Config) -> None:
    if not config.getoption("mastertech_site", None):
        return
    from automation.errors import AutomationError, SiteError

    config.addinivalue_line("markers", "mastertech: an acceptance check of a MasterTech site")
    try:
        config.stash[RUN_KEY] = MastertechRun(config)
    except SiteError as exc:
        raise pytest.UsageError("mastertech: " + "; ".join(exc.problems)) from exc
    except AutomationError as exc:
        raise pytest.UsageError(f"mastertech: {exc}") from exc


def pytest_unconfigure(config: pytest.Config) -> None:
    run = _run(config)
    if run is not None:
        run.close()


class SiteChecks(pytest.Collector):
    """The site's checks, collected whether or not the folder holds tests of its own."""

    def collect(self) -> list[pytest.Item]:
        run = _run(self.config)
        assert run is not None
        return [CheckItem.from_parent(self, name=p.test, planned=p) for p in run.plan()]


@pytest.hookimpl(tryfirst=True)  # before -k and -m deselect
def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    run = _run(config)
    if run is None:
        return
    name = f"{run.site.name}-acceptance"
    collector = SiteChecks.from_parent(session, name=name, nodeid=name)
    # genitems reports the collector like any other, so the run's header counts its items.
    items[:0] = list(session.genitems(collector))


class CheckItem(pytest.Item):
    def __init__(self, *, planned: PlannedCheck, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.planned = planned
        run = _run(self.config)
        assert run is not None
        self.mt = run
        self.add_marker("mastertech")
        self.user_properties += [
            ("host", planned.host), ("department", planned.department or ""), ("target", run.target),
            ("site", run.site.name), ("check", planned.name),
        ]  # fmt: skip

    def setup(self) -> None:
        self.mt.prepare()

    def runtest(self) -> None:
        result = self.planned.run(self.mt.context())
        self.user_properties.append(("detail", result.detail))
        if not result.ok:
            raise CheckFailed(self.planned, result)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, CheckFailed):
            return failure_text(
                excinfo.value.planned, excinfo.value.result, self.mt.site.name, self.mt.target
            )
        if isinstance(excinfo.value, PrepareFailed):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"{self.planned.name} on {self.planned.host}"


# --- fixtures for users' own tests ----------------------------------------------------------------


@pytest.fixture(scope="session")
def mastertech_run(request: pytest.FixtureRequest) -> MastertechRun:
    """The session's MasterTech run, with its lab ready."""
    run = _run(request.config)
    if run is None:
        pytest.skip(NO_SITE)
    run.prepare()
    return run


@pytest.fixture(scope="session")
def site(mastertech_run: MastertechRun) -> Site:
    """The site's design (`automation.models.design.Site`)."""
    return mastertech_run.site


@pytest.fixture(scope="session")
def lab(mastertech_run: MastertechRun) -> LabProvider:
    """The lab's provider: `status()`, `endpoints()`, `runner()`."""
    return mastertech_run.provider


@pytest.fixture(scope="session")
def nornir(mastertech_run: MastertechRun) -> Iterator[Nornir]:
    """A Nornir of the site's IOS devices at the lab's endpoints (netmiko connections)."""
    from automation.inventory.nornir import device_nornir

    nr = device_nornir(mastertech_run.site, mastertech_run.provider.endpoints())
    yield nr
    nr.close_connections(on_good=True, on_failed=True)


@dataclass(frozen=True)
class PcHost:
    """A PC of the site, bound to the lab's host runner: `pc("BE-PC1").probe("ping", targets=[...])`."""

    name: str
    runner: HostRunner

    def probe(self, kind: str, **args: Any) -> dict[str, Any]:
        """One probe of `automation.checks.probe` on this PC; its JSON answer."""
        return self.runner(self.name, kind, args)

    def facts(self) -> dict[str, Any]:
        """Addresses, default gateway, nameservers and search domains of the PC."""
        return self.probe("host")


@pytest.fixture(scope="session")
def pc(mastertech_run: MastertechRun) -> Callable[[str], PcHost]:
    """`pc(name)`: a host runner bound to that PC."""
    names = [p.name for p in mastertech_run.site.pcs]

    def bind(name: str) -> PcHost:
        if name not in names:
            pytest.fail(f"no PC {name!r} in site {mastertech_run.site.name}; use one of {', '.join(names)}")
        return PcHost(name, mastertech_run.runner)

    return bind


@pytest.fixture(scope="session")
def mail_client(mastertech_run: MastertechRun) -> Callable[[str], MailClient]:
    """`mail_client(user)`: that user's mail client at their PC (`send`, `fetch`)."""
    from automation.mail.client import MailClient, MailSession

    session = MailSession(mastertech_run.site, mastertech_run.runner)

    def client(user: str) -> MailClient:
        return MailClient(session, user)

    return client
