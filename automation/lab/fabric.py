"""The VLAN transport: how one cable carries several VLANs between two namespaces.

This kernel has no 802.1Q and no VLAN-filtering bridges, so `VethFabric` gives each VLAN carried
on a cable its own veth pair, named like a subinterface of the port at both ends (`Gi0-1.10`).
Everything else in the lab talks to the `TrunkFabric` protocol only, so a kernel 802.1Q fabric
(VLAN devices on the cable's base veth, same names) can replace it without other changes.
"""

from __future__ import annotations

import logging
from typing import Protocol

from automation.lab.command import ip
from automation.lab.names import tag_ifname
from automation.lab.topology import Cable, CableEnd

log = logging.getLogger(__name__)


class TrunkFabric(Protocol):
    def connect(self, cable: Cable) -> None:
        """Lay the cable: its untagged link, both ends admin down."""
        ...

    def sync_tags(self, cable: Cable, tags: frozenset[int]) -> bool:
        """Make the cable carry exactly `tags`; True when links were added or removed."""
        ...

    def tags(self, cable: Cable) -> frozenset[int]: ...

    def tag_ifname(self, end: CableEnd, tag: int) -> str: ...


class VethFabric:
    """One veth pair per cable and one more per VLAN tag it carries."""

    def __init__(self) -> None:
        self._tags: dict[str, frozenset[int]] = {}

    def connect(self, cable: Cable) -> None:
        self._veth(cable.a, cable.a.ifname, cable.b, cable.b.ifname)
        self._tags[cable.id] = frozenset()

    def tags(self, cable: Cable) -> frozenset[int]:
        return self._tags.get(cable.id, frozenset())

    def tag_ifname(self, end: CableEnd, tag: int) -> str:
        return tag_ifname(end.ifname, tag)

    def sync_tags(self, cable: Cable, tags: frozenset[int]) -> bool:
        have = self.tags(cable)
        if have == tags:
            return False
        for tag in sorted(have - tags):
            # Deleting one end of a veth pair deletes both.
            ip(cable.a.netns, "link", "del", self.tag_ifname(cable.a, tag), check=False)
        for tag in sorted(tags - have):
            self._veth(cable.a, self.tag_ifname(cable.a, tag), cable.b, self.tag_ifname(cable.b, tag))
        log.debug("%s: VLANs carried %s", cable.id, sorted(tags))
        self._tags[cable.id] = tags
        return True

    @staticmethod
    def _veth(a: CableEnd, a_name: str, b: CableEnd, b_name: str) -> None:
        # Created straight inside both namespaces: the root namespace never holds a lab link.
        ip(
            None,
            "link",
            "add",
            a_name,
            "netns",
            a.netns,
            "address",
            a.mac,
            "type",
            "veth",
            "peer",
            "name",
            b_name,
            "netns",
            b.netns,
            "address",
            b.mac,
        )
