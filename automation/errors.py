"""The toolkit's exceptions: one root, a few meaningful kinds.

Each message says what is wrong, where (file and field when known) and what to do next; the CLI
prints them as clear lines and exits 2 for bad input, 1 for a failed check.
"""

from __future__ import annotations

import os
import re
import unicodedata

# A broken site can produce thousands of lines that all say the same thing (one mistake copied
# into every host); a few of each kind and a bounded total keep the first real cause visible.
PER_CAUSE = 5
MAX_LINES = 40
MAX_LINE_CHARS = 1000  # a problem line with a long path and a long fix stays whole

# Characters that would move the cursor, recolour the terminal, reorder text (bidi overrides)
# or hide themselves when a line is printed; input values are echoed with these escaped.
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Zl", "Zp"})
_NUMBERS = re.compile(r"\S*[\d'\"A-Z]\S*")


def printable(text: str) -> str:
    r"""Text safe to print on a terminal: control and invisible characters escaped like repr().

    >>> printable("R1\x1b[31m")
    'R1\\x1b[31m'
    >>> printable("über-host")
    'über-host'
    """
    if text.isprintable():
        return text
    out = []
    for ch in text:
        if unicodedata.category(ch) in _HIDDEN_CATEGORIES:
            out.append(repr(ch)[1:-1])
        else:
            out.append(ch)
    return "".join(out)


def shorten(text: str, limit: int = MAX_LINE_CHARS) -> str:
    """At most `limit` characters: the start and the end of a longer text, with what was cut."""
    if len(text) <= limit:
        return text
    keep = (limit - 30) // 2
    return f"{text[:keep]}...[{len(text) - 2 * keep} characters cut]...{text[-keep:]}"


def _cause(problem: str) -> tuple[str, str]:
    """Problems of one kind share their file and the shape of their fix ('file: field: what; fix')."""
    file = problem.split(": ", 1)[0]
    fix = problem.rsplit("; ", 1)[-1]
    return file, _NUMBERS.sub("#", fix)


def summarize(problems: list[str]) -> tuple[list[str], int]:
    """The lines to show and how many distinct problems there are.

    Exact repeats are dropped; of each cause the first PER_CAUSE are shown, then one line saying
    how many more there are; past MAX_LINES one last line says how many were left out.

    >>> same = [f"a.yaml: x[{i}]: bad; fix it" for i in range(8)]
    >>> lines, total = summarize([*same, same[0], "a.yaml: y: bad; fix it"])
    >>> total, len(lines), lines[-1]
    (9, 6, 'a.yaml: and 4 more like this; fix them the same way')
    """
    unique = list(dict.fromkeys(shorten(printable(p)) for p in problems))
    counts: dict[tuple[str, str], int] = {}
    for problem in unique:
        cause = _cause(problem)
        counts[cause] = counts.get(cause, 0) + 1
    shown: list[str] = []
    seen: dict[tuple[str, str], int] = {}
    represented = 0
    for problem in unique:
        cause = _cause(problem)
        seen[cause] = seen.get(cause, 0) + 1
        if seen[cause] > PER_CAUSE or len(shown) >= MAX_LINES:
            continue
        shown.append(problem)
        represented += 1
        if seen[cause] == PER_CAUSE and counts[cause] > PER_CAUSE:
            shown.append(f"{cause[0]}: and {counts[cause] - PER_CAUSE} more like this; fix them the same way")
            represented += counts[cause] - PER_CAUSE
    if represented < len(unique):
        shown.append(
            f"{_common_file(unique)}: and {len(unique) - represented} more problem(s) not shown; "
            "fix the ones above first"
        )
    return shown, len(unique)


def _common_file(problems: list[str]) -> str:
    files = [p.split(": ", 1)[0] for p in problems]
    try:
        return os.path.commonpath(files)
    except ValueError:  # absolute and relative paths mixed
        return files[0]


class AutomationError(Exception):
    """Root of every error the toolkit raises on purpose."""


class SiteError(AutomationError):
    """A site's files are missing or invalid. Carries every problem found, not just the first.

    `problems` are the lines to show (escaped, deduplicated, capped per cause and in total);
    `total` counts every distinct problem found.
    """

    def __init__(self, problems: list[str]) -> None:
        self.problems, self.total = summarize(problems)
        super().__init__("\n".join(self.problems))


class UsageError(AutomationError):
    """The command line asks for something that cannot be done as given."""


class LabError(AutomationError):
    """The embedded lab cannot be built, reached or torn down."""


class DeviceError(AutomationError):
    """A device refused, rejected a command or could not be reached."""
