"""Fixtures of the emulator tier: devices served on free 127.0.0.1 ports (module scope).

Each test module starts its own emulator and stops it at the end of the module.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from emulator_support import device_spec

from automation.emulator.server import ThreadedEmulator


@pytest.fixture(scope="module")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ThreadedEmulator]:
    """A router R1 and a switch SW1 with day-0 configs, on free ports of 127.0.0.1."""
    tmp = tmp_path_factory.mktemp("emu")
    specs = [device_spec(tmp, "R1", "router"), device_spec(tmp, "SW1", "switch")]
    with ThreadedEmulator(specs) as emu:
        yield emu
