"""Configuration commands of the IOSv router only."""

from __future__ import annotations

from automation.emulator.frames import Shell
from automation.emulator.parser import Args, Command

ROUTER_ONLY = frozenset({"router"})


async def encapsulation(s: Shell, a: Args) -> None:
    iface = s.device.config.interfaces[s.frame.target]
    if a.negated:
        iface.dot1q_vlan, iface.dot1q_native = None, False
        return
    iface.dot1q_vlan = a["vlan"]
    iface.dot1q_native = a.has("native")


SUBINTERFACE = [
    Command(
        "encapsulation dot1Q <vlan:int:1-4094> [native]",
        encapsulation,
        kinds=ROUTER_ONLY,
        no="encapsulation dot1Q [<vlan:int:1-4094> [native]]",
    ),
]
