"""The mail server's daemons, started and stopped over SSH at the server's endpoint.

For the checks that prove what happens when a daemon is down (and the stress run that restarts
Postfix mid-run). It goes through the provider's endpoints and the servers' login like Ansible
does, on every target; only `service dovecot|postfix start|stop|restart|status` can be run.
"""

from __future__ import annotations

from typing import Any

from automation.checks.hosts import SshRunner
from automation.errors import LabError, UsageError
from automation.models.design import Site
from automation.polling import until
from automation.providers.base import LabProvider
from automation.secrets import server_credentials

PORTS = {"dovecot": (110, 143), "postfix": (25, 587)}
READY_BUDGET = 30.0  # seconds for a restarted daemon to answer on its ports


class MailServerControl:
    def __init__(self, site: Site, provider: LabProvider) -> None:
        if site.mail is None:
            raise UsageError(f"site {site.name} has no mail server")
        self.server = site.mail.server
        endpoint = provider.endpoints().get(self.server)
        if endpoint is None:
            raise UsageError(f"{self.server} has no SSH endpoint on target {provider.name}")
        creds = server_credentials(generate=provider.name == "embedded")
        self._runner = SshRunner({self.server: endpoint}, creds.password, creds.username)

    def service(self, name: str, action: str) -> dict[str, Any]:
        answer = self._runner(self.server, "service", {"name": name, "action": action})
        failed = answer.get("status") not in (0, None) and action != "status"
        if "error" in answer or failed:
            why = answer.get("error") or answer.get("output")
            raise LabError(f"{self.server}: service {name} {action} failed: {why}")
        return answer

    def wait_ready(self, name: str, budget: float = READY_BUDGET) -> bool:
        """True once the daemon answers on every port of it inside the server (probed there)."""

        def listening() -> bool:
            answer = self._runner(self.server, "ports_open", {"ports": list(PORTS[name])})
            return bool(answer.get("open")) and all(answer["open"].values())

        return until(listening, budget, 0.5)

    def close(self) -> None:
        self._runner.close()
