"""IOS command-line matching: a small pattern language compiled into linear variants.

A command is declared as data, e.g. `"ip address <addr:ip> <mask:mask> [secondary]"`:
keywords, typed arguments `<name:type>`, optional groups `[...]` and alternatives `{a|b}`.
Each pattern expands into linear variants; a typed line is matched against every variant of a
mode at once, token by token, so that keyword abbreviation is resolved only against the keywords
valid at that position (IOS's rule) and the failure point gives the caret column.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from ipaddress import IPv4Address
from typing import TYPE_CHECKING, Any

from automation.emulator.interfaces import is_interface_type_word, looks_like_number, parse_interface
from automation.platforms.cisco_ios import Kind

if TYPE_CHECKING:
    from automation.emulator.frames import Shell

Handler = Callable[["Shell", "Args"], Awaitable[None]]

_PATTERN_TOKEN = re.compile(r"\[|\]|\{|\}|\||<[^>]+>|[^\s\[\]{}|<>]+")
_TOKEN = re.compile(r"\S+")
_SIGNED = re.compile(r"-?\d+")
_RANGE = re.compile(r"(-?\d+)-(-?\d+)")


@dataclass(frozen=True)
class Token:
    text: str
    start: int  # column in the typed line


def tokenize(line: str) -> list[Token]:
    return [Token(m.group(0), m.start()) for m in _TOKEN.finditer(line)]


# --- argument types ---------------------------------------------------------------------------


def _ip(text: str) -> IPv4Address | None:
    if not re.fullmatch(r"\d{1,3}(\.\d{1,3}){3}", text):
        return None
    try:
        return IPv4Address(text)
    except ValueError:
        return None


def _mask(text: str) -> IPv4Address | None:
    if re.fullmatch(r"/\d{1,2}", text):
        length = int(text[1:])
        if length > 32:
            return None
        return IPv4Address((0xFFFFFFFF << (32 - length)) & 0xFFFFFFFF)
    return _ip(text)


def parse_vlan_list(text: str) -> frozenset[int] | None:
    """`10,20,30-40` -> {10, 20, 30..40}; None when malformed or out of 1-4094."""
    out: set[int] = set()
    for part in text.split(","):
        m = re.fullmatch(r"(\d+)(?:-(\d+))?", part)
        if not m:
            return None
        low = int(m.group(1))
        high = int(m.group(2) or low)
        if not 1 <= low <= high <= 4094:
            return None
        out.update(range(low, high + 1))
    return frozenset(out)


@dataclass(frozen=True)
class Elem:
    """One element of a linear variant: a keyword or a typed argument."""

    keyword: str | None = None  # canonical keyword text
    name: str | None = None  # argument name
    type: str = "word"
    low: int = 0
    high: int = 0

    def accept(self, tokens: Sequence[Token], i: int, kind: Kind, line: str) -> list[tuple[int, Any]]:
        """Ways this argument can consume tokens[i:]: (tokens consumed, value)."""
        text = tokens[i].text
        t = self.type
        if t == "word":
            return [(1, text)]
        if t == "line":
            return [(len(tokens) - i, line[tokens[i].start :].rstrip())]
        if t == "int":
            if (text.isdigit() or (self.low < 0 and _SIGNED.fullmatch(text))) and self.low <= int(
                text
            ) <= self.high:
                return [(1, int(text))]
            return []
        if t == "ip":
            ip = _ip(text)
            return [(1, ip)] if ip is not None else []
        if t == "mask":
            mask = _mask(text)
            return [(1, mask)] if mask is not None else []
        if t == "vlans":
            vlans = parse_vlan_list(text)
            return [(1, vlans)] if vlans is not None else []
        if t == "iface":
            found: list[tuple[int, Any]] = []
            one = parse_interface(text, kind)
            if one is not None:
                found.append((1, one))
            if (
                i + 1 < len(tokens)
                and is_interface_type_word(text, kind)
                and looks_like_number(tokens[i + 1].text)
            ):
                two = parse_interface(text + tokens[i + 1].text, kind)
                if two is not None:
                    found.append((2, two))
            return found
        raise ValueError(f"unknown argument type {t}")


@dataclass(frozen=True)
class Variant:
    elems: tuple[Elem, ...]
    command: Command
    negated: bool = False
    defaulted: bool = False


@dataclass(frozen=True)
class Command:
    """A command of one mode, as data. `no` is the pattern of the `no`/`default` form (None: none)."""

    pattern: str
    handler: Handler
    kinds: frozenset[str] = frozenset({"router", "switch"})
    no: str | None = None
    privilege: int = 1  # exec commands: 15 = privileged exec only
    mutates: bool = True  # config commands: False for navigation (exit, end, do)
    placeholder: bool = False  # a real IOS word the emulator does not implement


class Args:
    """What a matched line carried: argument values, keywords seen, `no`/`default` flags."""

    def __init__(
        self, values: dict[str, Any], keywords: list[str], negated: bool, defaulted: bool, line: str
    ) -> None:
        self.values = values
        self.keywords = keywords
        self.negated = negated
        self.defaulted = defaulted
        self.line = line

    elems: tuple[Elem, ...] = ()

    def canonical(self) -> str:
        """The line in canonical form: full keywords, arguments as IOS prints them (no `no`)."""
        out: list[str] = []
        elems = self.elems[1:] if self.negated else self.elems
        for elem in elems:
            if elem.keyword:
                out.append(elem.keyword)
            elif elem.name is not None and elem.name in self.values:
                value = self.values[elem.name]
                out.append(
                    value.name if hasattr(value, "name") and not isinstance(value, str) else str(value)
                )
        return " ".join(out)

    def head(self) -> str:
        """The keywords before the first argument (what identifies a one-value setting)."""
        out: list[str] = []
        elems = self.elems[1:] if self.negated else self.elems
        for elem in elems:
            if not elem.keyword:
                break
            out.append(elem.keyword)
        return " ".join(out)

    def has(self, keyword: str) -> bool:
        return keyword in self.keywords

    def get(self, name: str, default: Any = None) -> Any:
        return self.values.get(name, default)

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    def __contains__(self, name: str) -> bool:
        return name in self.values


def _parse_pattern(pattern: str) -> list[list[Elem]]:
    tokens = _PATTERN_TOKEN.findall(pattern)
    pos = 0

    def parse_seq(stop: set[str]) -> list[list[Elem]]:
        nonlocal pos
        seqs: list[list[Elem]] = [[]]
        while pos < len(tokens) and tokens[pos] not in stop:
            tok = tokens[pos]
            pos += 1
            if tok == "[":
                inner = parse_alts("]")
                # The longer form first: when both complete, declaration order decides.
                seqs = [s + alt for s in seqs for alt in [*inner, []]]
            elif tok == "{":
                inner = parse_alts("}")
                seqs = [s + alt for s in seqs for alt in inner]
            else:
                elem = _parse_elem(tok)
                seqs = [[*s, elem] for s in seqs]
        return seqs

    def parse_alts(close: str) -> list[list[Elem]]:
        nonlocal pos
        alts: list[list[Elem]] = []
        while True:
            alts.extend(parse_seq({"|", close}))
            tok = tokens[pos]
            pos += 1
            if tok == close:
                return alts

    return parse_seq(set())


def _parse_elem(tok: str) -> Elem:
    if not tok.startswith("<"):
        return Elem(keyword=tok)
    name, _, spec = tok[1:-1].partition(":")
    if spec.startswith("int"):
        _, _, rng = spec.partition(":")
        m = _RANGE.fullmatch(rng or "0-4294967295")
        if m is None:
            raise ValueError(f"bad range in {tok}")
        return Elem(name=name, type="int", low=int(m.group(1)), high=int(m.group(2)))
    return Elem(name=name, type=spec or "word")


def compile_commands(commands: Sequence[Command], kind: Kind, config_mode: bool) -> list[Variant]:
    """All variants of the commands valid on `kind`, with `no`/`default` forms in config modes."""
    out: list[Variant] = []
    for cmd in commands:
        if kind not in cmd.kinds:
            continue
        for seq in _parse_pattern(cmd.pattern):
            out.append(Variant(tuple(seq), cmd))
    if config_mode:
        for cmd in commands:
            if kind not in cmd.kinds or cmd.no is None:
                continue
            for seq in _parse_pattern(cmd.no or cmd.pattern):
                out.append(Variant((Elem(keyword="no"), *seq), cmd, negated=True))
                out.append(Variant((Elem(keyword="default"), *seq), cmd, negated=True, defaulted=True))
    return out


# --- matching -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Matched:
    variant: Variant
    args: Args


@dataclass(frozen=True)
class ParseError:
    """Why a line failed. kind: invalid | incomplete | ambiguous; column for the caret."""

    kind: str
    column: int = 0
    token_index: int = 0


@dataclass
class State:
    variant: Variant
    elem: int
    values: dict[str, Any] = field(default_factory=dict)
    keywords: list[str] = field(default_factory=list)


class Grammar(list[Variant]):
    """The variants of one mode, indexed by their first keyword so a line only meets its own."""

    def __init__(self, variants: Sequence[Variant]) -> None:
        super().__init__(variants)
        self.order = {id(v): i for i, v in enumerate(variants)}
        self.by_first: dict[str, list[Variant]] = {}
        self.first_args: list[Variant] = []
        for v in variants:
            first = v.elems[0] if v.elems else None
            if first is not None and first.keyword:
                self.by_first.setdefault(first.keyword.lower(), []).append(v)
            else:
                self.first_args.append(v)

    def starting(self, word: str) -> list[Variant]:
        """Variants whose first keyword `word` may stand for (all of them when ambiguous)."""
        if word in self.by_first:
            return [*self.by_first[word], *self.first_args]
        out: list[Variant] = []
        for key, vs in self.by_first.items():
            if key.startswith(word):
                out.extend(vs)
        return [*out, *self.first_args]


def walk(
    variants: Sequence[Variant], tokens: list[Token], line: str, kind: Kind
) -> tuple[list[State], int, int | None, dict[int, int]]:
    """Advance every variant over `tokens`: (states after the last token, furthest, ambiguous_at, order)."""
    n = len(tokens)
    if isinstance(variants, Grammar) and n:
        order = variants.order
        start = variants.starting(tokens[0].text.lower())
    else:
        order = {id(v): i for i, v in enumerate(variants)}
        start = list(variants)
    at: dict[int, list[State]] = {0: [State(v, 0) for v in start]}
    final: list[State] = []
    furthest = 0
    ambiguous_at: int | None = None
    for t in range(n + 1):
        states = at.pop(t, [])
        if not states:
            continue
        furthest = max(furthest, t)
        if t == n:
            final = states
            continue
        word = tokens[t].text.lower()
        kw_states = [s for s in states if s.elem < len(s.variant.elems) and s.variant.elems[s.elem].keyword]
        keywords = {s.variant.elems[s.elem].keyword.lower() for s in kw_states}  # type: ignore[union-attr]
        chosen: str | None = None
        if word in keywords:
            chosen = word
        else:
            prefixed = sorted(k for k in keywords if k.startswith(word))
            if len(prefixed) == 1:
                chosen = prefixed[0]
            elif len(prefixed) > 1:
                ambiguous_at = t
        if chosen is not None:
            for s in kw_states:
                elem = s.variant.elems[s.elem]
                if elem.keyword and elem.keyword.lower() == chosen:
                    at.setdefault(t + 1, []).append(
                        State(s.variant, s.elem + 1, s.values, [*s.keywords, elem.keyword])
                    )
            continue
        for s in states:
            if s.elem >= len(s.variant.elems):
                continue
            elem = s.variant.elems[s.elem]
            if elem.keyword or elem.name is None:
                continue
            for used, value in elem.accept(tokens, t, kind, line):
                at.setdefault(t + used, []).append(
                    State(s.variant, s.elem + 1, {**s.values, elem.name: value}, s.keywords)
                )
    return final, furthest, ambiguous_at, order


def match(variants: Sequence[Variant], line: str, kind: Kind) -> Matched | ParseError:
    """Match `line` against `variants`; the first complete variant (declaration order) wins."""
    tokens = tokenize(line)
    n = len(tokens)
    if n == 0:
        return ParseError("incomplete")
    final, furthest, ambiguous_at, order = walk(variants, tokens, line, kind)
    complete = [(n, s) for s in final if s.elem == len(s.variant.elems)]
    if complete:
        _, best = min(complete, key=lambda c: order[id(c[1].variant)])
        v = best.variant
        args = Args(best.values, best.keywords, v.negated, v.defaulted, line)
        args.elems = v.elems
        return Matched(v, args)
    if furthest >= n:
        return ParseError("incomplete", len(line), n)
    if ambiguous_at is not None and ambiguous_at == furthest:
        return ParseError("ambiguous", tokens[furthest].start, furthest)
    return ParseError("invalid", tokens[furthest].start, furthest)
