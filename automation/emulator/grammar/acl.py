"""IPv4 access lists: numbered (`access-list N ...`) and named (`ip access-list standard|extended`).

Entries are parsed here (not in the pattern language: the extended syntax is positional) into
IOS's printed form: `host A` for a 0.0.0.0 wildcard, `any` for 255.255.255.255, well-known ports
by name (`eq www`), a standard host as the bare address. Stored, printed and shown; no packet
filtering happens (`ip access-group` is stored on the interface only).
"""

from __future__ import annotations

from ipaddress import IPv4Address

from automation.emulator.config import AccessList, AclEntry
from automation.emulator.frames import Reject, Shell
from automation.emulator.parser import Args, Command

TCP_PORTS = {
    7: "echo", 9: "discard", 13: "daytime", 19: "chargen", 20: "ftp-data", 21: "ftp", 23: "telnet",
    25: "smtp", 37: "time", 43: "whois", 49: "tacacs", 53: "domain", 70: "gopher", 79: "finger",
    80: "www", 101: "hostname", 109: "pop2", 110: "pop3", 111: "sunrpc", 113: "ident", 119: "nntp",
    179: "bgp", 194: "irc", 496: "pim-auto-rp", 512: "exec", 513: "login", 514: "cmd", 515: "lpd",
    517: "talk", 540: "uucp", 543: "klogin", 544: "kshell", 3949: "drip",
}  # fmt: skip
UDP_PORTS = {
    7: "echo", 9: "discard", 37: "time", 42: "nameserver", 49: "tacacs", 53: "domain", 67: "bootps",
    68: "bootpc", 69: "tftp", 111: "sunrpc", 123: "ntp", 137: "netbios-ns", 138: "netbios-dgm",
    139: "netbios-ss", 161: "snmp", 162: "snmptrap", 177: "xdmcp", 195: "dnsix", 434: "mobile-ip",
    496: "pim-auto-rp", 500: "isakmp", 512: "biff", 513: "who", 514: "syslog", 517: "talk",
    520: "rip", 4500: "non500-isakmp",
}  # fmt: skip
PROTOCOLS = (
    "ahp",
    "eigrp",
    "esp",
    "gre",
    "icmp",
    "igmp",
    "ip",
    "ipinip",
    "nos",
    "ospf",
    "pcp",
    "pim",
    "tcp",
    "udp",
)
ICMP_TYPES = (
    "administratively-prohibited", "echo", "echo-reply", "host-unreachable", "net-unreachable",
    "packet-too-big", "parameter-problem", "port-unreachable", "redirect", "router-advertisement",
    "router-solicitation", "source-quench", "time-exceeded", "traceroute", "ttl-exceeded", "unreachable",
)  # fmt: skip
TRAILING = ("established", "log", "log-input", "fragments")
VALUED = ("dscp", "precedence", "tos", "time-range")


def standard_number(n: int) -> bool:
    return 1 <= n <= 99 or 1300 <= n <= 1999


def extended_number(n: int) -> bool:
    return 100 <= n <= 199 or 2000 <= n <= 2699


def _expand(word: str, options: tuple[str, ...], index: int) -> str:
    low = word.lower()
    if low in options:
        return low
    found = [o for o in options if o.startswith(low)]
    if len(found) != 1:
        raise Reject("ambiguous" if found else "invalid", index)
    return found[0]


class _Entry:
    """A cursor over the words of one ACL entry; `first` = their index in the typed line."""

    def __init__(self, words: list[str], first: int) -> None:
        self.words = words
        self.i = 0
        self.first = first

    def more(self) -> bool:
        return self.i < len(self.words)

    def peek(self) -> str:
        return self.words[self.i].lower() if self.more() else ""

    def take(self) -> str:
        if not self.more():
            raise Reject("incomplete")
        self.i += 1
        return self.words[self.i - 1]

    def fail(self, back: int = 1) -> Reject:
        return Reject("invalid", self.first + self.i - back)

    def ip(self) -> IPv4Address:
        word = self.take()
        try:
            return IPv4Address(word)
        except ValueError:
            raise self.fail() from None

    def address(self, standard: bool) -> str:
        """`any` | `host A` | `A [W]` -> canonical text."""
        word = self.peek()
        if word and "any".startswith(word) and not word[0].isdigit():
            self.take()
            return "any"
        if word and "host".startswith(word) and not word[0].isdigit():
            self.take()
            addr = self.ip()
            return str(addr) if standard else f"host {addr}"
        addr = self.ip()
        wildcard = IPv4Address("0.0.0.0")
        if self.more() and self.peek()[:1].isdigit():
            wildcard = self.ip()
        if int(wildcard) == 0:
            return str(addr) if standard else f"host {addr}"
        if int(wildcard) == 0xFFFFFFFF:
            return "any"
        masked = IPv4Address(int(addr) & ~int(wildcard) & 0xFFFFFFFF)
        return f"{masked} {wildcard}"

    def port(self, proto: str) -> str:
        word = self.take()
        names = TCP_PORTS if proto == "tcp" else UDP_PORTS
        if word.isdigit():
            number = int(word)
            if not 0 <= number <= 65535:
                raise self.fail()
            return names.get(number, word)
        low = word.lower()
        found = [n for n in names.values() if n.startswith(low)]
        if low in names.values():
            return low
        if len(found) != 1:
            raise self.fail()
        return found[0]

    def ports(self, proto: str) -> str:
        if proto not in ("tcp", "udp") or not self.more():
            return ""
        op = self.peek()
        if op not in ("eq", "neq", "lt", "gt", "range"):
            return ""
        self.take()
        if op == "range":
            return f" range {self.port(proto)} {self.port(proto)}"
        return f" {op} {self.port(proto)}"


def parse_entry(words: list[str], first: int, extended: bool) -> str:
    """The canonical text of an entry after `permit`/`deny`; Reject at the offending word."""
    e = _Entry(words, first)
    if not extended:
        text = e.address(standard=True)
        if e.more() and _expand(e.take(), ("log",), e.first + e.i - 1) == "log":
            text += " log"
        if e.more():
            raise e.fail(0)
        return text
    word = e.take()
    proto = word if word.isdigit() and int(word) <= 255 else _expand(word, PROTOCOLS, first)
    parts = [proto, e.address(standard=False) + e.ports(proto), e.address(standard=False) + e.ports(proto)]
    while e.more():
        word = e.peek()
        options = TRAILING + VALUED + (ICMP_TYPES if proto == "icmp" else ())
        if proto != "tcp":
            options = tuple(o for o in options if o != "established")
        opt = _expand(e.take(), options, e.first + e.i - 1)
        if opt in VALUED:
            opt = f"{opt} {e.take()}"
        parts.append(opt)
    return " ".join(parts)


def _acl(s: Shell, name: str, extended: bool, numbered: bool) -> AccessList:
    acls = s.device.config.access_lists
    acl = acls.get(name)
    if acl is None:
        acl = AccessList(name, extended, numbered)
        acls[name] = acl
    return acl


def _add(acl: AccessList, action: str, text: str, seq: int | None = None) -> None:
    if action != "remark" and any(e.action == action and e.text == text for e in acl.entries):
        return  # IOS ignores an entry that is already in the list
    if seq is None:
        seq = acl.next_seq()
    acl.entries = [e for e in acl.entries if e.seq != seq]
    acl.entries.append(AclEntry(seq, action, text))
    acl.entries.sort(key=lambda e: e.seq)


async def numbered(s: Shell, a: Args) -> None:
    number: int = a["n"]
    cfg = s.device.config
    name = str(number)
    if not standard_number(number) and not extended_number(number):
        raise Reject("invalid", 1)
    if a.negated:
        cfg.access_lists.pop(name, None)
        return
    extended = extended_number(number)
    existing = cfg.access_lists.get(name)
    acl = existing or AccessList(name, extended, True)
    if a.has("remark"):
        _add(acl, "remark", a["text"])
    else:
        words = a["rest"].split()
        action = a.keywords[-1]
        _add(acl, action, parse_entry(words, 3, extended))
    cfg.access_lists[name] = acl


async def named(s: Shell, a: Args) -> None:
    extended = a.has("extended")
    name = str(a["name"])
    cfg = s.device.config
    if name.isdigit():
        n = int(name)
        if (standard_number(n) and extended) or (extended_number(n) and not extended):
            raise Reject("invalid", 3)
    if a.negated:
        cfg.access_lists.pop(name, None)
        return
    acl = cfg.access_lists.get(name)
    if acl is not None and acl.extended != extended:
        s.out(f"% Access-list type conflicts with existing access-list {name}\n")  # from memory
        return
    acl = _acl(s, name, extended, numbered=name.isdigit())
    s.enter("config-ext-nacl" if extended else "config-std-nacl", name)


async def entry(s: Shell, a: Args) -> None:
    acl = s.device.config.access_lists[s.frame.target]
    action = "permit" if a.has("permit") else "deny"
    first = 2 if "seq" in a else 1
    if a.negated:
        first += 1
    text = parse_entry(a["rest"].split(), first, acl.extended)
    if a.negated:
        acl.entries = [e for e in acl.entries if not (e.action == action and e.text == text)]
        return
    seq = a.get("seq")
    if seq is not None and any(e.seq == seq for e in acl.entries):
        s.out("% Duplicate sequence number\n")
        return
    _add(acl, action, text, seq)


async def remove_seq(s: Shell, a: Args) -> None:
    acl = s.device.config.access_lists[s.frame.target]
    acl.entries = [e for e in acl.entries if e.seq != a["seq"]]


async def remark(s: Shell, a: Args) -> None:
    acl = s.device.config.access_lists[s.frame.target]
    if a.negated:
        acl.entries = [e for e in acl.entries if not (e.action == "remark" and e.text == a.get("text"))]
        return
    _add(acl, "remark", a["text"])


def _pad(action: str) -> str:
    """IOS pads `deny` to the width of `permit` in printed entries."""
    return "deny  " if action == "deny" else action


def render(acls: dict[str, AccessList]) -> tuple[list[str], list[str]]:
    """(named blocks, numbered lines) as `show running-config` prints them."""
    named_out: list[str] = []
    numbered_out: list[str] = []
    for acl in sorted((x for x in acls.values() if not x.numbered), key=lambda x: (x.extended, x.name)):
        named_out.append(f"ip access-list {'extended' if acl.extended else 'standard'} {acl.name}")
        named_out += [f" {_pad(e.action)} {e.text}" for e in acl.entries]
    for acl in sorted((x for x in acls.values() if x.numbered), key=lambda x: int(x.name)):
        numbered_out += [f"access-list {acl.name} {_pad(e.action)} {e.text}" for e in acl.entries]
    return named_out, numbered_out


def show_access_lists(acls: dict[str, AccessList], only: str | None = None) -> str:
    out: list[str] = []
    ordered = sorted(acls.values(), key=lambda x: (not x.numbered, int(x.name) if x.numbered else 0, x.name))
    for acl in ordered:
        if only is not None and acl.name != only:
            continue
        out.append(f"{'Extended' if acl.extended else 'Standard'} IP access list {acl.name}")
        for e in acl.entries:
            if e.action == "remark":
                continue
            text = e.text
            if not acl.extended and " " in text and text != "any" and not text.endswith(" log"):
                addr, wildcard = text.split(" ", 1)
                text = f"{addr}, wildcard bits {wildcard}"
            out.append(f"    {e.seq} {_pad(e.action)} {text}")
    return "".join(f"{line}\n" for line in out)


CONFIG = [
    Command(
        "access-list <n:int:1-2699> {permit|deny} <rest:line>",
        numbered,
        no="access-list <n:int:1-2699> [<more:line>]",
    ),
    Command("access-list <n:int:1-2699> remark <text:line>", numbered, no=None),
    Command("ip access-list {standard|extended} <name:word>", named, no=""),
]

NACL = [
    Command("[<seq:int:1-2147483647>] {permit|deny} <rest:line>", entry, no="{permit|deny} <rest:line>"),
    Command("no <seq:int:1-2147483647>", remove_seq, mutates=True),
    Command("remark <text:line>", remark, no="remark [<text:line>]"),
]
