"""Linux hosts (servers and PCs): one port, as the lab and the images a user would run give them."""

from __future__ import annotations

HOST_PORTS: tuple[str, ...] = ("eth0",)
