"""Every problem found in a site, collected in one place and reported together (`SiteError`)."""

from __future__ import annotations

from pathlib import Path

from automation.errors import SiteError


class Problems:
    """Lines 'file: field: what; fix' in the order found, with what was reported already.

    A node whose definition is wrong is *rejected*: a use of it is not a second problem. An unknown
    name is reported once per name and file, not at every use.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.lines: list[str] = []
        self._rejected: set[str] = set()
        self._unknown: set[tuple[str, str]] = set()

    def __bool__(self) -> bool:
        return bool(self.lines)

    def add(self, file: str, where: str, what: str, fix: str) -> None:
        self.lines.append(f"{self.directory / file}: {where}: {what}; {fix}")

    def unknown(self, file: str, where: str, name: str, what: str, fix: str) -> None:
        """A reference to a name that is not (validly) defined."""
        if name in self._rejected or (file, name) in self._unknown:
            return
        self._unknown.add((file, name))
        self.add(file, where, what, fix)

    def reject(self, node: str) -> None:
        self._rejected.add(node)

    def rejected(self, node: str) -> bool:
        return node in self._rejected

    def error(self) -> SiteError:
        return SiteError(self.lines)
