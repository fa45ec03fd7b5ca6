"""Lab targets behind one `LabProvider` protocol: `embedded` (namespaces on this machine), `static`
(a lab the user built, reached through an endpoints file), `gns3` and `cml` (built through
their APIs from the site, managed out of band).

`provider_for(target, site)` is the only door to a lab.
"""

from __future__ import annotations

from automation.providers.base import ConsoleCommand, Endpoint, LabProvider, LabStatus, NodeStatus
from automation.providers.registry import TARGETS, provider_for

__all__ = ["TARGETS", "ConsoleCommand", "Endpoint", "LabProvider", "LabStatus", "NodeStatus", "provider_for"]
