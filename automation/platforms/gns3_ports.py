"""Where an interface name lands on a GNS3 node: adapter and port numbers per device model.

GNS3 links name node ports by `adapter_number` and `port_number`. A qemu VM has one port per
adapter (its NICs), numbered in IOS's order; GNS3's own Ethernet switch has one adapter with many
ports. The templates' `port_name_format` and `port_segment_size` give the names GNS3 shows, and
must agree with the names IOS uses (IOSv's Gi0/N is NIC N; IOSvL2's Gi{slot}/{port} is NIC
slot*4 + port). The mapping is data, one `PortLayout` per model.

>>> gns3_port("router", "GigabitEthernet0/2")
(2, 0)
>>> gns3_port("switch", "GigabitEthernet2/1")
(9, 0)
>>> gns3_port("pc", "eth1")
(1, 0)
>>> gns3_port("mgmt_switch", "Ethernet7")
(0, 7)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Literal

from pydantic import BaseModel, ConfigDict


class PortLayout(BaseModel):
    """How one device model's interface names map to GNS3 adapter/port numbers."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    model: str
    adapters: int  # NICs the template gives (qemu), 1 for the built-in switch
    ports_per_adapter: int = 1
    # The interface names this model has: `index` counts within a `segment` of `segment_size`.
    pattern: str
    name_format: str  # the inverse of `pattern`: {segment} and {index}
    segment_size: int = 0
    # GNS3 template fields that make GNS3 show the same names as the device.
    port_name_format: str
    port_segment_size: int = 0
    numbers: Literal["adapter", "port"] = "adapter"  # what the index selects
    management: str  # the out-of-band management interface by default

    def number(self, interface: str) -> int | None:
        """The index of `interface` in this model's numbering, None if it has no such port."""
        m = re.fullmatch(self.pattern, interface)
        if m is None:
            return None
        index = int(m["index"])
        segment = int(m.groupdict().get("segment") or 0)
        if self.segment_size and index >= self.segment_size:
            return None
        number = segment * self.segment_size + index if self.segment_size else index
        limit = self.adapters if self.numbers == "adapter" else self.ports_per_adapter
        return number if number < limit else None

    def interface(self, number: int) -> str:
        """The interface name of adapter (or port) `number`: the inverse of `number()`.

        >>> IOSVL2.interface(9), IOSV.interface(3)
        ('GigabitEthernet2/1', 'GigabitEthernet0/3')
        """
        if self.segment_size:
            return self.name_format.format(
                segment=number // self.segment_size, index=number % self.segment_size
            )
        return self.name_format.format(segment=0, index=number)

    def port(self, interface: str) -> tuple[int, int] | None:
        """(adapter_number, port_number) of `interface`, None if the model has no such port."""
        number = self.number(interface)
        if number is None:
            return None
        return (number, 0) if self.numbers == "adapter" else (0, number)


IOSV = PortLayout(
    model="IOSv", adapters=4, pattern=r"GigabitEthernet0/(?P<index>\d+)",
    name_format="GigabitEthernet0/{index}",
    port_name_format="Gi0/{0}", management="GigabitEthernet0/3",
)  # fmt: skip
IOSVL2 = PortLayout(
    model="IOSvL2", adapters=16, pattern=r"GigabitEthernet(?P<segment>\d+)/(?P<index>\d+)",
    name_format="GigabitEthernet{segment}/{index}",
    segment_size=4, port_name_format="Gi{1}/{0}", port_segment_size=4, management="GigabitEthernet3/3",
)  # fmt: skip
LINUX = PortLayout(
    model="Linux",
    adapters=2,
    pattern=r"eth(?P<index>\d+)",
    name_format="eth{index}",
    port_name_format="eth{0}",
    management="eth1",
)
# GNS3's built-in Ethernet switch: adapter 0, ports Ethernet0..N (8 by default, up to 128 as data).
ETHERNET_SWITCH = PortLayout(
    model="Ethernet switch", adapters=1, ports_per_adapter=128, pattern=r"Ethernet(?P<index>\d+)",
    name_format="Ethernet{index}",
    port_name_format="Ethernet{0}", numbers="port", management="Ethernet0",
)  # fmt: skip

# The layout each node kind runs in GNS3; `mgmt_switch` is the management switch.
LAYOUTS: Mapping[str, PortLayout] = MappingProxyType(
    {"router": IOSV, "switch": IOSVL2, "server": LINUX, "pc": LINUX, "mgmt_switch": ETHERNET_SWITCH}
)


def gns3_port(kind: str, interface: str) -> tuple[int, int] | None:
    """(adapter, port) of `interface` on a node of `kind`, None when that node has no such port."""
    return LAYOUTS[kind].port(interface)


__all__ = ["ETHERNET_SWITCH", "IOSV", "IOSVL2", "LAYOUTS", "LINUX", "PortLayout", "gns3_port"]
