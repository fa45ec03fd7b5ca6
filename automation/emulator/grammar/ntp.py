"""`ntp ...` lines: stored and printed (the emulated clock is the host's; nothing is synced)."""

from __future__ import annotations

from automation.emulator.config import NtpServer
from automation.emulator.frames import Shell
from automation.emulator.interfaces import InterfaceName
from automation.emulator.parser import Args, Command


async def server(s: Shell, a: Args) -> None:
    ntp = s.device.config.ntp
    addr = a["addr"]
    ntp.servers = [x for x in ntp.servers if x.address != addr]
    if a.negated:
        return
    iface: InterfaceName | None = a.get("if")
    ntp.servers.append(NtpServer(addr, a.has("prefer"), a.get("key"), iface.name if iface else None))


async def source(s: Shell, a: Args) -> None:
    iface: InterfaceName | None = a.get("if")
    s.device.config.ntp.source = None if a.negated or iface is None else iface.name


async def master(s: Shell, a: Args) -> None:
    s.device.config.ntp.master = None if a.negated else a.get("stratum", 8)


async def update_calendar(s: Shell, a: Args) -> None:
    s.device.config.ntp.update_calendar = not a.negated


async def authenticate(s: Shell, a: Args) -> None:
    s.device.config.ntp.authenticate = not a.negated


async def auth_key(s: Shell, a: Args) -> None:
    keys = s.device.config.ntp.keys
    if a.negated:
        keys.pop(a["n"], None)
    else:
        keys[a["n"]] = a["key"]


async def trusted_key(s: Shell, a: Args) -> None:
    trusted = s.device.config.ntp.trusted_keys
    if a.negated:
        if a["n"] in trusted:
            trusted.remove(a["n"])
    elif a["n"] not in trusted:
        trusted.append(a["n"])
        trusted.sort()


def render(cfg_ntp: object) -> list[str]:
    from automation.emulator.config import Ntp
    from automation.emulator.secret import type7

    assert isinstance(cfg_ntp, Ntp)
    out: list[str] = []
    for n, key in sorted(cfg_ntp.keys.items()):
        out.append(f"ntp authentication-key {n} md5 {type7(key)} 7")
    if cfg_ntp.authenticate:
        out.append("ntp authenticate")
    for n in cfg_ntp.trusted_keys:
        out.append(f"ntp trusted-key {n}")
    if cfg_ntp.source:
        out.append(f"ntp source {cfg_ntp.source}")
    if cfg_ntp.master is not None:
        out.append("ntp master" if cfg_ntp.master == 8 else f"ntp master {cfg_ntp.master}")
    if cfg_ntp.update_calendar:
        out.append("ntp update-calendar")
    for srv in cfg_ntp.servers:
        line = f"ntp server {srv.address}"
        if srv.key is not None:
            line += f" key {srv.key}"
        if srv.source:
            line += f" source {srv.source}"
        if srv.prefer:
            line += " prefer"
        out.append(line)
    return out


CONFIG = [
    Command(
        "ntp server <addr:ip> [key <key:int:1-4294967295>] [source <if:iface>] [prefer]",
        server,
        no="ntp server <addr:ip> [<rest:line>]",
    ),
    Command(
        "ntp server <addr:ip> [prefer] [key <key:int:1-4294967295>] [source <if:iface>]",
        server,
        no=None,
    ),
    Command("ntp source <if:iface>", source, no="ntp source [<if:iface>]"),
    Command("ntp master [<stratum:int:1-15>]", master, no="ntp master [<stratum:int:1-15>]"),
    Command("ntp update-calendar", update_calendar, no=""),
    Command("ntp authenticate", authenticate, no=""),
    Command(
        "ntp authentication-key <n:int:1-4294967295> md5 <key:word> [<type:int:0-7>]",
        auth_key,
        no="ntp authentication-key <n:int:1-4294967295> [<rest:line>]",
    ),
    Command("ntp trusted-key <n:int:1-4294967295>", trusted_key, no=""),
]
