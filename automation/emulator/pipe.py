"""Output modifiers: `| include|exclude|begin|section|count REGEX`.

The line splits at the first `|` that follows whitespace; everything after the modifier keyword
and one space is the regular expression, which may itself contain `|` and spaces (Ansible sends
`show running-config | include ^ip route .+ |^ipv6 route .+`).

>>> split_pipe("show run | inc ^ip route .+ |^ipv6")
('show run', ' inc ^ip route .+ |^ipv6')
>>> parse_filter(" sec ^interface").apply("interface Gi0/1\\n ip address 1.1.1.1 255.0.0.0\\nhostname R1\\n")
'interface Gi0/1\\n ip address 1.1.1.1 255.0.0.0\\n'

One event loop serves every device, so a filter must never stall it: expressions run on RE2, whose
time is linear in the input whatever the pattern (`(a+)+b` against a long line is as quick as
`b`). RE2 has no backreferences, which IOS's "parentheses for recall" allow (`(ab)\\1`), nor
repeats over 1000: those run with Python's engine in a child process, off the loop, killed after
`REGEX_BUDGET` seconds. An expression neither engine takes (`(`, `[a`) gets IOS's invalid-input
error at the expression.
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
from dataclasses import dataclass
from typing import Protocol

import re2

REGEX_BUDGET = 2.0  # seconds a backtracking filter may run (in a child process) before it is cut off
REGEX_BUDGET_ERROR = "% Regular expression too complex: output filter stopped\n"

_SPLIT = re.compile(r"\s\|")
_MODIFIERS = ("include", "exclude", "begin", "section", "count")


def split_pipe(line: str) -> tuple[str, str | None]:
    m = _SPLIT.search(line)
    if not m:
        return line, None
    return line[: m.start()], line[m.end() :]


class Matcher(Protocol):
    def search(self, text: str) -> object: ...


_RE2_OPTIONS = re2.Options()
_RE2_OPTIONS.log_errors = False  # a user's bad expression is their error, not a line on our stderr


def compile_regex(text: str) -> tuple[Matcher, bool] | None:
    """(matcher, needs_backtracking) for an IOS expression, or None when IOS would reject it."""
    try:
        return re2.compile(text, _RE2_OPTIONS), False
    except re2.error:
        pass
    # RE2 refuses what needs backtracking (backreferences), repeats over 1000 and what is invalid
    # anyway; Python's engine takes the first two, in a child process with a time budget.
    try:
        return re.compile(text), True
    except (re.error, OverflowError, RecursionError):
        return None


_CHILD = """
import json, re, sys
from automation.emulator.pipe import OutputFilter
job = json.load(sys.stdin)
sys.stdout.write(OutputFilter(job["modifier"], re.compile(job["source"])).apply(job["text"]))
"""


@dataclass(frozen=True)
class OutputFilter:
    modifier: str
    pattern: Matcher
    source: str = ""
    backtracking: bool = False  # Python's engine: run only through `run()`, off the event loop

    async def run(self, text: str) -> str:
        """The filtered output; never holds the event loop for more than linear time."""
        if not self.backtracking:
            return self.apply(text)
        job = json.dumps({"modifier": self.modifier, "source": self.source, "text": text})
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-c", _CHILD,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        try:
            out, _ = await asyncio.wait_for(proc.communicate(job.encode()), REGEX_BUDGET)
        except TimeoutError:
            proc.kill()
            await proc.wait()
            return REGEX_BUDGET_ERROR
        if proc.returncode != 0:
            return REGEX_BUDGET_ERROR
        return out.decode("utf-8", "replace")

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
    source = regex.rstrip()
    compiled = compile_regex(source)
    if compiled is None:
        return m.start(3)
    return OutputFilter(found[0], compiled[0], source, compiled[1])
