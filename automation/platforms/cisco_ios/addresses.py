"""Address space IOS refuses on an interface ("Not a valid host address"), with what it is."""

from __future__ import annotations

from ipaddress import IPv4Network

NOT_HOST_SPACE: tuple[tuple[IPv4Network, str], ...] = (
    (IPv4Network("0.0.0.0/8"), "'this network' (0.0.0.0/8)"),
    (IPv4Network("127.0.0.0/8"), "loopback (127.0.0.0/8)"),
    (IPv4Network("224.0.0.0/4"), "multicast (224.0.0.0/4)"),
    (IPv4Network("240.0.0.0/4"), "reserved (240.0.0.0/4)"),
)
