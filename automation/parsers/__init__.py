"""Show output to typed rows: ntc-templates first, our own TextFSM templates where it has none."""

from __future__ import annotations

from automation.parsers.show import parse_show

__all__ = ["parse_show"]
