"""The hostname rule under the name the CLI and tests import; modes and prompts are the platform's.

>>> valid_hostname("R1"), valid_hostname("1R")
(True, False)
"""

from __future__ import annotations

from automation.platforms.cisco_ios.cli import HOSTNAME_ERROR, valid_hostname

__all__ = ["HOSTNAME_ERROR", "valid_hostname"]
