"""`show version` of IOSv 15.8(3)M2 (router) and IOSvL2 15.2 (switch), from real output."""

from __future__ import annotations

from datetime import datetime, timedelta

_ROUTER_HEAD = """\
Cisco IOS Software, IOSv Software (VIOS-ADVENTERPRISEK9-M), Version 15.8(3)M2, RELEASE SOFTWARE (fc2)
Technical Support: http://www.cisco.com/techsupport
Copyright (c) 1986-2019 by Cisco Systems, Inc.
Compiled Thu 28-Mar-19 14:06 by prod_rel_team
"""

_SWITCH_HEAD = (
    (
        "Cisco IOS Software, vios_l2 Software (vios_l2-ADVENTERPRISEK9-M), Version 15.2(4.0.55)E, "
        "TEST ENGINEERING ESTG_WEEKLY BUILD, synced to  END_OF_FLO_ISP\n"
    )
    + """\
Technical Support: http://www.cisco.com/techsupport
Copyright (c) 1986-2015 by Cisco Systems, Inc.
Compiled Tue 28-Jul-15 18:52 by sasyamal
"""
)

_CRYPTO = """\
This product contains cryptographic features and is subject to United
States and local country laws governing import, export, transfer and
use. Delivery of Cisco cryptographic products does not imply
third-party authority to import, export, distribute or use encryption.
Importers, exporters, distributors and users are responsible for
compliance with U.S. and local country laws. By using this product you
agree to comply with applicable laws and regulations. If you are unable
to comply with U.S. and local laws, return this product immediately.

A summary of U.S. laws governing Cisco cryptographic products may be found at:
http://www.cisco.com/wwl/export/crypto/tool/stqrg.html

If you require further assistance please contact us by sending email to
export@cisco.com.
"""


def uptime(delta: timedelta) -> str:
    """IOS wording: `1 week, 3 days, 16 hours, 11 minutes` (zero parts left out, minutes kept)."""
    minutes = int(delta.total_seconds()) // 60
    years, minutes = divmod(minutes, 525600)
    weeks, minutes = divmod(minutes, 10080)
    days, minutes = divmod(minutes, 1440)
    hours, minutes = divmod(minutes, 60)
    parts = []
    for value, unit in ((years, "year"), (weeks, "week"), (days, "day"), (hours, "hour")):
        if value:
            parts.append(f"{value} {unit}{'s' if value != 1 else ''}")
    parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return ", ".join(parts)


def show_version(kind: str, hostname: str, boot: datetime, now: datetime, serial: str) -> str:
    router = kind == "router"
    image = "vios-adventerprisek9-m" if router else "vios_l2-adventerprisek9-m"
    lines = [
        (_ROUTER_HEAD if router else _SWITCH_HEAD).rstrip("\n"),
        "",
        "",
        "ROM: Bootstrap program is IOSv",
        "",
        f"{hostname} uptime is {uptime(now - boot)}",
        "System returned to ROM by reload",
        f'System image file is "flash0:/{image}"',
        "Last reload reason: Unknown reason",
        "",
        "",
        "",
        _CRYPTO.rstrip("\n"),
        "",
    ]
    if router:
        lines += [
            "Cisco IOSv (revision 1.0) with  with 460137K/62464K bytes of memory.",
            f"Processor board ID {serial}",
            "4 Gigabit Ethernet interfaces",
        ]
    else:
        lines += [
            "Cisco IOSv () processor (revision 1.0) with 935161K/111616K bytes of memory.",
            f"Processor board ID {serial}",
            "16 Gigabit Ethernet interfaces",
        ]
    lines += [
        "DRAM configuration is 72 bits wide with parity disabled.",
        "256K bytes of non-volatile configuration memory.",
        "2097152K bytes of ATA System CompactFlash 0 (Read/Write)",
        "0K bytes of ATA CompactFlash 1 (Read/Write)",
        f"{'11217K' if router else '0K'} bytes of ATA CompactFlash 2 (Read/Write)",
        "0K bytes of ATA CompactFlash 3 (Read/Write)",
        "",
    ]
    if router:
        lines += ["", ""]
    lines.append("Configuration register is 0x0")
    return "\n".join(lines) + "\n"
