"""Cisco IOS as data: interface names, port sets per device model, VLAN lists, prompts, errors."""

from __future__ import annotations

from automation.platforms.cisco_ios.addresses import NOT_HOST_SPACE
from automation.platforms.cisco_ios.cli import (
    ERROR_MARKERS,
    ERROR_PATTERN,
    HOSTNAME_ERROR,
    MODES,
    RUNNING_CONFIG_MARKER,
    SAVE_OK,
    Mode,
    valid_hostname,
)
from automation.platforms.cisco_ios.interfaces import (
    SUBINTERFACES,
    TYPES,
    InterfaceType,
    Kind,
    interface_type,
    long_name,
    short_name,
)
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
    "HOSTNAME_ERROR",
    "MODELS",
    "MODES",
    "NOT_HOST_SPACE",
    "OWN_VLAN_NAMES",
    "RESERVED_VLANS",
    "RUNNING_CONFIG_MARKER",
    "SAVE_OK",
    "SUBINTERFACES",
    "TYPES",
    "DeviceModel",
    "InterfaceType",
    "Kind",
    "Mode",
    "interface_type",
    "long_name",
    "short_name",
    "valid_hostname",
    "vlan_list",
]
