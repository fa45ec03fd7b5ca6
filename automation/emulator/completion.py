"""`?` and Tab: what may follow at the cursor, computed from the same variants as the matcher."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from automation.emulator.parser import Elem, State, Token, Variant, tokenize, walk
from automation.platforms.cisco_ios import TYPES, Kind


@dataclass(frozen=True)
class HelpEntry:
    """One line of `?` help: the word or placeholder shown and what it stands for."""

    word: str
    elem: Elem | None = None  # None for `<cr>` and `|`


def _placeholder(elem: Elem) -> str:
    if elem.type == "int":
        return f"<{elem.low}-{elem.high}>"
    if elem.type in ("ip", "mask"):
        return "A.B.C.D"
    if elem.type == "line":
        return "LINE"
    return "WORD"


def _next_entries(states: Sequence[State], kind: Kind) -> tuple[list[HelpEntry], bool]:
    """What may follow: arguments first (declaration order), then keywords alphabetically."""
    args: dict[str, HelpEntry] = {}
    words: dict[str, HelpEntry] = {}
    complete = False
    for s in states:
        if s.elem >= len(s.variant.elems):
            complete = True
            continue
        elem = s.variant.elems[s.elem]
        if elem.keyword:
            words.setdefault(elem.keyword.lower(), HelpEntry(elem.keyword, elem))
        elif elem.type == "iface":
            for t in TYPES:
                if kind in t.kinds:
                    words.setdefault(t.name.lower(), HelpEntry(t.name, elem))
        else:
            text = _placeholder(elem)
            args.setdefault(text, HelpEntry(text, elem))
    return [*args.values(), *(words[k] for k in sorted(words))], complete


@dataclass(frozen=True)
class Help:
    """The answer to `?` or Tab at the end of `text`.

    kind: "list" (`show ?`: entries + `<cr>`), "words" (`sh?`: the keywords `sh` may start),
    "invalid" (the text before it does not parse; `column` for the caret), "unknown" (no keyword
    starts with the partial word).
    """

    kind: str
    entries: list[HelpEntry] = field(default_factory=list)
    complete: bool = False
    column: int = 0
    partial: str = ""


def context_help(variants: Sequence[Variant], text: str, kind: Kind) -> Help:
    """What IOS lists for `?` typed after `text` (or completes for Tab)."""
    tokens = tokenize(text)
    partial = "" if not text or text[-1].isspace() else tokens[-1].text
    before = tokens[:-1] if partial else tokens
    if tokens:
        # Within free text (a LINE argument already begun), `?` is just a character.
        done, _, _, _ = walk(variants, tokens, text, kind)
        if done and all(
            s.elem > 0 and s.variant.elems[s.elem - 1].type == "line" and s.variant.elems[s.elem - 1].name
            for s in done
        ):
            return Help("literal")
    if before:
        final, furthest, _, _ = walk(variants, before, text, kind)
        if not final:
            return Help("invalid", column=before[min(furthest, len(before) - 1)].start)
    else:
        final = [State(v, 0) for v in variants]
    entries, complete = _next_entries(final, kind)
    if not partial:
        return Help("list", entries, complete)
    low = partial.lower()
    words = [
        e
        for e in entries
        if e.elem is not None and e.elem.keyword is not None and e.word.lower().startswith(low)
    ]
    words += [
        e for e in entries if e.elem is not None and e.elem.type == "iface" and e.word.lower().startswith(low)
    ]
    if words:
        return Help("words", sorted(words, key=lambda e: e.word.lower()), partial=partial)
    # A value being typed for an argument: show what the argument takes.
    args = [e for e in entries if e.elem is not None and e.elem.keyword is None and e.elem.type != "iface"]
    for e in args:
        assert e.elem is not None
        if e.elem.accept([Token(partial, 0)], 0, kind, partial):
            return Help("list", [e], False, partial=partial)
    return Help("unknown", partial=partial)
