"""Lab targets behind one `LabProvider` protocol: `embedded` (namespaces on this machine).

`provider_for(target, site)` returns the provider of a target by name.
"""

from __future__ import annotations

from automation.providers.base import ConsoleCommand, Endpoint, LabProvider, LabStatus, NodeStatus
from automation.providers.registry import provider_for

__all__ = ["ConsoleCommand", "Endpoint", "LabProvider", "LabStatus", "NodeStatus", "provider_for"]
