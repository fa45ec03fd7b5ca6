"""What the lab's data plane cannot do of an IOS configuration, said as IOS lines and reasons.

The device keeps such lines in its running config (IOS would accept them); the data plane
applies the rest, and each line listed here makes the device `degraded` in `lab status` and
a `%LAB-3-DATAPLANE` message in its `show logging`.
"""

from __future__ import annotations

from automation.emulator.config import RunningConfig
from automation.lab.frr_config import wildcard_prefix


def refused(cfg: RunningConfig) -> list[str]:
    """`'<IOS line>': <why>` for each part of `cfg` the lab cannot carry out."""
    out: list[str] = []
    if not cfg.ospf:
        return out
    first = min(cfg.ospf)
    for pid in sorted(cfg.ospf):
        if pid != first:
            why = f"the lab runs one OSPF process per router (process {first} runs)"
            out.append(f"'router ospf {pid}': {why}")
    for net in cfg.ospf[first].networks:
        if wildcard_prefix(net.address, net.wildcard) is None:
            out.append(
                f"'network {net.address} {net.wildcard} area {net.area}': "
                "the lab's OSPF takes contiguous wildcard masks only"
            )
    return out
