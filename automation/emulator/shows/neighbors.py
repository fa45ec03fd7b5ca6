"""`show cdp neighbors [detail]`."""

from __future__ import annotations

from automation.emulator.dataplane import CdpNeighbor
from automation.platforms.cisco_ios import short_name

LEGEND = """\
Capability Codes: R - Router, T - Trans Bridge, B - Source Route Bridge
                  S - Switch, H - Host, I - IGMP, r - Repeater, P - Phone,
                  D - Remote, C - CVTA, M - Two-port Mac Relay
"""


def _short(name: str) -> str:
    try:
        return short_name(name).replace("Gi", "Gig ")
    except ValueError:
        return name


def show_cdp_neighbors(neighbors: list[CdpNeighbor]) -> str:
    out = [
        LEGEND.rstrip("\n"),
        "",
        "Device ID        Local Intrfce     Holdtme    Capability  Platform  Port ID",
    ]
    for n in neighbors:
        device = n.device_id
        row = (
            f"{_short(n.local_interface):<18}{n.holdtime:<11}{n.capabilities:>10}  "
            f"{n.platform:<10}{_short(n.remote_interface)}"
        )
        if len(device) > 16:
            out += [device, f"{'':17}{row}"]
        else:
            out.append(f"{device:<17}{row}")
    out += ["", f"Total cdp entries displayed : {len(neighbors)}"]
    return "\n".join(out) + "\n"


def show_cdp_detail(neighbors: list[CdpNeighbor]) -> str:
    out: list[str] = []
    for n in neighbors:
        caps = {"R": "Router", "S": "Switch", "I": "IGMP", "B": "Source-Route-Bridge", "H": "Host"}
        words = " ".join(caps.get(c, c) for c in n.capabilities.split())
        out += ["-------------------------", f"Device ID: {n.device_id}", "Entry address(es): "]
        if n.address:
            out.append(f"  IP address: {n.address}")
        out += [
            f"Platform: Cisco {n.platform},  Capabilities: {words} ",
            f"Interface: {n.local_interface},  Port ID (outgoing port): {n.remote_interface}",
            f"Holdtime : {n.holdtime} sec",
            "",
            "Version :",
            "Cisco IOS Software, IOSv Software (VIOS-ADVENTERPRISEK9-M), Version 15.8(3)M2, "
            "RELEASE SOFTWARE (fc2)",
            "Technical Support: http://www.cisco.com/techsupport",
            "Copyright (c) 1986-2019 by Cisco Systems, Inc.",
            "Compiled Thu 28-Mar-19 14:06 by prod_rel_team",
            "",
            "advertisement version: 2",
            "Duplex: full",
            "Management address(es): ",
        ]
        if n.address:
            out.append(f"  IP address: {n.address}")
        out.append("")
    if neighbors:
        out.append("")
    out.append(f"Total cdp entries displayed : {len(neighbors)}")
    return "\n".join(out) + "\n"
