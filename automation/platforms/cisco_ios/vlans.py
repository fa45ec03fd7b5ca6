"""VLANs as IOS has them: the default VLAN, the ids and names it keeps, its way of listing ids."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType

DEFAULT_VLAN = 1  # every unconfigured port and every trunk's native VLAN
RESERVED_VLANS = range(1002, 1006)  # FDDI and Token Ring: `vlan 1003` is refused on every switch

# IOS names these VLANs itself and refuses to rename them or to give their names to others.
OWN_VLAN_NAMES: Mapping[int, str] = MappingProxyType(
    {
        1: "default",
        1002: "fddi-default",
        1003: "token-ring-default",
        1004: "fddinet-default",
        1005: "trnet-default",
    }
)


def vlan_list(vlans: Iterable[int], *, empty: str) -> str:
    """VLAN ids as IOS prints them: sorted, runs of three or more as ranges, pairs listed.

    What an empty list is depends on where it is printed: `switchport trunk allowed vlan none`
    in a config, "NONE" or "none" in show outputs.

    >>> vlan_list([20, 10, 11, 12, 99, 5, 6], empty="none")
    '5,6,10-12,20,99'
    >>> vlan_list([], empty="none"), vlan_list([], empty="")
    ('none', '')
    """
    ids = sorted(set(vlans))
    runs: list[str] = []
    i = 0
    while i < len(ids):
        j = i
        while j + 1 < len(ids) and ids[j + 1] == ids[j] + 1:
            j += 1
        runs.append(f"{ids[i]}-{ids[j]}" if j - i >= 2 else ",".join(str(v) for v in ids[i : j + 1]))
        i = j + 1
    return ",".join(runs) or empty
