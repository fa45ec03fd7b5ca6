"""IOS access lists as nftables rules in a lab device's namespace (`ip access-group`).

First match wins, then IOS's implicit deny. Inbound lists filter what an interface receives
(routed through or to the device); outbound lists what is routed out of it, not what the device
sends itself (as on IOS). An entry nftables rules here do not express is left out and reported;
the rest of its list applies.
"""

from __future__ import annotations

from collections.abc import Callable
from ipaddress import IPv4Address

from automation.emulator.config import Interface, RunningConfig
from automation.emulator.grammar.acl import TCP_PORTS, UDP_PORTS

NFT_TABLE = "mt_acl"
PROTOCOL_NUMBERS = {
    "icmp": 1, "igmp": 2, "ipinip": 4, "tcp": 6, "udp": 17, "gre": 47, "esp": 50, "ahp": 51,
    "eigrp": 88, "ospf": 89, "nos": 94, "pim": 103, "pcp": 108,
}  # fmt: skip
# IOS ICMP message names -> nftables `icmp type X [icmp code N]`.
ICMP_MATCHES = {
    "echo": "icmp type echo-request",
    "echo-reply": "icmp type echo-reply",
    "unreachable": "icmp type destination-unreachable",
    "net-unreachable": "icmp type destination-unreachable icmp code 0",
    "host-unreachable": "icmp type destination-unreachable icmp code 1",
    "port-unreachable": "icmp type destination-unreachable icmp code 3",
    "packet-too-big": "icmp type destination-unreachable icmp code 4",
    "administratively-prohibited": "icmp type destination-unreachable icmp code 13",
    "time-exceeded": "icmp type time-exceeded",
    "ttl-exceeded": "icmp type time-exceeded icmp code 0",
    "redirect": "icmp type redirect",
    "parameter-problem": "icmp type parameter-problem",
    "source-quench": "icmp type source-quench",
    "router-advertisement": "icmp type router-advertisement",
    "router-solicitation": "icmp type router-solicitation",
}
PORT_OPS = {"eq": "", "neq": "!= ", "lt": "< ", "gt": "> "}


class Unmapped(Exception):
    """An access-list entry with a part nftables rules here do not express."""


def _address(words: list[str], field: str) -> str:
    """Consume `any` | `host A` | `A [W]` from `words`; the nft match ("" for any)."""
    first = words.pop(0)
    if first == "any":
        return ""
    if first == "host":
        return f"ip {field} {words.pop(0)} "
    address = IPv4Address(first)
    wildcard = IPv4Address(words.pop(0)) if words and words[0][:1].isdigit() else IPv4Address(0)
    mask = ~int(wildcard) & 0xFFFFFFFF
    length = bin(mask).count("1")
    if mask == (0xFFFFFFFF << (32 - length)) & 0xFFFFFFFF:
        return f"ip {field} {address}/{length} " if length < 32 else f"ip {field} {address} "
    return f"ip {field} & {IPv4Address(mask)} == {address} "  # a non-contiguous wildcard


def _port_number(proto: str, word: str) -> int:
    if word.isdigit():
        return int(word)
    names = TCP_PORTS if proto == "tcp" else UDP_PORTS
    return next(n for n, name in names.items() if name == word)


def _ports(words: list[str], proto: str, field: str) -> str:
    if proto not in ("tcp", "udp") or not words or words[0] not in (*PORT_OPS, "range"):
        return ""
    op = words.pop(0)
    if op == "range":
        low, high = _port_number(proto, words.pop(0)), _port_number(proto, words.pop(0))
        return f"{proto} {field} {low}-{high} "
    return f"{proto} {field} {PORT_OPS[op]}{_port_number(proto, words.pop(0))} "


def acl_rule(text: str, extended: bool) -> str:
    """The nft match of one entry's canonical text (as `grammar/acl.py` stores it).

    >>> acl_rule("tcp any host 10.0.0.1 eq www established", True)
    'ip protocol 6 ip daddr 10.0.0.1 tcp dport 80 tcp flags & (ack|rst) != 0 '
    >>> acl_rule("10.1.0.0 0.0.255.255", False)
    'ip saddr 10.1.0.0/16 '
    """
    words = text.split()
    if not extended:
        return _address(words, "saddr")  # a trailing `log` only logs
    proto = words.pop(0)
    match = "" if proto == "ip" else f"ip protocol {PROTOCOL_NUMBERS.get(proto, proto)} "
    match += _address(words, "saddr") + _ports(words, proto, "sport")
    match += _address(words, "daddr") + _ports(words, proto, "dport")
    while words:
        word = words.pop(0)
        if word in ("log", "log-input"):
            continue  # no syslog of matches
        if word == "established":
            match += "tcp flags & (ack|rst) != 0 "
        elif word == "fragments":
            match += "ip frag-off & 0x1fff != 0 "
        elif word in ICMP_MATCHES:
            match += ICMP_MATCHES[word] + " "
        elif word == "dscp" and words and words[0].isdigit():
            match += f"ip dscp {words.pop(0)} "
        else:
            raise Unmapped(word)
    return match


def acl_chain(name: str, entries: list[tuple[str, str]], extended: bool) -> tuple[list[str], list[str]]:
    """The rules of one access list (first match wins, then IOS's implicit deny) and the
    entries that could not be mapped (left out, the rest applies)."""
    rules: list[str] = []
    problems: list[str] = []
    for action, text in entries:
        try:
            match = acl_rule(text, extended)
        except (Unmapped, ValueError, IndexError, StopIteration) as exc:
            why = f"'{exc}' is not mapped to the lab's filters" if isinstance(exc, Unmapped) else "not mapped"
            problems.append(f"'{action} {text}' in access list {name}: {why} (the rest of the list applies)")
            continue
        # A permit returns to the hook's chain, so that an interface's outbound list still
        # sees a packet its inbound list let through.
        rules.append(f"{match}{'return' if action == 'permit' else 'drop'}")
    rules.append("drop")
    return rules, problems


def acl_ruleset(cfg: RunningConfig, ifname_of: Callable[[Interface], str | None]) -> tuple[str, list[str]]:
    """The nftables table for the config's `ip access-group`s ("" when none applies) and what
    it leaves out. Inbound lists filter what the interface receives (routed through or to the
    device); outbound lists what is routed out of it, not what the device sends itself (as on
    IOS). A list that does not exist or has no entries permits everything (as on IOS)."""
    hooks: dict[str, list[str]] = {"input": [], "forward": []}
    chains: dict[str, str] = {}
    problems: list[str] = []
    body: list[str] = []
    for iface in cfg.sorted_interfaces():
        for direction, acl_name in sorted(iface.access_groups.items()):
            acl = cfg.access_lists.get(acl_name)
            entries = [(e.action, e.text) for e in acl.entries if e.action != "remark"] if acl else []
            if acl is None or not entries:
                continue
            ifname = ifname_of(iface) if iface.switchport is None else None
            if ifname is None:
                if iface.switchport is not None:
                    problems.append(
                        f"'ip access-group {acl_name} {direction}' on {iface.name}: "
                        "the lab filters routed interfaces only, not switch ports"
                    )
                continue
            if acl_name not in chains:
                chains[acl_name] = f"acl{len(chains)}"
                rules, skipped = acl_chain(acl_name, entries, acl.extended)
                problems += skipped
                body += [f"  chain {chains[acl_name]} {{", *(f"    {r}" for r in rules), "  }"]
            field = "iifname" if direction == "in" else "oifname"
            jump = f'    {field} "{ifname}" jump {chains[acl_name]}'
            if direction == "in":
                hooks["input"].append(jump)
            hooks["forward"].append(jump)
    if not chains:
        return "", problems
    for hook, jumps in hooks.items():
        body += [
            f"  chain {hook} {{",
            f"    type filter hook {hook} priority 0; policy accept;",
            *jumps,
            "  }",
        ]
    return "\n".join([f"table ip {NFT_TABLE} {{", *body, "}"]) + "\n", problems
