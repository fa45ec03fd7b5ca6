"""Output modifiers: `| include|exclude|begin|section|count REGEX`.

The line splits at the first `|` that follows whitespace; everything after the modifier keyword
and one space is the regular expression, which may itself contain `|` and spaces (Ansible sends
`show running-config | include ^ip route .+ |^ipv6 route .+`).

>>> split_pipe("show run | inc ^ip route .+ |^ipv6")
('show run', ' inc ^ip route .+ |^ipv6')
>>> parse_filter(" sec ^interface").apply("interface Gi0/1\\n ip address 1.1.1.1 255.0.0.0\\nhostname R1\\n")
'interface Gi0/1\\n ip address 1.1.1.1 255.0.0.0\\n'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SPLIT = re.compile(r"\s\|")
_MODIFIERS = ("include", "exclude", "begin", "section", "count")


def split_pipe(line: str) -> tuple[str, str | None]:
    m = _SPLIT.search(line)
    if not m:
        return line, None
    return line[: m.start()], line[m.end() :]


@dataclass(frozen=True)
class OutputFilter:
    modifier: str
    pattern: re.Pattern[str]

    def apply(self, text: str) -> str:
        lines = text.splitlines()
        rx = self.pattern
        if self.modifier == "include":
            kept = [ln for ln in lines if rx.search(ln)]
        elif self.modifier == "exclude":
            kept = [ln for ln in lines if not rx.search(ln)]
        elif self.modifier == "begin":
            kept = []
            for i, ln in enumerate(lines):
                if rx.search(ln):
                    kept = lines[i:]
                    break
        elif self.modifier == "count":
            return f"Number of lines which match regexp = {sum(1 for ln in lines if rx.search(ln))}\n"
        else:
            kept = []
            in_section = False
            for ln in lines:
                if ln[:1] not in (" ", ""):
                    in_section = bool(rx.search(ln))
                    if in_section:
                        kept.append(ln)
                elif in_section or (ln.strip() and rx.search(ln)):
                    kept.append(ln)
        return "".join(ln + "\n" for ln in kept)


def parse_filter(text: str) -> OutputFilter | int:
    """Parse what follows `|`; an int is the column (within `text`) of an invalid token."""
    m = re.match(r"(\s*)(\S*)(?:\s(.*))?$", text)
    if m is None or not m.group(2):
        return len(text)
    word = m.group(2).lower()
    found = [mod for mod in _MODIFIERS if mod.startswith(word)]
    if len(found) != 1:
        return len(m.group(1))
    regex = m.group(3)
    if regex is None or not regex.strip():
        return len(text)
    try:
        compiled = re.compile(regex.rstrip())
    except re.error:
        compiled = re.compile(re.escape(regex.rstrip()))
    return OutputFilter(found[0], compiled)
