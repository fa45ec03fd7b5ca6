"""Text from outside (device replies, remote errors, site values) as rich shows it: inert.

rich reads `[...]` in a plain string as markup, and a terminal obeys control characters; a value
that came from a device or a file is neither.
"""

from __future__ import annotations

from rich.text import Text

from automation.errors import printable


def plain(text: str) -> Text:
    """`text` as a rich Text: no markup, control characters escaped.

    >>> plain("[red]x\\x1b[0m").plain
    '[red]x\\\\x1b[0m'
    """
    return Text(printable(text))
