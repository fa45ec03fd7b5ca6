"""`show ip dhcp binding` (the legacy 4-column form ntc-templates parses) and `show ip dhcp pool`."""

from __future__ import annotations

from ipaddress import IPv4Address

from automation.emulator.config import RunningConfig
from automation.emulator.dataplane import DhcpBinding


def show_binding(bindings: list[DhcpBinding]) -> str:
    out = [
        "Bindings from all pools not associated with VRF:",
        "IP address          Client-ID/              Lease expiration        Type",
        "                    Hardware address/",
        "                    User name",
    ]
    for b in sorted(bindings, key=lambda b: int(b.address)):
        expires = "Infinite" if b.expires is None else b.expires
        out.append(f"{b.address!s:<20}{b.client_id:<24}{expires:<24}{b.type}")
    return "\n".join(out) + "\n"


def show_pool(cfg: RunningConfig, bindings: list[DhcpBinding]) -> str:
    out: list[str] = []
    for pool in cfg.dhcp_pools.values():
        out.append("")
        out.append(f"Pool {pool.name} :")
        out.append(" Utilization mark (high/low)    : 100 / 0")
        out.append(" Subnet size (first/next)       : 0 / 0")
        net = pool.network
        if net is None:
            out += [
                " Total addresses                : 0",
                " Leased addresses               : 0",
                " Pending event                  : none",
                " 0 subnet is currently in the pool :",
            ]
            continue
        hosts = max(net.num_addresses - 2, 0)
        leased = [b for b in bindings if b.address in net]
        first, last = net.network_address + 1, net.broadcast_address - 1
        excluded = (
            sum(
                1
                for i in range(int(first), int(last) + 1)
                if any(r.contains(IPv4Address(i)) for r in cfg.dhcp_excluded)
            )
            if hosts <= 65536
            else 0
        )
        taken = {int(b.address) for b in leased}
        index = (
            next(
                (
                    IPv4Address(i)
                    for i in range(int(first), int(last) + 1)
                    if i not in taken and not any(r.contains(IPv4Address(i)) for r in cfg.dhcp_excluded)
                ),
                first,
            )
            if hosts <= 65536
            else first
        )
        out += [
            f" Total addresses                : {hosts}",
            f" Leased addresses               : {len(leased)}",
            f" Excluded addresses             : {excluded}",
            " Pending event                  : none",
            " 1 subnet is currently in the pool :",
            " Current index        IP address range                    Leased/Excluded/Total",
            f" {index!s:<21}{first!s:<17}- {last!s:<18}{len(leased):<6}/ {excluded:<6}/ {hosts}",
        ]
    return "\n".join(out) + "\n" if out else ""
