"""Descriptions printed by `?` help, as IOS 15.x words them (from memory of IOSv; see README)."""

from __future__ import annotations

from automation.emulator.parser import Elem

# (context word, keyword) overrides first, then keyword alone.
_IN_CONTEXT: dict[tuple[str, str], str] = {
    ("show", "running-config"): "Current operating configuration",
    ("running-config", "all"): "Configuration with defaults",
    ("running-config", "interface"): "Show interface configuration",
    ("show", "interfaces"): "Interface status and configuration",
    ("show", "ip"): "IP information",
    ("show", "ipv6"): "IPv6 information",
    ("show", "version"): "System hardware and software status",
    ("show", "clock"): "Display the system clock",
    ("show", "logging"): "Show the contents of logging buffers",
    ("show", "history"): "Display the session command history",
    ("show", "terminal"): "Display terminal configuration parameters",
    ("show", "vlan"): "VTP VLAN status",
    ("show", "access-lists"): "List access lists",
    ("show", "users"): "Display information about terminal lines",
    ("show", "cdp"): "CDP information",
    ("show", "lldp"): "LLDP information",
    ("ip", "ospf"): "OSPF information",
    ("ip", "route"): "Establish static routes",
    ("ip", "address"): "Set the IP address of an interface",
    ("ip", "access-list"): "Named access list",
    ("router", "ospf"): "Open Shortest Path First (OSPF)",
    ("router", "eigrp"): "Enhanced Interior Gateway Routing Protocol (EIGRP)",
    ("router", "bgp"): "Border Gateway Protocol (BGP)",
    ("|", "begin"): "Begin with the line that matches",
    ("|", "count"): "Count number of lines which match regexp",
    ("|", "exclude"): "Exclude lines that match",
    ("|", "include"): "Include lines that match",
    ("|", "section"): "Filter a section of output",
}

_WORDS: dict[str, str] = {
    "access-list": "Add an access list entry",
    "banner": "Define a login banner",
    "bandwidth": "Set bandwidth informational parameter",
    "cdp": "Global CDP configuration subcommands",
    "channel-group": "Etherchannel/port bundling configuration",
    "clock": "Configure time-of-day clock",
    "configure": "Enter configuration mode",
    "copy": "Copy from one file to another",
    "default": "Set a command to its defaults",
    "description": "Interface specific description",
    "dir": "List files on a filesystem",
    "disable": "Turn off privileged commands",
    "do": "To run exec commands in config mode",
    "duplex": "Configure duplex operation.",
    "enable": "Turn on privileged commands",
    "encapsulation": "Set encapsulation type for an interface",
    "end": "Exit from configure mode",
    "exit": "Exit from the EXEC",
    "hostname": "Set system's network name",
    "interface": "Select an interface to configure",
    "ip": "Global IP configuration subcommands",
    "ipv6": "Global IPv6 configuration commands",
    "line": "Configure a terminal line",
    "lldp": "Global LLDP configuration subcommands",
    "logging": "Modify message logging facilities",
    "login": "Enable secure login checking",
    "logout": "Exit from the EXEC",
    "media-type": "Media type",
    "mtu": "Set the interface Maximum Transmission Unit (MTU)",
    "no": "Negate a command or set its defaults",
    "ntp": "Configure NTP",
    "ping": "Send echo messages",
    "reload": "Halt and perform a cold restart",
    "router": "Enable a routing process",
    "service": "Modify use of network based services",
    "show": "Show running system information",
    "shutdown": "Shutdown the selected interface",
    "snmp-server": "Modify SNMP engine parameters",
    "spanning-tree": "Spanning Tree Subsystem",
    "speed": "Configure speed operation.",
    "switchport": "Set switching mode characteristics",
    "terminal": "Set terminal line parameters",
    "traceroute": "Trace route to destination",
    "username": "Establish User Name Authentication",
    "vlan": "Vlan commands",
    "vtp": "Configure global VTP state",
    "write": "Write running configuration to memory, network, or terminal",
    "GigabitEthernet": "GigabitEthernet IEEE 802.3z",
    "Loopback": "Loopback interface",
    "Tunnel": "Tunnel interface",
    "Port-channel": "Ethernet Channel of interfaces",
    "Vlan": "Catalyst Vlans",
}

_ARGS = {
    "A.B.C.D": "IP address",
    "WORD": "Name",
    "LINE": "Text",
}


def describe(word: str, context: str, elem: Elem | None = None) -> str:
    """The help text beside `word` when it follows `context`."""
    found = _IN_CONTEXT.get((context, word)) or _WORDS.get(word)
    if found:
        return found
    if elem is not None and elem.keyword is None:
        if elem.type == "int":
            return (elem.name or "Number").replace("_", " ").capitalize()
        return _ARGS.get(word, (elem.name or "").capitalize())
    return word.replace("-", " ").capitalize()
