"""Global service and management lines: `service`, logging, banners, clock, SSH/SCP, login, CDP/LLDP.

All stored in the running config and printed back in IOS's canonical form; none has a
data-plane effect (no syslog is sent, the clock stays the host's).
"""

from __future__ import annotations

from automation.emulator.frames import Reject, Shell
from automation.emulator.grammar.common import banner_text
from automation.emulator.interfaces import InterfaceName
from automation.emulator.parser import Args, Command

LEVELS = (
    "emergencies",
    "alerts",
    "critical",
    "errors",
    "warnings",
    "notifications",
    "informational",
    "debugging",
)
LEVEL = "{<lvl:int:0-7>|" + "|".join(LEVELS) + "}"

# `service X` words beyond timestamps/password-encryption, with whether IOSv has them on at boot
# (on-by-default ones print as `no service X` when turned off).
SERVICE_DEFAULTS = {
    "pad": True,
    "tcp-keepalives-in": False,
    "tcp-keepalives-out": False,
    "sequence-numbers": False,
    "dhcp": True,
    "config": False,
    "call-home": False,
    "nagle": False,
    "linenumber": False,
    "tcp-small-servers": False,
    "udp-small-servers": False,
    "internal": False,
    "slave-log": False,
}


def level_of(a: Args) -> str | None:
    if "lvl" in a:
        return LEVELS[a["lvl"]]
    for word in reversed(a.keywords):
        if word in LEVELS:
            return word
    return None


async def service_flag(s: Shell, a: Args) -> None:
    word = a.head().split()[1]
    on = not a.negated
    if a.defaulted:
        on = SERVICE_DEFAULTS[word]
    if on == SERVICE_DEFAULTS[word]:
        s.device.config.services.pop(word, None)
    else:
        s.device.config.services[word] = on


async def service_timestamps(s: Shell, a: Args) -> None:
    log = s.device.config.logging
    which = "log" if a.has("log") else "debug"
    if a.negated:
        value = "datetime msec" if a.defaulted else None
    elif a.has("datetime"):
        # Options in any order; IOS prints them in its own order.
        names = ("msec", "localtime", "show-timezone", "year")
        typed = str(a.get("opts", "")).split()
        chosen: set[str] = set()
        first = len(a.line[: a.line.index(typed[0])].split()) if typed else 0
        for i, word in enumerate(typed):
            found = [n for n in names if n.startswith(word.lower())]
            if len(found) != 1 or found[0] in chosen:
                raise Reject("ambiguous" if len(found) > 1 else "invalid", first + i)
            chosen.add(found[0])
        value = " ".join(["datetime", *(n for n in names if n in chosen)])
    else:
        value = "uptime"
    if which == "log":
        log.timestamps_log = value
    else:
        log.timestamps_debug = value
    if not a.has("log") and not a.has("debug") and not a.negated:
        log.timestamps_debug = value


async def logging_buffered(s: Shell, a: Args) -> None:
    log = s.device.config.logging
    if a.negated:
        log.buffered, log.buffered_size, log.buffered_level = False, None, None
        return
    log.buffered = True
    if "size" in a:
        log.buffered_size = a["size"]
    level = level_of(a)
    log.buffered_level = None if level == "debugging" else level
    if level is None and "size" not in a:
        log.buffered_level = None


async def logging_console(s: Shell, a: Args) -> None:
    log = s.device.config.logging
    log.console = not a.negated or a.defaulted
    level = None if a.negated else level_of(a)
    log.console_level = None if level == "debugging" else level


async def logging_monitor(s: Shell, a: Args) -> None:
    log = s.device.config.logging
    log.monitor = not a.negated or a.defaulted
    level = None if a.negated else level_of(a)
    log.monitor_level = None if level == "debugging" else level


async def logging_trap(s: Shell, a: Args) -> None:
    level = None if a.negated else level_of(a)
    s.device.config.logging.trap_level = None if level == "informational" else level


async def logging_facility(s: Shell, a: Args) -> None:
    facility = None if a.negated else a.keywords[-1]
    s.device.config.logging.facility = None if facility == "local7" else facility


async def logging_source(s: Shell, a: Args) -> None:
    iface: InterfaceName | None = a.get("if")
    s.device.config.logging.source_interface = None if a.negated or iface is None else iface.name


async def logging_host(s: Shell, a: Args) -> None:
    hosts = s.device.config.logging.hosts
    if a.negated:
        if a["host"] in hosts:
            hosts.remove(a["host"])
    elif a["host"] not in hosts:
        hosts.append(a["host"])


async def banner(s: Shell, a: Args) -> None:
    cfg = s.device.config
    which = a.head().split()[1]
    text = None if a.negated else await banner_text(s, a["text"])
    if text is None and not a.negated:
        return
    if which == "login":
        cfg.banner_login = text
    elif which == "exec":
        cfg.banner_exec = text
    else:
        cfg.banner_motd = text


async def clock_timezone(s: Shell, a: Args) -> None:
    cfg = s.device.config
    if a.negated:
        cfg.clock_timezone = None
        return
    minutes = a.get("minutes", 0)
    cfg.clock_timezone = f"{a['zone']} {a['hours']} {minutes}"


async def clock_summer(s: Shell, a: Args) -> None:
    cfg = s.device.config
    cfg.clock_summer_time = None if a.negated else f"{a['zone']} {a['rest']}"


async def ssh_timeout(s: Shell, a: Args) -> None:
    value = None if a.negated else a["n"]
    s.device.config.ssh_timeout = None if value == 120 else value


async def ssh_retries(s: Shell, a: Args) -> None:
    value = None if a.negated else a["n"]
    s.device.config.ssh_retries = None if value == 3 else value


async def scp_server(s: Shell, a: Args) -> None:
    s.device.config.scp_server = not a.negated


async def login_block(s: Shell, a: Args) -> None:
    s.device.config.login_block_for = None if a.negated else (a["secs"], a["tries"], a["within"])


async def login_log(s: Shell, a: Args) -> None:
    cfg = s.device.config
    if a.has("on-failure"):
        cfg.login_on_failure_log = not a.negated
    else:
        cfg.login_on_success_log = not a.negated


async def cdp_run(s: Shell, a: Args) -> None:
    s.device.config.cdp_run = not a.negated or a.defaulted


async def lldp_run(s: Shell, a: Args) -> None:
    s.device.config.lldp_run = not a.negated


CONFIG = [
    Command(
        "service timestamps [{debug|log}] [{uptime|datetime [<opts:line>]}]",
        service_timestamps,
        no="service timestamps [{debug|log}] [<rest:line>]",
    ),
    *[Command(f"service {word}", service_flag, no="") for word in SERVICE_DEFAULTS],
    Command(
        f"logging buffered [<size:int:4096-2147483647>] [{LEVEL}]",
        logging_buffered,
        no="logging buffered [<rest:line>]",
    ),
    Command(f"logging console [{LEVEL}]", logging_console, no="logging console [<rest:line>]"),
    Command(f"logging monitor [{LEVEL}]", logging_monitor, no="logging monitor [<rest:line>]"),
    Command(f"logging trap [{LEVEL}]", logging_trap, no="logging trap [<rest:line>]"),
    Command(
        "logging facility {auth|cron|daemon|kern|local0|local1|local2|local3|local4|local5|local6|local7"
        "|lpr|mail|news|sys10|sys11|sys12|sys13|sys14|sys9|syslog|user|uucp}",
        logging_facility,
        no="logging facility [<rest:line>]",
    ),
    Command(
        "logging source-interface <if:iface>", logging_source, no="logging source-interface [<if:iface>]"
    ),
    Command("logging host <host:ip>", logging_host, no=""),
    Command("logging <host:ip>", logging_host, no=""),
    Command("banner {login|exec|motd} <text:line>", banner, no="banner {login|exec|motd}"),
    Command(
        "clock timezone <zone:word> <hours:int:-23-23> [<minutes:int:0-59>]",
        clock_timezone,
        no="clock timezone [<rest:line>]",
    ),
    Command("clock summer-time <zone:word> <rest:line>", clock_summer, no="clock summer-time [<rest:line>]"),
    Command("ip ssh time-out <n:int:1-120>", ssh_timeout, no="ip ssh time-out [<n:int:1-120>]"),
    Command(
        "ip ssh authentication-retries <n:int:0-5>",
        ssh_retries,
        no="ip ssh authentication-retries [<n:int:0-5>]",
    ),
    Command("ip scp server enable", scp_server, no=""),
    Command(
        "login block-for <secs:int:1-65535> attempts <tries:int:1-65535> within <within:int:1-65535>",
        login_block,
        no="login block-for [<rest:line>]",
    ),
    Command("login {on-failure|on-success} log", login_log, no=""),
    Command("cdp run", cdp_run, no=""),
    Command("lldp run", lldp_run, no=""),
]
