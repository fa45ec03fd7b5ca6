"""`show vlan [brief]` (IOSvL2) and `show spanning-tree`."""

from __future__ import annotations

from automation.emulator.config import RunningConfig
from automation.platforms.cisco_ios import OWN_VLAN_NAMES, short_name

# The media type `show vlan` prints for the VLANs IOS keeps (their names are the platform's).
_MEDIA = {1002: "fddi", 1003: "tr", 1004: "fdnet", 1005: "trnet"}
_RESERVED = [(vid, OWN_VLAN_NAMES[vid], media, 100000 + vid) for vid, media in _MEDIA.items()]


def vlan_members(cfg: RunningConfig, all_ports: bool = False) -> dict[int, list[str]]:
    """Access ports per VLAN (trunks and routed ports are not listed by `show vlan`).

    `all_ports` (`show vlan all-ports`): trunks too, under every VLAN they carry.
    """
    members: dict[int, list[str]] = {}
    existing = set(cfg.vlan_ids())
    for iface in cfg.sorted_interfaces():
        sp = iface.switchport
        if sp is None or not iface.is_physical:
            continue
        if sp.is_trunk:
            if all_ports:
                for vid in sorted(existing & sp.trunk_allowed):
                    members.setdefault(vid, []).append(short_name(iface.name))
            continue
        members.setdefault(sp.access_vlan, []).append(short_name(iface.name))
    for ports in members.values():
        ports.sort(key=lambda p: [int(x) for x in p[2:].split("/")])
    return members


def _port_lines(ports: list[str]) -> list[str]:
    lines: list[str] = []
    current = ""
    for port in ports:
        candidate = f"{current}, {port}" if current else port
        if len(candidate) > 31:
            lines.append(current)  # IOS ends a wrapped line without the comma
            current = port
        else:
            current = candidate
    lines.append(current)
    return lines


def _brief_rows(cfg: RunningConfig, only: int | None = None, all_ports: bool = False) -> list[str]:
    members = vlan_members(cfg, all_ports)
    rows: list[str] = []
    for vid in cfg.vlan_ids():
        if only is not None and vid != only:
            continue
        name = "default" if vid == 1 else cfg.vlans[vid].display_name
        ports = _port_lines(members.get(vid, []))
        rows.append(
            f"{vid:<5}{name:<33}{'active':<10}{ports[0]}".rstrip()
            if ports[0]
            else f"{vid:<5}{name:<33}active    "
        )
        rows += [f"{'':48}{p}" for p in ports[1:]]
    for vid, name, _, _ in _RESERVED:
        if only is None:
            rows.append(f"{vid:<5}{name:<33}act/unsup ")
    return rows


def show_vlan_brief(cfg: RunningConfig, only: int | None = None, all_ports: bool = False) -> str:
    head = [
        "",
        "VLAN Name                             Status    Ports",
        "---- -------------------------------- --------- -------------------------------",
    ]
    return "\n".join(head + _brief_rows(cfg, only, all_ports)) + "\n"


def show_vlan(cfg: RunningConfig, only: int | None = None, all_ports: bool = False) -> str:
    """`show vlan` / `show vlan id N` (that VLAN only) / `show vlan all-ports` (trunks listed)."""
    out = show_vlan_brief(cfg, only, all_ports).rstrip("\n").split("\n")
    out += [
        "",
        "VLAN Type  SAID       MTU   Parent RingNo BridgeNo Stp  BrdgMode Trans1 Trans2",
        "---- ----- ---------- ----- ------ ------ -------- ---- -------- ------ ------",
    ]
    for vid in cfg.vlan_ids():
        if only is None or vid == only:
            out.append(
                f"{vid:<5}enet  {100000 + vid:<11}1500  -      -      -        -    -        0      0   "
            )
    if only is None:
        out += [
            "1002 fddi  101002     1500  -      -      -        -    -        0      0   ",
            "1003 tr    101003     1500  -      -      -        -    -        0      0   ",
            "1004 fdnet 101004     1500  -      -      -        ieee -        0      0   ",
            "1005 trnet 101005     1500  -      -      -        ibm  -        0      0   ",
        ]
    out += [
        "",
        "Remote SPAN VLANs",
        "------------------------------------------------------------------------------",
        "",
        "",
        "Primary Secondary Type              Ports",
        "------- --------- ----------------- ------------------------------------------",
        "",
    ]
    return "\n".join(out) + "\n"


def show_spanning_tree(cfg: RunningConfig, bridge_mac: str, up: set[str]) -> str:
    """Every switch is its own root: the emulator runs no BPDUs, so this is what it can know."""
    out: list[str] = []
    members = vlan_members(cfg)
    trunks = [i for i in cfg.sorted_interfaces() if i.switchport is not None and i.switchport.is_trunk]
    for vid in cfg.vlan_ids():
        ports = [p for p in members.get(vid, []) if _long(cfg, p) in up]
        ports += [
            short_name(t.name)
            for t in trunks
            if vid in t.switchport.trunk_allowed  # type: ignore[union-attr]
            and t.name in up
        ]
        if not ports:
            continue
        prio = 32768 + vid
        out += [
            "",
            f"VLAN{vid:04d}",
            "  Spanning tree enabled protocol ieee",
            f"  Root ID    Priority    {prio}",
            f"             Address     {bridge_mac}",
            "             This bridge is the root",
            "             Hello Time   2 sec  Max Age 20 sec  Forward Delay 15 sec",
            "",
            f"  Bridge ID  Priority    {prio}  (priority 32768 sys-id-ext {vid})",
            f"             Address     {bridge_mac}",
            "             Hello Time   2 sec  Max Age 20 sec  Forward Delay 15 sec",
            "             Aging Time  300 sec",
            "",
            "Interface           Role Sts Cost      Prio.Nbr Type",
            "------------------- ---- --- --------- -------- --------------------------------",
        ]
        for port in sorted(ports, key=lambda p: [int(x) for x in p[2:].split("/")]):
            nbr = _port_number(port)
            out.append(f"{port:<20}Desg FWD 4         128.{nbr:<5}P2p")
        out.append("")
    return "\n".join(out) + "\n" if out else ""


def _long(cfg: RunningConfig, short: str) -> str:
    return "GigabitEthernet" + short[2:]


def _port_number(short: str) -> int:
    slot, port = (int(x) for x in short[2:].split("/"))
    return slot * 4 + port + 1
