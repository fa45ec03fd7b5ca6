"""Small system outputs: clock, hosts, inventory, privilege, archive, dir, memory, CPU, startup."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from automation.emulator.config import RunningConfig
from automation.platforms.cisco_ios.cli import HISTORY_SIZE

if TYPE_CHECKING:
    from automation.emulator.frames import Shell


def clock(now: datetime) -> str:
    return f"*{now:%H:%M:%S}.{now.microsecond // 1000:03d} UTC {now:%a %b} {now.day} {now.year}\n"


def hosts(cfg: RunningConfig) -> str:
    domain = f"Default domain is {cfg.domain_name}" if cfg.domain_name else "Default domain is not set"
    servers = " ".join(str(s) for s in cfg.name_servers)
    lookup = "Name/address lookup uses " + (
        f"domain service\nName servers are {servers}"
        if cfg.domain_lookup and servers
        else "static mappings"
        if not cfg.domain_lookup
        else "domain service\nName servers are 255.255.255.255"
    )
    return (
        f"{domain}\n{lookup}\n\n"
        "Codes: UN - unknown, EX - expired, OK - OK, ?? - revalidate\n"
        "       temp - temporary, perm - permanent\n"
        "       NA - Not Applicable None - Not defined\n\n"
        "Host                      Port  Flags      Age Type   Address(es)\n"
    )


def inventory(kind: str, serial: str) -> str:
    if kind == "router":
        return (
            f'NAME: "IOSv", DESCR: "Cisco IOSv Chassis"\nPID: IOSv              , VID: 1.0, SN: {serial}\n\n'
        )
    return (
        'NAME: "vIOS-L2", DESCR: "Cisco vIOS-L2 Chassis"\n'
        f"PID: vios_l2           , VID: 1.0, SN: {serial}\n\n"
    )


def privilege(level: int) -> str:
    return f"Current privilege level is {level}\n"


def archive(next_name: str | None, saved: list[str], maximum: int) -> str:
    """`show archive`; `next_name` None: the feature is off (no `path`)."""
    head = [
        f"The maximum archive configurations allowed is {maximum}.",
        f"There are currently {len(saved)} archive configurations saved.",
        f"The next archive file will be named {next_name or 'Archive feature not enabled-<timestamp>-0'}",
        " Archive #  Name",
    ]
    rows = []
    for n in range(1, max(maximum, len(saved)) + 1):
        name = saved[n - 1] if n <= len(saved) else ""
        recent = " <- Most Recent" if n == len(saved) else ""
        rows.append(f"   {n:<8}{f' {name}{recent}' if name else ''}")
    return "\n".join([*head, *rows]) + "\n"


def directory(kind: str, startup_size: int | None, boot: datetime) -> str:
    image = "vios-adventerprisek9-m" if kind == "router" else "vios_l2-adventerprisek9-m"
    size = 142830048 if kind == "router" else 98701824
    stamp = f"{boot:%b %d %Y %H:%M:%S} +00:00"
    rows = [f"    1  -rw-   {size:>10}  {stamp}  {image}"]
    if startup_size is not None:
        rows.append(f"    2  -rw-   {startup_size:>10}  {stamp}  nvram")
    return (
        "Directory of flash0:/\n\n" + "\n".join(rows) + "\n\n2142715904 bytes total (1994342400 bytes free)\n"
    )


def memory_statistics() -> str:
    return (
        "                Head    Total(b)     Used(b)     Free(b)   Lowest(b)  Largest(b)\n"
        "Processor   7F2C8C4C3010   471180224   184519104   286661120   285493568   285890436\n"
        "      I/O   7F2C8D0C3010    63963136    34012864    29950272    29950272    29948732\n"
    )


_PROCESSES = [
    (1, 0, 15, 0, "Chunk Manager"),
    (2, 12, 3451, 3, "Load Meter"),
    (3, 1040, 212, 4905, "SpanTree Helper"),
    (4, 0, 1, 0, "Retransmission of"),
    (5, 0, 1, 0, "IPC ISSU Dispatch"),
    (6, 27, 2210, 12, "Exec"),
    (7, 3, 17, 176, "RF Slave Main Thr"),
    (8, 1852, 9131, 202, "Check heaps"),
]


def processes_cpu() -> str:
    out = [
        "CPU utilization for five seconds: 1%/0%; one minute: 1%; five minutes: 1%",
        " PID Runtime(ms)     Invoked      uSecs   5Sec   1Min   5Min TTY Process ",
    ]
    for pid, runtime, invoked, usecs, name in _PROCESSES:
        out.append(f"{pid:>4}{runtime:>12}{invoked:>12}{usecs:>11}  0.00%  0.00%  0.00%   0 {name:<17}")
    return "\n".join(out) + "\n"


def startup(text: str | None) -> str:
    if text is None:
        return "startup-config is not present\n"
    return f"Using {len(text.encode())} out of 262144 bytes\n{text}"


def cdp_global() -> str:
    return (
        "Global CDP information:\n"
        "  Sending CDP packets every 60 seconds\n"
        "  Sending a holdtime value of 180 seconds\n"
        "  Sending CDPv2 advertisements is  enabled\n"
    )


def terminal(s: Shell) -> str:
    """`show terminal` of a vty (IOS 15.x layout from memory; the numbers are this session's)."""
    line = 2 + (s.vty or 0)
    return (
        f'Line {line}, Location: "", Type: "xterm"\n'
        f"Length: {s.term_length} lines, Width: {s.term_width} columns\n"
        "Baud rate (TX/RX) is 9600/9600\n"
        "Status: PSI Enabled, Ready, Active, No Exit Banner, Automore On\n"
        "Capabilities: none\n"
        "Modem state: Ready\n"
        "Group codes:    0\n"
        "Special Chars: Escape  Hold  Stop  Start  Disconnect  Activation\n"
        "                ^^x    none   -     -       none         \n"
        "Timeouts:      Idle EXEC    Idle Session   Modem Answer  Session   Dispatch\n"
        "               00:10:00        never                        none     not set\n"
        "                            Idle Session Disconnect Warning\n"
        "                              never \n"
        "                            Login-sequence User Response\n"
        "                             00:00:30\n"
        "                            Autoselect Initial Wait\n"
        "                              not set \n"
        "Modem type is unknown.\n"
        "Session limit is not set.\n"
        "Time since activation: 00:00:00\n"
        "Editing is enabled.\n"
        f"History is enabled, history size is {HISTORY_SIZE}.\n"
        "DNS resolution in show commands is enabled\n"
        "Full user help is disabled\n"
        "Allowed input transports are ssh.\n"
        "Allowed output transports are telnet ssh.\n"
        "Preferred transport is none.\n"
        "No output characters are padded\n"
        "No special data dispatching characters\n"
    )
