"""The `gns3` and `cml` targets as they are today: a lab the user built in GNS3 or CML, reached at
the in-band management addresses written in hosts.yaml (router Loopback0, switch management SVI,
server address). Nothing is built: the real GNS3 and CML providers will build it from
topology.yaml.

The PCs have no address the toolkit knows of on these targets, so their end-to-end checks fail
with a pointer to the `static` target, which takes an endpoint for every PC.
"""

from __future__ import annotations

from automation.checks.hosts import HostRunner, SshRunner
from automation.errors import UsageError
from automation.models.design import Site
from automation.providers.base import ConsoleCommand, Endpoint, LabStatus, NodeStatus
from automation.secrets import server_credentials


class InbandProvider:
    def __init__(self, site: Site, name: str) -> None:
        self.site = site
        self.name = name

    def up(self) -> LabStatus:
        return self.status()

    def down(self, wipe: bool = False) -> list[str]:
        return []

    def status(self) -> LabStatus:
        nodes = tuple(NodeStatus(n.name, n.kind, None, None, None, None, ()) for n in self.site.nodes)
        return LabStatus(self.site.name, nodes, notes=("devices at their hosts.yaml addresses",))

    def endpoints(self) -> dict[str, Endpoint]:
        return {}  # hosts.yaml as written

    def runner(self) -> HostRunner:
        creds = server_credentials(generate=False)
        return SshRunner({}, creds.password, creds.username)

    def console(self, node: str) -> ConsoleCommand:
        raise UsageError(
            f"no console for {node} on target {self.name}; open it in {self.name.upper()} itself"
        )
