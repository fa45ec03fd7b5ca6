"""Platform knowledge as frozen data: the platform keys, which roles run which, and their ports.

One key per platform everywhere (`cisco_ios`, `linux`). What IOS itself insists on (interface
names, port sets per device model, VLAN lists, prompts, error markers) lives in `cisco_ios/`.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Literal

from automation.platforms import cisco_ios, linux

Role = Literal["router", "switch", "server"]
PLATFORMS: frozenset[str] = frozenset({"cisco_ios", "linux"})
ROLE_PLATFORM: Mapping[str, str] = MappingProxyType(
    {"router": "cisco_ios", "switch": "cisco_ios", "server": "linux"}
)


def ports_for(role: str) -> tuple[str, ...]:
    """Physical ports of a node of this role ("router", "switch", "server" or "pc").

    >>> ports_for("router")[-1]
    'GigabitEthernet0/3'
    >>> len(ports_for("switch")), ports_for("pc")
    (16, ('eth0',))
    """
    model = cisco_ios.MODELS.get(role)
    return model.ports if model is not None else linux.HOST_PORTS


__all__ = ["PLATFORMS", "ROLE_PLATFORM", "Role", "ports_for"]
