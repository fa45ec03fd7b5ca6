"""`snmp-server ...` lines: stored and printed in IOS's order; no SNMP agent answers."""

from __future__ import annotations

from automation.emulator.frames import Shell
from automation.emulator.parser import Args, Command


async def community(s: Shell, a: Args) -> None:
    snmp = s.device.config.snmp
    name = a["name"]
    if a.negated:
        snmp.communities.pop(name, None)
        return
    rest = a.canonical().split(maxsplit=3)[3:]
    snmp.communities[name] = rest[0] if rest else "RO"


async def location(s: Shell, a: Args) -> None:
    s.device.config.snmp.location = None if a.negated else a["text"]


async def contact(s: Shell, a: Args) -> None:
    s.device.config.snmp.contact = None if a.negated else a["text"]


async def traps(s: Shell, a: Args) -> None:
    snmp = s.device.config.snmp
    text = str(a.get("rest", "")).strip()
    if a.negated:
        snmp.traps = [t for t in snmp.traps if text and t != text]
    elif text not in snmp.traps:
        snmp.traps.append(text)


async def host(s: Shell, a: Args) -> None:
    snmp = s.device.config.snmp
    addr = str(a["addr"])
    snmp.hosts = [h for h in snmp.hosts if h.split()[0] != addr]
    if not a.negated:
        snmp.hosts.append(a.canonical().split(maxsplit=2)[2])


async def other(s: Shell, a: Args) -> None:
    snmp = s.device.config.snmp
    text = a.canonical().split(maxsplit=1)[1]
    if a.negated:
        snmp.other = [x for x in snmp.other if x != text]
    elif text not in snmp.other:
        snmp.other.append(text)


def render(cfg_snmp: object) -> list[str]:
    from automation.emulator.config import Snmp

    assert isinstance(cfg_snmp, Snmp)
    out = [f"snmp-server community {name} {rest}" for name, rest in cfg_snmp.communities.items()]
    if cfg_snmp.location:
        out.append(f"snmp-server location {cfg_snmp.location}")
    if cfg_snmp.contact:
        out.append(f"snmp-server contact {cfg_snmp.contact}")
    out += [f"snmp-server {x}" for x in cfg_snmp.other]
    out += [f"snmp-server enable traps{' ' + t if t else ''}" for t in cfg_snmp.traps]
    out += [f"snmp-server host {h}" for h in cfg_snmp.hosts]
    return out


CONFIG = [
    Command(
        "snmp-server community <name:word> [view <view:word>] [{RO|RW}] [{<acl:int:1-99>|<acl:word>}]",
        community,
        no="snmp-server community <name:word> [<rest:line>]",
    ),
    Command("snmp-server location <text:line>", location, no="snmp-server location [<text:line>]"),
    Command("snmp-server contact <text:line>", contact, no="snmp-server contact [<text:line>]"),
    Command("snmp-server enable traps [<rest:line>]", traps, no=""),
    Command(
        "snmp-server host <addr:ip> [{informs|traps}] [version {1|2c|3 {auth|noauth|priv}}] "
        "<community:word> [<rest:line>]",
        host,
        no="snmp-server host <addr:ip> [<rest:line>]",
    ),
    Command(
        "snmp-server {ifindex|trap-source|source-interface|system-shutdown|chassis-id|packetsize"
        "|queue-length} [<rest:line>]",
        other,
        no="",
    ),
]
