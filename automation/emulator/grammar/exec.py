"""User and privileged exec commands: navigation, terminal settings, show, save, ping, reload."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime
from ipaddress import IPv4Address, IPv4Network

from automation.emulator.config import RunningConfig
from automation.emulator.dataplane import InterfaceState, interface_mac
from automation.emulator.frames import Frame, Reject, SessionClosed, Shell
from automation.emulator.grammar import files
from automation.emulator.grammar.files import copy_run_start, save
from automation.emulator.interfaces import InterfaceName, parse_interface
from automation.emulator.parser import Args, Command
from automation.emulator.render import render_body, render_interface_config
from automation.emulator.shows import (
    dhcp,
    extra,
    interfaces,
    neighbors,
    ping,
    routing,
    system,
    tables,
    version,
    vlan,
)

SWITCH = frozenset({"switch"})


# --- navigation ------------------------------------------------------------------------------


async def enable(s: Shell, a: Args) -> None:
    if s.privilege >= 15:
        s.stack = [Frame("exec")]
        return
    if not s.device.has_enable_password:
        s.out("% No password set\n")
        return
    for _ in range(3):
        answer = await s.ask("Password: ", hidden=True)
        if answer is None:
            return
        if s.device.check_enable(answer):
            s.privilege = 15
            s.stack = [Frame("exec")]
            return
    s.out("% Bad secrets\n\n")


async def disable(s: Shell, a: Args) -> None:
    s.privilege = 1
    s.stack = [Frame("user")]


async def logout(s: Shell, a: Args) -> None:
    s.close()


async def configure(s: Shell, a: Args) -> None:
    if not a.has("terminal"):
        answer = await s.ask("Configuring from terminal, memory, or network [terminal]? ")
        if answer is None:
            return
        word = answer.strip().lower()
        if word and not "terminal".startswith(word):
            s.out('?Must be "terminal", "memory" or "network"\n')
            return
    s.out("Enter configuration commands, one per line.  End with CNTL/Z.\n")
    s.stack.append(Frame("config"))


async def terminal_length(s: Shell, a: Args) -> None:
    s.term_length = 24 if a.has("no") else a["n"]


async def show_history(s: Shell, a: Args) -> None:
    s.out("".join(f"  {line}\n" for line in s.history[False]))


async def show_terminal(s: Shell, a: Args) -> None:
    s.out(system.terminal(s))


async def terminal_width(s: Shell, a: Args) -> None:
    s.term_width = 80 if a.has("no") else a["n"]


async def terminal_noop(s: Shell, a: Args) -> None:
    """`terminal monitor` / `terminal no monitor`: logging to vty stays off (no async output)."""


# --- save, reload ----------------------------------------------------------------------------


async def write_memory(s: Shell, a: Args) -> None:
    save(s)


async def write_terminal(s: Shell, a: Args) -> None:
    s.out(s.device.running_text().split("\n", 3)[3])


def unsaved(s: Shell) -> bool:
    startup = s.device.startup_text() or ""
    saved = [ln for ln in startup.splitlines() if not ln.startswith("! ") and ln != "!"]
    current = [ln for ln in render_body(s.device.config) if ln != "!"]
    return saved != current


async def reload(s: Shell, a: Args) -> None:
    if unsaved(s):
        answer = await s.ask("\nSystem configuration has been modified. Save? [yes/no]: ")
        if answer is None:
            return
        word = answer.strip().lower()
        if word and "yes".startswith(word):
            s.out("\n")
            save(s)
        elif not (word and "no".startswith(word)):
            s.out("% Please answer 'yes' or 'no'.\n")
            return
    answer = await s.ask("Proceed with reload? [confirm]")
    if answer is None or (answer.strip() and not "yes".startswith(answer.strip().lower())):
        return
    s.flush()
    asyncio.get_running_loop().create_task(s.device.reload())
    raise SessionClosed()


# --- show ------------------------------------------------------------------------------------


async def _states(s: Shell) -> dict[str, InterfaceState]:
    return {st.name: st for st in await s.device.dataplane.interfaces()}


def _iface_arg(s: Shell, a: Args) -> str | None:
    name: InterfaceName | None = a.get("if")
    if name is None:
        return None
    if name.name not in s.device.config.interfaces:
        raise Reject("invalid", 2)
    return name.name


async def show_version(s: Shell, a: Args) -> None:
    d = s.device
    s.out(version.show_version(d.kind, d.config.hostname, d.boot_time, datetime.now(UTC), d.serial))


async def show_running(s: Shell, a: Args) -> None:
    name = _iface_arg(s, a)
    if name is not None:
        s.out(render_interface_config(s.device.config, name))
    else:
        s.out(s.device.running_text())


async def show_startup(s: Shell, a: Args) -> None:
    s.out(system.startup(s.device.startup_text()))


async def show_ip_int_brief(s: Shell, a: Args) -> None:
    s.out(interfaces.ip_interface_brief(s.device.config, await _states(s)))


async def show_ip_int(s: Shell, a: Args) -> None:
    s.out(interfaces.ip_interface(s.device.config, await _states(s), _iface_arg(s, a)))


async def show_interfaces(s: Shell, a: Args) -> None:
    cfg: RunningConfig = s.device.config
    name = _iface_arg(s, a)
    if a.has("switchport"):
        s.out(interfaces.switchport(cfg, name))
    elif a.has("trunk"):
        s.out(interfaces.trunk(cfg, await _states(s)))
    elif a.has("status"):
        s.out(interfaces.interfaces_status(cfg, await _states(s)))
    elif a.has("description"):
        s.out(interfaces.interfaces_description(cfg, await _states(s)))
    else:
        s.out(interfaces.interfaces(cfg, await _states(s), name))


async def show_vlan(s: Shell, a: Args) -> None:
    s.out(vlan.show_vlan_brief(s.device.config) if a.has("brief") else vlan.show_vlan(s.device.config))


async def show_spanning_tree(s: Shell, a: Args) -> None:
    cfg = s.device.config
    states = await _states(s)
    up = {n for n, st in states.items() if st.link_up and not cfg.interfaces[n].shutdown}
    s.out(vlan.show_spanning_tree(cfg, interface_mac(cfg.hostname, "bridge"), up))


async def show_ip_route(s: Shell, a: Args) -> None:
    routes = await s.device.dataplane.routes()
    dest: IPv4Address | None = a.get("dest")
    if dest is None:
        s.out(routing.show_ip_route(routes))
        return
    mask: IPv4Address | None = a.get("mask")
    if mask is None:
        found = routing.lookup(routes, dest)
        if found is None:
            s.out(routing.not_in_table(routes, IPv4Network(f"{dest}/32")))
            return
        prefix = found
    else:
        try:
            prefix = IPv4Network(f"{dest}/{mask}", strict=False)
        except ValueError:
            raise Reject("invalid", 4) from None
        if a.has("longer-prefixes"):
            s.out(routing.show_ip_route(routes, lambda r: r.prefix.subnet_of(prefix)))
            return
        if prefix not in routing.by_prefix(routes):
            s.out(routing.not_in_table(routes, prefix))
            return
    cfg = s.device.config
    origins = {n.address: n.router_id for n in await s.device.dataplane.ospf_neighbors()}
    s.out(routing.routing_entry(routes, prefix, min(cfg.ospf, default=None), origins))


async def show_ospf_neighbor(s: Shell, a: Args) -> None:
    s.out(routing.show_ip_ospf_neighbor(await s.device.dataplane.ospf_neighbors()))


async def show_dhcp_binding(s: Shell, a: Args) -> None:
    s.out(dhcp.show_binding(await s.device.dataplane.dhcp_bindings()))


async def show_dhcp_pool(s: Shell, a: Args) -> None:
    s.out(dhcp.show_pool(s.device.config, await s.device.dataplane.dhcp_bindings()))


async def show_arp(s: Shell, a: Args) -> None:
    s.out(tables.show_arp(await s.device.dataplane.arp_table()))


async def show_mac(s: Shell, a: Args) -> None:
    s.out(tables.show_mac_table(await s.device.dataplane.mac_table()))


async def show_cdp(s: Shell, a: Args) -> None:
    s.out(system.cdp_global())


async def show_cdp_neighbors(s: Shell, a: Args) -> None:
    found = await s.device.dataplane.cdp_neighbors()
    s.out(neighbors.show_cdp_detail(found) if a.has("detail") else neighbors.show_cdp_neighbors(found))


async def show_lldp(s: Shell, a: Args) -> None:
    s.out("% LLDP is not enabled\n")


async def show_clock(s: Shell, a: Args) -> None:
    s.out(system.clock(datetime.now(UTC)))


async def show_privilege(s: Shell, a: Args) -> None:
    s.out(system.privilege(s.privilege))


async def show_hosts(s: Shell, a: Args) -> None:
    s.out(system.hosts(s.device.config))


async def show_inventory(s: Shell, a: Args) -> None:
    s.out(system.inventory(s.device.kind, s.device.serial))


async def show_memory(s: Shell, a: Args) -> None:
    s.out(system.memory_statistics())


async def show_cpu(s: Shell, a: Args) -> None:
    s.out(system.processes_cpu())


async def show_nothing(s: Shell, a: Args) -> None:
    """Outputs that are empty on these devices (`show ipv6 interface` with IPv6 off)."""


async def show_users(s: Shell, a: Args) -> None:
    s.out("    Line       User       Host(s)              Idle       Location\n")
    others = sorted((x for x in s.device.sessions if x.vty is not None), key=lambda x: x.vty or 0)
    for other in others:
        mark = "*" if other is s else " "
        vty = other.vty or 0
        # IOSv numbers its lines con 0 = 0, aux 0 = 1, vty N = 2 + N.
        s.out(f"{mark}{2 + vty:>3} vty {vty:<6}{other.user:<11}idle                 00:00:00 {other.peer}\n")
    s.out("\n  Interface    User               Mode         Idle     Peer Address\n\n")


async def show_access_lists(s: Shell, a: Args) -> None:
    from automation.emulator.grammar.acl import show_access_lists as render

    name = a.get("name")
    s.out(render(s.device.config.access_lists, None if name is None else str(name)))


async def show_logging(s: Shell, a: Args) -> None:
    s.out(extra.show_logging(s.device.config, list(s.device.log_buffer)))


async def show_snmp(s: Shell, a: Args) -> None:
    snmp = s.device.config.snmp
    if not snmp.enabled:
        s.out("%SNMP agent not enabled\n")
        return
    if a.has("community"):
        for name in snmp.communities:
            s.out(f"\nCommunity name: {name}\nCommunity Index: {name}\nCommunity SecurityName: {name}\n"
                  "storage-type: nonvolatile\t active\n")  # fmt: skip
    elif not a.has("user") and not a.has("group"):
        s.out(f"Chassis: {s.device.serial}\n")
        if snmp.contact:
            s.out(f"Contact: {snmp.contact}\n")
        if snmp.location:
            s.out(f"Location: {snmp.location}\n")
        s.out("0 SNMP packets input\n0 SNMP packets output\n")


async def show_lldp_interface(s: Shell, a: Args) -> None:
    s.out(extra.show_lldp_interface(s.device.config))


async def show_lacp_sys_id(s: Shell, a: Args) -> None:
    s.out(extra.show_lacp_sys_id(interface_mac(s.device.config.hostname, "bridge")))


async def show_etherchannel(s: Shell, a: Args) -> None:
    from automation.emulator.grammar.l2 import etherchannel_summary

    cfg = s.device.config
    states = await _states(s)
    up = {n for n, st in states.items() if st.link_up}
    s.out(etherchannel_summary(cfg, up))


async def show_ip_ospf(s: Shell, a: Args) -> None:
    cfg = s.device.config
    neighbors = await s.device.dataplane.ospf_neighbors()
    if a.has("brief"):
        s.out(extra.show_ip_ospf_interface_brief(cfg, neighbors))
    elif a.has("database"):
        s.out(extra.show_ip_ospf_database(cfg, neighbors))
    else:
        s.out(extra.show_ip_ospf(cfg, neighbors))


async def show_ip_protocols(s: Shell, a: Args) -> None:
    s.out(extra.show_ip_protocols(s.device.config, await s.device.dataplane.ospf_neighbors()))


async def show_ip_ssh(s: Shell, a: Args) -> None:
    s.out(extra.show_ip_ssh(s.device.config))


ROUTE_FILTERS: dict[str, tuple[str, ...]] = {
    "static": ("S",),
    "connected": ("C", "L"),
    "ospf": ("O", "O IA", "O E2"),
}


async def show_route_filtered(s: Shell, a: Args) -> None:
    routes = await s.device.dataplane.routes()
    if a.has("summary"):
        s.out(extra.route_summary(routes))
        return
    which = next(k for k in ROUTE_FILTERS if a.has(k))
    pid = a.get("pid")
    if pid is not None and pid not in s.device.config.ospf:
        return  # IOS prints nothing for a process that does not run
    s.out(routing.show_ip_route(routes, lambda r: r.protocol in ROUTE_FILTERS[which]))


async def show_vlan_id(s: Shell, a: Args) -> None:
    cfg = s.device.config
    vid = a["vid"]
    if vid not in cfg.vlan_ids():
        s.out(f"VLAN id {vid} not found in current VLAN database\n")
        return
    s.out(vlan.show_vlan(cfg, only=vid))


async def show_vlan_all_ports(s: Shell, a: Args) -> None:
    s.out(vlan.show_vlan(s.device.config, all_ports=True))


# --- ping, traceroute ------------------------------------------------------------------------


@dataclass
class PingOptions:
    """`ping DEST [repeat N] [size N] [timeout N] [source A|IFACE]`, in any order."""

    repeat: int = 5
    size: int = 100
    timeout: int = 2
    source: IPv4Address | None = None


def _options(s: Shell, a: Args, first_index: int) -> PingOptions:
    words = (a.get("opts") or "").split()
    opts = PingOptions()
    i = 0
    names = ("repeat", "size", "timeout", "source", "df-bit", "validate")
    while i < len(words):
        found = [n for n in names if n.startswith(words[i].lower())]
        if len(found) != 1:
            raise Reject("invalid", first_index + i)
        key = found[0]
        if key in ("df-bit", "validate"):
            i += 1
            continue
        if i + 1 >= len(words):
            raise Reject("incomplete")
        value = words[i + 1]
        if key == "source":
            try:
                opts.source = IPv4Address(value)
            except ValueError:
                iface = parse_interface(value, s.device.kind)
                cfg_if = s.device.config.interfaces.get(iface.name) if iface else None
                if cfg_if is None or cfg_if.address is None:
                    raise Reject("invalid", first_index + i + 1) from None
                opts.source = cfg_if.address.ip
        elif value.isdigit():
            setattr(opts, key, int(value))
        else:
            raise Reject("invalid", first_index + i + 1)
        i += 2
    return opts


async def ping_(s: Shell, a: Args) -> None:
    opts = _options(s, a, 2)
    repeat = max(1, min(opts.repeat, 2147483647))
    result = await s.device.dataplane.ping(a["dest"], opts.source, repeat, opts.size, opts.timeout)
    s.out(ping.show_ping(result))


async def traceroute_(s: Shell, a: Args) -> None:
    hops = await s.device.dataplane.traceroute(a["dest"])
    s.out(ping.show_traceroute(a["dest"], hops))


# --- tables ----------------------------------------------------------------------------------

COMMON = [
    Command("exit", logout),
    Command("logout", logout),
    Command("quit", logout),
    Command("terminal length <n:int:0-512>", terminal_length),
    Command("terminal width <n:int:0-512>", terminal_width),
    Command("terminal no length", terminal_length),
    Command("terminal no width", terminal_width),
    Command("terminal monitor", terminal_noop),
    Command("terminal no monitor", terminal_noop),
    Command("show version", show_version),
    Command("show clock", show_clock),
    Command("show privilege", show_privilege),
    Command("show hosts", show_hosts),
    Command("show inventory", show_inventory),
    Command("show ip interface brief", show_ip_int_brief),
    Command("show ip interface [<if:iface>]", show_ip_int),
    Command("show ipv6 interface [brief]", show_nothing),
    Command("show interfaces [<if:iface>] [switchport|trunk|status|description]", show_interfaces),
    Command("show vlan [brief]", show_vlan, kinds=SWITCH),
    Command("show spanning-tree", show_spanning_tree, kinds=SWITCH),
    Command("show mac address-table", show_mac, kinds=SWITCH),
    Command("show ip route [<dest:ip>]", show_ip_route),
    Command("show ip route <dest:ip> <mask:mask> [longer-prefixes]", show_ip_route),
    Command("show ip ospf neighbor", show_ospf_neighbor),
    Command("show ip dhcp binding", show_dhcp_binding),
    Command("show ip dhcp pool", show_dhcp_pool),
    Command("show ip arp", show_arp),
    Command("show arp", show_arp),
    Command("show cdp", show_cdp),
    Command("show cdp neighbors [detail]", show_cdp_neighbors),
    Command("show lldp", show_lldp),
    Command("show lldp neighbors [detail]", show_lldp),
    Command("show memory statistics", show_memory),
    Command("show processes cpu", show_cpu),
    Command("show users", show_users),
    Command("show history", show_history),
    Command("show {access-lists|ip access-lists} [{<name:int:1-2699>|<name:word>}]", show_access_lists),
    Command("show logging", show_logging),
    Command("show snmp [{user|group|community}]", show_snmp),
    Command("show lldp interface [<if:iface>]", show_lldp_interface),
    Command("show lacp sys-id", show_lacp_sys_id),
    Command("show etherchannel summary", show_etherchannel, kinds=SWITCH),
    Command("show ip ospf", show_ip_ospf),
    Command("show ip ospf interface brief", show_ip_ospf),
    Command("show ip ospf database", show_ip_ospf),
    Command("show ip protocols", show_ip_protocols),
    Command("show ip ssh", show_ip_ssh),
    Command("show ip route {static|connected|summary}", show_route_filtered),
    Command("show ip route ospf [<pid:int:1-65535>]", show_route_filtered),
    Command("show vrf", show_nothing),
    Command("show ip vrf", show_nothing),
    Command("show vlan id <vid:int:1-4094>", show_vlan_id, kinds=SWITCH),
    Command("show vlan all-ports", show_vlan_all_ports, kinds=SWITCH),
    Command("show terminal", show_terminal),
    Command("ping <dest:ip> [<opts:line>]", ping_),
    Command("traceroute <dest:ip> [<opts:line>]", traceroute_),
]

USER = [
    Command("enable", enable),
    *COMMON,
]

PRIVILEGED = [
    Command("enable", enable),
    Command("disable", disable),
    Command("configure [terminal]", configure),
    Command("show running-config [all] [interface <if:iface>]", show_running),
    Command("show startup-config", show_startup),
    Command("write [memory]", write_memory),
    Command("write terminal", write_terminal),
    Command("copy running-config startup-config", copy_run_start),
    Command("reload", reload),
    *files.PRIVILEGED,
    *COMMON,
]
