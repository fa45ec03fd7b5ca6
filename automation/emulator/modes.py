"""CLI modes as data: prompt suffix, terminator and parent (where `exit` and fall-through go)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Mode:
    name: str
    suffix: str  # between hostname and terminator, e.g. "(config-if)"
    terminator: str
    parent: str | None  # None: leaving ends the session

    @property
    def is_config(self) -> bool:
        return self.name not in ("user", "exec")


MODES: dict[str, Mode] = {
    m.name: m
    for m in (
        Mode("user", "", ">", None),
        Mode("exec", "", "#", None),
        Mode("config", "(config)", "#", "exec"),
        Mode("config-if", "(config-if)", "#", "config"),
        Mode("config-subif", "(config-subif)", "#", "config"),
        Mode("config-vlan", "(config-vlan)", "#", "config"),
        Mode("dhcp-config", "(dhcp-config)", "#", "config"),
        Mode("config-router", "(config-router)", "#", "config"),
        Mode("config-line", "(config-line)", "#", "config"),
    )
}
