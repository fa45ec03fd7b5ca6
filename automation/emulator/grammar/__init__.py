"""The command grammar: per-mode tables of `Command`s, compiled once per (mode, kind)."""

from __future__ import annotations

import functools

from automation.emulator.interfaces import Kind
from automation.emulator.parser import Command, Variant, compile_commands


def _tables() -> dict[str, list[Command]]:
    from automation.emulator.grammar import common, exec, router, switch
    from automation.emulator.grammar.unsupported import (
        CONFIG_WORDS,
        EXEC_WORDS,
        INTERFACE_WORDS,
        placeholders,
    )

    # Placeholders come last: a real command always wins a tie.
    exec_extra = placeholders(EXEC_WORDS, config=False)
    if_extra = placeholders(INTERFACE_WORDS, config=True)
    return {
        "user": [*exec.USER, *exec_extra],
        "exec": [*exec.PRIVILEGED, *exec_extra],
        "config": [*common.CONFIG, *switch.GLOBAL, *placeholders(CONFIG_WORDS, config=True)],
        "config-if": [*common.INTERFACE, *switch.INTERFACE, *if_extra],
        "config-subif": [*common.INTERFACE, *router.SUBINTERFACE, *if_extra],
        "config-vlan": [*switch.VLAN, *common.NAV],
        "dhcp-config": common.DHCP,
        "config-router": common.ROUTER,
        "config-line": common.LINE,
    }


@functools.cache
def grammar_for(mode: str, kind: Kind) -> list[Variant]:
    """Variants valid in `mode` on a device of `kind`; `no`/`default` forms in config modes."""
    return compile_commands(_tables()[mode], kind, config_mode=mode not in ("user", "exec"))
