"""IOSvL2 features stored and printed without data-plane effect: VTP, port security, voice VLAN,
EtherChannel (`channel-group` creates the `Port-channel`; `show etherchannel summary`)."""

from __future__ import annotations

from automation.emulator.config import Interface, PortSecurity, Switchport
from automation.emulator.frames import Reject, Shell
from automation.emulator.parser import Args, Command

SWITCH_ONLY = frozenset({"switch"})


async def vtp_mode(s: Shell, a: Args) -> None:
    cfg = s.device.config
    mode = None if a.negated else a.keywords[-1]
    cfg.vtp_mode = None if mode == "server" else mode
    shown = mode or "SERVER"
    s.out(f"Setting device to VTP {shown.upper()} mode{' for VLANS' if mode != 'off' else ''}.\n")


async def vtp_domain(s: Shell, a: Args) -> None:
    cfg = s.device.config
    if a.negated:
        cfg.vtp_domain = None
        return
    if cfg.vtp_domain != a["name"]:
        s.out(f"Changing VTP domain name from {cfg.vtp_domain or 'NULL'} to {a['name']}\n")
    cfg.vtp_domain = a["name"]


async def vtp_version(s: Shell, a: Args) -> None:
    s.device.config.vtp_version = None if a.negated or a["v"] == 1 else a["v"]


def _access_port(s: Shell) -> Interface:
    iface = s.device.config.interfaces[s.frame.target]
    if not iface.is_physical or iface.switchport is None:
        raise Reject("invalid", 0 if not iface.is_physical else 1)
    return iface


async def port_security(s: Shell, a: Args) -> None:
    iface = _access_port(s)
    sp = iface.switchport
    assert sp is not None
    if not a.negated and sp.mode != "access" and sp.mode != "trunk":
        s.out(
            "Command rejected: GigabitEthernet"
            f"{iface.name.removeprefix('GigabitEthernet')} is a dynamic port.\n"
        )
        return
    ps = iface.port_security or PortSecurity()
    ps.enabled = not a.negated
    iface.port_security = ps if (ps.enabled or ps.maximum or ps.violation or ps.mac_addresses) else None


def _ps(s: Shell) -> PortSecurity:
    iface = _access_port(s)
    if iface.port_security is None:
        iface.port_security = PortSecurity()
    return iface.port_security


async def ps_maximum(s: Shell, a: Args) -> None:
    _ps(s).maximum = None if a.negated or a["n"] == 1 else a["n"]


async def ps_violation(s: Shell, a: Args) -> None:
    value = None if a.negated else a.keywords[-1]
    _ps(s).violation = None if value == "shutdown" else value


async def ps_mac(s: Shell, a: Args) -> None:
    ps = _ps(s)
    if a.has("sticky") and "mac" not in a:
        ps.sticky = not a.negated
        return
    if "mac" not in a:
        raise Reject("incomplete")
    text = f"{'sticky ' if a.has('sticky') else ''}{str(a['mac']).lower()}"
    if a.negated:
        ps.mac_addresses = [m for m in ps.mac_addresses if m != text]
    elif text not in ps.mac_addresses:
        ps.mac_addresses.append(text)


async def ps_aging(s: Shell, a: Args) -> None:
    _ps(s).aging_time = None if a.negated else a["n"]


async def voice_vlan(s: Shell, a: Args) -> None:
    iface = _access_port(s)
    iface.voice_vlan = None if a.negated else a["vlan"]


async def channel_group(s: Shell, a: Args) -> None:
    cfg = s.device.config
    iface = s.device.config.interfaces[s.frame.target]
    if not iface.is_physical:
        raise Reject("invalid", 0)
    if a.negated:
        iface.channel_group = None
        return
    mode = " ".join(a.keywords[2:])
    number = a["n"]
    name = f"Port-channel{number}"
    if name not in cfg.interfaces:
        s.out(f"Creating a port-channel interface Port-channel {number}\n\n")
        po = cfg.new_interface(name)
        if iface.switchport is not None:
            po.switchport = Switchport(
                mode=iface.switchport.mode,
                access_vlan=iface.switchport.access_vlan,
                trunk_allowed=iface.switchport.trunk_allowed,
                trunk_native=iface.switchport.trunk_native,
                trunk_encapsulation_dot1q=iface.switchport.trunk_encapsulation_dot1q,
            )
    iface.channel_group = (number, mode)


def _protocol(mode: str) -> str:
    return (
        "LACP" if mode in ("active", "passive") else "PAgP" if mode.startswith(("auto", "desirable")) else "-"
    )


def etherchannel_summary(cfg: object, up: set[str]) -> str:
    """`show etherchannel summary` (IOS 15.x layout from memory)."""
    from automation.emulator.config import RunningConfig
    from automation.emulator.interfaces import sort_key
    from automation.platforms.cisco_ios import short_name

    assert isinstance(cfg, RunningConfig)
    groups: dict[int, list[Interface]] = {}
    modes: dict[int, str] = {}
    for iface in cfg.sorted_interfaces():
        if iface.channel_group is not None:
            groups.setdefault(iface.channel_group[0], []).append(iface)
            modes[iface.channel_group[0]] = iface.channel_group[1]
    out = [
        "Flags:  D - down        P - bundled in port-channel",
        "        I - stand-alone s - suspended",
        "        H - Hot-standby (LACP only)",
        "        R - Layer3      S - Layer2",
        "        U - in use      N - not in use, no aggregation",
        "        f - failed to allocate aggregator",
        "",
        "        M - not in use, minimum links not met",
        "        m - not in use, port not aggregated due to minimum links not met",
        "        u - unsuitable for bundling",
        "        w - waiting to be aggregated",
        "        d - default port",
        "",
        "        A - formed by Auto LAG",
        "",
        "",
        f"Number of channel-groups in use: {len(groups)}",
        f"Number of aggregators:           {len(groups)}",
        "",
        "Group  Port-channel  Protocol    Ports",
        "------+-------------+-----------+-----------------------------------------------",
    ]
    for number in sorted(groups, key=lambda n: sort_key(f"Port-channel{n}")):
        po = cfg.interfaces.get(f"Port-channel{number}")
        layer = "S" if po is None or po.switchport is not None else "R"
        members = groups[number]
        bundled = [m for m in members if m.name in up and not m.shutdown]
        po_flag = f"{layer}{'U' if bundled else 'D'}"
        ports = " ".join(f"{short_name(m.name)}({'P' if m in bundled else 'D'})" for m in members)
        out.append(f"{number:<7}{f'Po{number}({po_flag})':<14}{_protocol(modes[number]):<12}{ports}")
    return "\n".join(out) + "\n"


GLOBAL = [
    Command(
        "vtp mode {server|client|transparent|off}", vtp_mode, kinds=SWITCH_ONLY, no="vtp mode [<rest:line>]"
    ),
    Command("vtp domain <name:word>", vtp_domain, kinds=SWITCH_ONLY, no="vtp domain [<name:word>]"),
    Command("vtp version <v:int:1-3>", vtp_version, kinds=SWITCH_ONLY, no="vtp version [<v:int:1-3>]"),
]

INTERFACE = [
    Command("switchport port-security", port_security, kinds=SWITCH_ONLY, no=""),
    Command(
        "switchport port-security maximum <n:int:1-4097>",
        ps_maximum,
        kinds=SWITCH_ONLY,
        no="switchport port-security maximum [<n:int:1-4097>]",
    ),
    Command(
        "switchport port-security violation {protect|restrict|shutdown}",
        ps_violation,
        kinds=SWITCH_ONLY,
        no="switchport port-security violation [<rest:line>]",
    ),
    Command("switchport port-security mac-address [sticky] [<mac:word>]", ps_mac, kinds=SWITCH_ONLY, no=""),
    Command(
        "switchport port-security aging time <n:int:1-1440>",
        ps_aging,
        kinds=SWITCH_ONLY,
        no="switchport port-security aging time [<n:int:1-1440>]",
    ),
    Command(
        "switchport voice vlan <vlan:int:1-4094>",
        voice_vlan,
        kinds=SWITCH_ONLY,
        no="switchport voice vlan [<vlan:int:1-4094>]",
    ),
    Command(
        "channel-group <n:int:1-48> mode {active|passive|on|auto [non-silent]|desirable [non-silent]}",
        channel_group,
        kinds=SWITCH_ONLY,
        no="channel-group [<rest:line>]",
    ),
]
