"""Real IOS keywords the emulator does not implement.

They take part in abbreviation, so that `s` at exec or `a` in config mode is ambiguous exactly as
on IOS, and a line that starts with one fails at its second word like an unsupported option would.
`no` forms of them are accepted silently (removal of something that cannot be configured here).
"""

from __future__ import annotations

from automation.emulator.frames import Reject, Shell
from automation.emulator.parser import Args, Command

EXEC_WORDS = [
    "access-enable",
    "access-profile",
    "archive",
    "cd",
    "clear",
    "clock",
    "connect",
    "crypto",
    "debug",
    "delete",
    "disconnect",
    "erase",
    "event",
    "format",
    "fsck",
    "help",
    "history",
    "lock",
    "login",
    "mkdir",
    "monitor",
    "more",
    "mrinfo",
    "name-connection",
    "pwd",
    "release",
    "rename",
    "resume",
    "rlogin",
    "rmdir",
    "send",
    "set",
    "setup",
    "squeeze",
    "ssh",
    "systat",
    "tclsh",
    "telnet",
    "test",
    "tunnel",
    "udld",
    "undebug",
    "verify",
    "where",
    "xconnect",
]

CONFIG_WORDS = [
    "alias",
    "archive",
    "arp",
    "boot",
    "bridge",
    "call-home",
    "class-map",
    "config-register",
    "default-information",
    "dial-peer",
    "dot1x",
    "errdisable",
    "event",
    "key",
    "mac",
    "monitor",
    "object-group",
    "policy-map",
    "port-channel",
    "privilege",
    "route-map",
    "scheduler",
    "subscriber",
    "tacacs-server",
    "track",
]

INTERFACE_WORDS = [
    "arp",
    "delay",
    "keepalive",
    "load-interval",
    "logging",
    "mac-address",
    "service-policy",
    "standby",
    "storm-control",
    "vrrp",
]


async def unsupported(s: Shell, a: Args) -> None:
    if a.negated:
        return
    if "rest" in a:
        raise Reject("invalid", 1)
    raise Reject("incomplete")


def placeholders(words: list[str], config: bool) -> list[Command]:
    out: list[Command] = []
    for word in words:
        no = "[<rest:line>]" if config else None
        out.append(Command(f"{word} <rest:line>", unsupported, no=None, placeholder=True))
        out.append(Command(word, unsupported, no=f"{word} {no}" if no else None, placeholder=True))
    return out
