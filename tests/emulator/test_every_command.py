"""Every command of every mode, with sample arguments and in its `no`/`default` forms, runs
without a handler fault, and the running config still prints afterwards."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest
from emulator_support import device_spec

from automation.emulator.device import Device
from automation.emulator.grammar import grammar_for
from automation.emulator.parser import Variant
from automation.emulator.session import Frame, Session

pytestmark = pytest.mark.emulator

SAMPLES = {
    "word": "X1",
    "line": "x y",
    "ip": "10.0.0.4",
    "mask": "255.255.255.0",
    "vlans": "10,20",
    "iface": "GigabitEthernet0/1",
}
# How to reach each mode from `(config)` (None: the mode itself), by kind.
ENTER = {
    "config": None,
    "config-if": "interface GigabitEthernet0/1",
    "config-if-range": "interface range Gi0/1 - 2",
    "config-subif": "interface GigabitEthernet0/1.10",
    "config-router": "router ospf 1",
    "config-router-lines": "router bgp 65000",
    "config-line": "line vty 0 4",
    "dhcp-config": "ip dhcp pool P",
    "config-vlan": "vlan 10",
    "config-std-nacl": "ip access-list standard S",
    "config-ext-nacl": "ip access-list extended E",
}
NOT_ON = {"router": {"config-vlan"}, "switch": {"config-subif", "config-router-lines"}}
# Commands that end the session, ask questions or wait for more lines.
SKIP = {
    "reload",
    "crypto",
    "exit",
    "end",
    "logout",
    "quit",
    "enable",
    "disable",
    "configure",
    "copy",
    "banner",
}


def sample(variant: Variant) -> str:
    words: list[str] = []
    for elem in variant.elems:
        if elem.keyword:
            words.append(elem.keyword)
        elif elem.type == "int":
            words.append(str(max(elem.low, min(elem.high, 10))))
        else:
            words.append(SAMPLES[elem.type])
    return " ".join(words)


def runnable(text: str) -> bool:
    words = text.split()
    return not (SKIP & set(words[:2]))


async def run_all(kind: str, tmp_path: Path) -> None:
    for mode, enter in ENTER.items():
        if mode in NOT_ON[kind]:
            continue
        device = Device(device_spec(tmp_path / mode, "R1", kind))
        await device.boot()
        for text in filter(runnable, map(sample, grammar_for(mode, kind))):
            session = Session(device, user="admin", privilege=15, echo=False)
            session.stack = [Frame("exec"), Frame("config")]
            session.feed(((enter + "\n") if enter else "").encode() + text.encode() + b"\n")
            session.feed_eof()
            await session.run_script()
        assert device.running_text().endswith("end\n")
        for text in filter(runnable, map(sample, grammar_for("exec", kind))):
            if text.startswith(("ping", "traceroute")):
                continue
            session = Session(device, user="admin", privilege=15, echo=False)
            session._capture = []
            await session.execute(text)


@pytest.mark.parametrize("kind", ["router", "switch"])
def test_every_command_runs(kind: str, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR)
    asyncio.run(run_all(kind, tmp_path))
    faults = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert faults == []
