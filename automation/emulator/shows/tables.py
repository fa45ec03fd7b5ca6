"""`show ip arp` / `show arp` and `show mac address-table`."""

from __future__ import annotations

from automation.emulator.dataplane import ArpEntry, MacEntry
from automation.platforms.cisco_ios import short_name


def show_arp(entries: list[ArpEntry]) -> str:
    out = ["Protocol  Address          Age (min)  Hardware Addr   Type   Interface"]
    for e in sorted(entries, key=lambda e: int(e.address)):
        age = "-" if e.age_minutes is None else str(e.age_minutes)
        out.append(f"Internet  {e.address!s:<17}{age:>9}   {e.mac:<16}ARPA   {e.interface}")
    return "\n".join(out) + "\n"


def show_mac_table(entries: list[MacEntry]) -> str:
    out = [
        "          Mac Address Table",
        "-------------------------------------------",
        "",
        "Vlan    Mac Address       Type        Ports",
        "----    -----------       --------    -----",
    ]
    for e in sorted(entries, key=lambda e: (e.vlan, e.mac)):
        out.append(f"{e.vlan:>4}    {e.mac:<18}{e.type:<12}{short_name(e.port)}")
    out.append(f"Total Mac Addresses for this criterion: {len(entries)}")
    return "\n".join(out) + "\n"
