"""Cisco IOS as data: interface names, port sets per device model, VLAN lists, prompts, errors."""

from __future__ import annotations

from automation.platforms.cisco_ios.addresses import NOT_HOST_SPACE
from automation.platforms.cisco_ios.cli import (
    ERROR_MARKERS,
    ERROR_PATTERN,
    MODES,
    RUNNING_CONFIG_MARKER,
    SAVE_OK,
    Mode,
)
from automation.platforms.cisco_ios.interfaces import TYPES, InterfaceType, long_name, short_name
from automation.platforms.cisco_ios.ports import MODELS, DeviceModel
from automation.platforms.cisco_ios.vlans import (
    DEFAULT_VLAN,
    OWN_VLAN_NAMES,
    RESERVED_VLANS,
    vlan_list,
)

__all__ = [
    "DEFAULT_VLAN",
    "ERROR_MARKERS",
    "ERROR_PATTERN",
    "MODELS",
    "MODES",
    "NOT_HOST_SPACE",
    "OWN_VLAN_NAMES",
    "RESERVED_VLANS",
    "RUNNING_CONFIG_MARKER",
    "SAVE_OK",
    "TYPES",
    "DeviceModel",
    "InterfaceType",
    "Mode",
    "long_name",
    "short_name",
    "vlan_list",
]
