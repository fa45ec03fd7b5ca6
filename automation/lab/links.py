"""Kernel links and addresses inside one lab namespace: read them, change them in batches."""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Interface

from automation.lab.command import ip_batch, ip_json


@dataclass(frozen=True)
class KernelLink:
    name: str
    kind: str  # veth, bridge, loopback ...
    admin_up: bool
    carrier: bool  # lower layer up: for a veth, its peer is admin up
    master: str | None
    mac: str
    addresses: tuple[IPv4Interface, ...] = ()

    @property
    def oper_up(self) -> bool:
        return self.admin_up and self.carrier


def read_links(netns: str) -> dict[str, KernelLink]:
    """Every link of the namespace with its IPv4 addresses (one `ip -d addr` call)."""
    out: dict[str, KernelLink] = {}
    for row in ip_json(netns, "-d", "addr", "show"):
        flags = row.get("flags", [])
        kind = (row.get("linkinfo") or {}).get("info_kind", row.get("link_type", ""))
        addrs = tuple(
            IPv4Interface(f"{a['local']}/{a['prefixlen']}")
            for a in row.get("addr_info", [])
            if a.get("family") == "inet"
        )
        name = row["ifname"]
        out[name] = KernelLink(
            name=name,
            kind=kind,
            admin_up="UP" in flags,
            carrier="LOWER_UP" in flags and "NO-CARRIER" not in flags,
            master=row.get("master"),
            mac=row.get("address", ""),
            addresses=addrs,
        )
    return out


class Changes:
    """`ip` commands for one namespace, applied in one batch."""

    def __init__(self, netns: str) -> None:
        self.netns = netns
        self.lines: list[str] = []

    def add(self, line: str) -> None:
        self.lines.append(line)

    def set_state(self, link: KernelLink | None, name: str, up: bool) -> None:
        if link is None or link.admin_up != up:
            self.add(f"link set dev {name} {'up' if up else 'down'}")

    def set_master(self, link: KernelLink | None, name: str, master: str | None) -> None:
        current = link.master if link else None
        if current == master:
            return
        self.add(f"link set dev {name} {'master ' + master if master else 'nomaster'}")

    def set_addresses(self, link: KernelLink | None, name: str, wanted: set[IPv4Interface]) -> None:
        have = set(link.addresses) if link else set()
        for a in sorted(have - wanted, key=str):
            self.add(f"addr del {a} dev {name}")
        for a in sorted(wanted - have, key=str):
            self.add(f"addr add {a} dev {name}")

    def apply(self) -> bool:
        """Run the batch; True when there was anything to do."""
        if not self.lines:
            return False
        ip_batch(self.netns, self.lines)
        self.lines = []
        return True
