"""The `cml` target: the site as a Cisco Modeling Labs 2.x lab, through virl2-client.

`up()` imports the generated lab (checked against our schema first) unless a lab of that title
made by the toolkit exists, starts it, waits for convergence and reads the management addresses
CML learnt back. `down()` stops, wipes and removes only that lab.
Settings: CML_URL, CML_USER, CML_PASSWORD (else the vault's `cml_password`), CML_VERIFY_TLS.
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict

from automation.checks.hosts import HostRunner, SshRunner
from automation.errors import LabError, UsageError
from automation.models.design import Site
from automation.models.targets import load_targets
from automation.providers.base import ConsoleCommand, Endpoint, LabStatus, NodeStatus
from automation.providers.cml.topology import SITE_TAG, build_topology, lab_title, topology_yaml
from automation.providers.day0 import day0_configs
from automation.providers.static import wait_for_ssh
from automation.secrets import api_password, device_credentials, enable_secret, server_credentials

log = logging.getLogger(__name__)


class CmlBudgets(BaseModel):
    """Seconds: how long a started lab may take to converge (IOSv labs take a few minutes), and
    how often CML is asked."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    converge: float = 600
    poll: float = 5
    ssh: float = 600  # after convergence: IOS makes its keys, cloud-init runs the Linux day-0

    @property
    def iterations(self) -> int:
        return max(1, math.ceil(self.converge / self.poll))


@dataclass(frozen=True)
class CmlSettings:
    url: str
    user: str
    password: str
    verify: bool | str

    def __repr__(self) -> str:
        return f"CmlSettings(url={self.url!r}, user={self.user!r}, password='***')"


def cml_settings() -> CmlSettings:
    url = os.environ.get("CML_URL")
    if not url:
        raise UsageError("no CML server: set CML_URL (https://cml.example.net), CML_USER and CML_PASSWORD")
    password = api_password("CML_PASSWORD", "cml_password", "CML password")
    raw = os.environ.get("CML_VERIFY_TLS", "true")
    verify: bool | str = raw if raw.startswith("/") else raw.lower() not in ("0", "false", "no")
    return CmlSettings(url, os.environ.get("CML_USER") or "admin", password, verify)


def connect(settings: CmlSettings) -> Any:
    """A logged-in virl2_client.ClientLibrary. It tries the login when made, but only logs a refused
    one as a warning unless told to raise (the first lab call would then fail instead)."""
    from virl2_client import ClientLibrary  # imported here: only the cml target needs it

    try:
        return ClientLibrary(
            settings.url, settings.user, settings.password, ssl_verify=settings.verify,
            raise_for_auth_failure=True,
        )  # fmt: skip
    except Exception as exc:  # virl2-client raises httpx errors and its own, by version
        text = str(exc).replace(settings.password, "***")
        raise LabError(f"cannot log in to CML at {settings.url} as {settings.user!r} ({text}); "
                       "check CML_URL, CML_USER and CML_PASSWORD") from None  # fmt: skip


class CMLProvider:
    name = "cml"

    def __init__(self, site: Site, *, connector: Callable[[CmlSettings], Any] = connect,
                 settings: CmlSettings | None = None, budgets: CmlBudgets | None = None) -> None:  # fmt: skip
        self.site = site
        self.budgets = budgets or CmlBudgets()
        self.targets = load_targets(site)
        self.title = lab_title(site, self.targets)
        self._connector = connector
        self._settings = settings
        self.discovered: dict[str, str] = {}  # node -> the management address CML learnt

    def _client(self) -> Any:
        if self._settings is None:
            self._settings = cml_settings()
        return self._connector(self._settings)

    def lab_yaml(self) -> str:
        day0 = day0_configs(
            self.site, self.targets, device_credentials(), enable_secret(), hosts=server_credentials()
        )
        return topology_yaml(build_topology(self.site, self.targets, day0))

    def _ours(self, client: Any) -> Any | None:
        for lab in client.find_labs_by_title(self.title):
            if f"{SITE_TAG} site {self.site.name}" in (lab.description or ""):
                return lab
        return None

    def up(self) -> LabStatus:
        text = self.lab_yaml()
        client = self._client()
        lab = self._ours(client)
        if lab is None:
            lab = client.import_lab(text, title=self.title)
            log.info("cml: imported lab %s (%s)", self.title, lab.id)
        lab.start(wait=False)
        b = self.budgets
        try:  # returns None once converged, raises RuntimeError when the iterations ran out
            lab.wait_until_lab_converged(max_iterations=b.iterations, wait_time=b.poll)
        except RuntimeError:
            raise LabError(
                f"CML lab {self.title} did not converge in {b.converge:.0f} s; see its nodes' consoles "
                "in CML, then run `mastertech lab up --target cml` again (the lab is reused)"
            ) from None
        self._read_addresses(lab)
        bridge = self.targets.file.cml.external_connector
        hint = f"is this machine on management.prefix (targets.yaml), bridged by {bridge!r}?"
        wait_for_ssh(self.endpoints(), b.ssh, hint)
        return self.status()

    def _read_addresses(self, lab: Any) -> None:
        lab.sync_layer3_addresses()
        for m in self.targets.management:
            node = lab.get_node_by_label(m.name)
            iface = next((i for i in node.interfaces() if i.label == m.interface), None)
            if iface is not None and iface.discovered_ipv4:
                self.discovered[m.name] = iface.discovered_ipv4[0]

    def down(self, wipe: bool = False) -> list[str]:
        client = self._client()
        lab = self._ours(client)
        if lab is None:
            return []
        lab.stop(wait=True)
        lab.wipe(wait=True)
        lab.remove()
        return [f"lab {self.title}"]

    def status(self) -> LabStatus:
        lab = self._ours(self._client())
        if lab is None:
            raise LabError(
                f"no CML lab {self.title} made for site {self.site.name}; "
                "run `mastertech lab up --target cml`"
            )
        pcs = {p.name: p for p in self.site.pcs}
        eps = self.endpoints()
        nodes = tuple(
            NodeStatus(
                name=n.name, kind=n.kind, netns=None, mgmt=eps[n.name],
                department=pcs[n.name].department if n.name in pcs else None,
                mail=pcs[n.name].mail_user if n.name in pcs else None,
                addresses=(str(self.targets.mgmt(n.name).address),),
            )
            for n in self.site.nodes
        )  # fmt: skip
        phase = "ready" if lab.state() == "STARTED" else str(lab.state()).lower()
        notes = [f"CML lab {self.title} ({lab.id})"]
        differ = [
            f"{n} at {a}" for n, a in self.discovered.items() if a != str(self.targets.mgmt(n).address.ip)
        ]
        notes += [f"CML saw other management addresses: {', '.join(differ)}"] if differ else []
        return LabStatus(self.site.name, nodes, phase, tuple(notes))

    def endpoints(self) -> dict[str, Endpoint]:
        return {m.name: Endpoint(str(m.address.ip), 22) for m in self.targets.management}

    def runner(self) -> HostRunner:
        creds = server_credentials(generate=False)
        eps = self.endpoints()
        return SshRunner({p.name: eps[p.name] for p in self.site.pcs}, creds.password, creds.username)

    def console(self, node: str) -> ConsoleCommand:
        settings = self._settings or cml_settings()
        host = settings.url.split("://", 1)[-1].split("/", 1)[0]
        # CML's console server: `open /<lab>/<node>/0` after logging in over SSH.
        return ConsoleCommand(("ssh", "-t", f"{settings.user}@{host}", f"open /{self.title}/{node}/0"))
