"""Port sets per device model: the images a user would run in GNS3 or CML.

IOSv routers have GigabitEthernet0/0-0/3; IOSvL2 switches GigabitEthernet0/0-3/3.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Literal

from pydantic import BaseModel, ConfigDict


def _gigabit(slots: int, per_slot: int) -> tuple[str, ...]:
    return tuple(f"GigabitEthernet{s}/{p}" for s in range(slots) for p in range(per_slot))


class DeviceModel(BaseModel):
    """An IOS image and the fixed ports it comes with, in IOS's order."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    kind: Literal["router", "switch"]
    ports: tuple[str, ...]
    subinterfaces: bool = False  # routed subinterfaces (`interface Gi0/1.10`) on its ports


IOSV = DeviceModel(name="IOSv", kind="router", ports=_gigabit(1, 4), subinterfaces=True)
IOSVL2 = DeviceModel(name="IOSvL2", kind="switch", ports=_gigabit(4, 4))

# The model each role runs.
MODELS: Mapping[str, DeviceModel] = MappingProxyType({m.kind: m for m in (IOSV, IOSVL2)})
