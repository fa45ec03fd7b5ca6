"""The `gns3` target: a thin client of the GNS3 v3 API (`client`, `models`, `settings`), the
project a site should be (`plan`), reconciling it (`project`), day-0 (`day0`) and the console
bootstrap (`telnet`, `console`), behind `GNS3Provider` (`provider`)."""

from __future__ import annotations

from automation.providers.gns3.provider import GNS3Provider

__all__ = ["GNS3Provider"]
