"""The command grammar: per-mode tables of `Command`s, compiled once per (mode, kind)."""

from __future__ import annotations

import functools

from automation.emulator.parser import Command, Grammar, Variant, compile_commands
from automation.platforms.cisco_ios import Kind


def _tables() -> dict[str, list[Command]]:
    from automation.emulator.grammar import (
        acl,
        archive,
        common,
        exec,
        ifextra,
        l2,
        ntp,
        router,
        routing,
        services,
        snmp,
        switch,
    )
    from automation.emulator.grammar.unsupported import (
        CONFIG_WORDS,
        EXEC_WORDS,
        INTERFACE_WORDS,
        placeholders,
    )

    # Placeholders come last: a real command always wins a tie.
    exec_extra = placeholders(EXEC_WORDS, config=False)
    if_extra = placeholders(INTERFACE_WORDS, config=True)
    interface = [
        *common.INTERFACE,
        *ifextra.INTERFACE,
        *switch.INTERFACE,
        *l2.INTERFACE,
        *if_extra,
    ]
    return {
        "user": [*exec.USER, *exec_extra],
        "exec": [*exec.PRIVILEGED, *archive.PRIVILEGED, *exec_extra],
        "config": [
            *common.CONFIG,
            *services.CONFIG,
            *acl.CONFIG,
            *archive.CONFIG,
            *ntp.CONFIG,
            *snmp.CONFIG,
            *routing.CONFIG,
            *switch.GLOBAL,
            *l2.GLOBAL,
            *placeholders(CONFIG_WORDS, config=True),
        ],
        "config-if": interface,
        "config-if-range": interface,
        "config-subif": [*common.INTERFACE, *ifextra.INTERFACE, *router.SUBINTERFACE, *if_extra],
        "config-vlan": [*switch.VLAN, *common.NAV],
        "dhcp-config": common.DHCP,
        "config-router": [*common.ROUTER, *routing.OSPF],
        "config-router-lines": [*routing.BLOCK, *common.NAV],
        "config-line": common.LINE,
        "config-archive": [*archive.ARCHIVE, *common.NAV],
        "config-std-nacl": [*acl.NACL, *common.NAV],
        "config-ext-nacl": [*acl.NACL, *common.NAV],
    }


@functools.cache
def grammar_for(mode: str, kind: Kind) -> list[Variant]:
    """Variants valid in `mode` on a device of `kind`; `no`/`default` forms in config modes."""
    return Grammar(compile_commands(_tables()[mode], kind, config_mode=mode not in ("user", "exec")))
