"""Configuration commands valid on both IOSv and IOSvL2, as tables of `Command`s per mode."""

from __future__ import annotations

import re
from ipaddress import IPv4Address, IPv4Interface, IPv4Network

from automation.emulator.config import (
    DhcpPool,
    ExcludedRange,
    Interface,
    OspfNetwork,
    OspfProcess,
    RunningConfig,
    StaticRoute,
    User,
)
from automation.emulator.frames import Reject, Shell
from automation.emulator.interfaces import InterfaceName, interface_name
from automation.emulator.parser import Args, Command
from automation.emulator.secret import decode_type7, keep_or_hash
from automation.platforms.cisco_ios import HOSTNAME_ERROR, valid_hostname

# --- helpers ---------------------------------------------------------------------------------


def _mask_len(mask: IPv4Address, address: IPv4Address | None = None) -> int:
    bits = int(mask)
    length = bin(bits).count("1")
    if bits != ((0xFFFFFFFF << (32 - length)) & 0xFFFFFFFF):
        raise Reject(message=f"Bad mask 0x{bits:X} for address {address}\n" if address else None)
    return length


def _ips(s: Shell, text: str, first_index: int) -> list[IPv4Address]:
    out: list[IPv4Address] = []
    for i, word in enumerate(text.split()):
        try:
            out.append(IPv4Address(word))
        except ValueError:
            raise Reject("invalid", first_index + i) from None
    return out


def _decode7(text: str) -> str:
    try:
        return decode_type7(text)
    except ValueError:
        raise Reject(message="Invalid encrypted password\n") from None  # IOS wording from memory


def _iface(s: Shell) -> Interface:
    return s.device.config.interfaces[s.frame.target]


# --- global config ---------------------------------------------------------------------------


async def hostname(s: Shell, a: Args) -> None:
    if not a.negated and not valid_hostname(a["name"]):
        raise Reject(message=HOSTNAME_ERROR)
    s.device.config.hostname = (
        ("Router" if s.device.kind == "router" else "Switch") if a.negated else a["name"]
    )


async def domain_name(s: Shell, a: Args) -> None:
    s.device.config.domain_name = None if a.negated else a["name"]


async def domain_lookup(s: Shell, a: Args) -> None:
    s.device.config.domain_lookup = not a.negated


async def name_server(s: Shell, a: Args) -> None:
    cfg = s.device.config
    servers = _ips(s, a["servers"], 2) if "servers" in a else []
    if a.negated:
        cfg.name_servers = [ns for ns in cfg.name_servers if servers and ns not in servers]
        return
    for ns in servers:
        if ns not in cfg.name_servers:
            cfg.name_servers.append(ns)


async def username(s: Shell, a: Args) -> None:
    cfg = s.device.config
    name = a["name"]
    if a.negated:
        cfg.users.pop(name, None)
        return
    user = User(name, privilege=a.get("level", 1))
    if a.has("secret"):
        kind = a.get("type", 0)
        if kind == 9:
            user.secret_hash = a["secret"]
        elif kind == 0:
            previous = cfg.users.get(name)
            user.secret_hash = keep_or_hash(a["secret"], previous.secret_hash if previous else None)
        else:
            raise Reject("invalid", 4 if "level" in a else 2)
    elif a.has("password"):
        kind = a.get("type", 0)
        user.password = _decode7(a["pw"]) if kind == 7 else a["pw"]
    cfg.users[name] = user


async def enable_secret(s: Shell, a: Args) -> None:
    cfg = s.device.config
    if a.negated:
        cfg.enable_secret_hash = None
        return
    kind = a.get("type", 0)
    if kind == 9:
        cfg.enable_secret_hash = a["secret"]
    elif kind == 0:
        cfg.enable_secret_hash = keep_or_hash(a["secret"], cfg.enable_secret_hash)
    else:
        raise Reject("invalid", 2)


async def enable_password(s: Shell, a: Args) -> None:
    cfg = s.device.config
    if a.negated:
        cfg.enable_password = None
        return
    cfg.enable_password = _decode7(a["pw"]) if a.get("type", 0) == 7 else a["pw"]


async def password_encryption(s: Shell, a: Args) -> None:
    s.device.config.password_encryption = not a.negated


async def crypto_key(s: Shell, a: Args) -> None:
    cfg = s.device.config
    if not cfg.domain_name:
        s.out("% Please define a domain-name first.\n")
        return
    label = f"{cfg.hostname}.{cfg.domain_name}"
    bits = a.get("bits")
    if cfg.rsa_modulus is not None:
        s.out(f"% You already have RSA keys defined named {label}.\n")
        if bits is not None:
            s.out("% They will be replaced.\n")
        else:
            answer = await s.ask("% Do you really want to replace them? [yes/no]: ")
            if answer is None or not "yes".startswith(answer.strip().lower() or "x"):
                return
    else:
        s.out(f"The name for the keys will be: {label}\n")
    if bits is None:
        s.out(
            "Choose the size of the key modulus in the range of 360 to 4096 for your\n"
            "  General Purpose Keys. Choosing a key modulus greater than 512 may take\n"
            "  a few minutes.\n\n"
        )
        answer = await s.ask("How many bits in the modulus [512]: ")
        if answer is None:
            return
        text = answer.strip() or "512"
        if not text.isdigit() or not 360 <= int(text) <= 4096:
            s.out("% Key modulus size must be between 360 and 4096 bits.\n")
            return
        bits = int(text)
    else:
        s.out(f"\n% The key modulus size is {bits} bits\n")
    s.out(f"% Generating {bits} bit RSA keys, keys will be non-exportable...\n")
    s.out("[OK] (elapsed time was 1 seconds)\n\n")
    cfg.rsa_modulus = bits
    s.device.store_keys(bits)


async def ssh_version(s: Shell, a: Args) -> None:
    s.device.config.ssh_version = None if a.negated else a["v"]


async def file_prompt(s: Shell, a: Args) -> None:
    s.device.config.file_prompt_quiet = not a.negated


async def banner_text(s: Shell, text: str) -> str | None:
    """The body of `banner X <delim>...<delim>`, reading further lines until the delimiter."""
    delim = "^C" if text.startswith("^C") else text[0]
    rest = text[len(delim) :]
    if delim in rest:
        return rest[: rest.index(delim)]
    s.out(f"Enter TEXT message.  End with the character '{delim[0]}'.\n")
    lines = [rest] if rest else []
    while True:
        line = await s.read_line()
        if line.ending in ("eof", "ctrl-c") and not line.text:
            return None
        if delim in line.text:
            lines.append(line.text[: line.text.index(delim)])
            break
        lines.append(line.text)
    body = "\n".join(lines)
    return ("\n" + body) if not rest else body


async def banner_motd(s: Shell, a: Args) -> None:
    cfg = s.device.config
    if a.negated:
        cfg.banner_motd = None
        return
    text = await banner_text(s, a["text"])
    if text is not None:
        cfg.banner_motd = text


async def interface(s: Shell, a: Args) -> None:
    name: InterfaceName = a["if"]
    cfg = s.device.config
    if a.defaulted:
        # `default interface X`: back to what a fresh boot has (physical) or an empty interface.
        fresh = RunningConfig.factory(cfg.kind, cfg.hostname).interfaces.get(name.name)
        if name.name in cfg.interfaces:
            cfg.interfaces[name.name] = fresh or Interface(name.name)
        s.out(f"Interface {name.name} set to default configuration\n")
        return
    if a.negated:
        if name.type.slotted and name.parent is None:
            raise Reject("invalid", 2)
        cfg.interfaces.pop(name.name, None)
        for proc in cfg.ospf.values():
            if name.name in proc.passive:
                proc.passive.remove(name.name)
        return
    if name.name not in cfg.interfaces:
        cfg.new_interface(name.name)
    s.enter("config-subif" if name.parent else "config-if", name.name)


def parse_range(text: str, kind: str) -> list[str] | None:
    """`Gi0/1 - 3, Gi1/0 -1`, `GigabitEthernet0/1-2` -> canonical names; None if IOS refuses it."""
    from automation.emulator.interfaces import parse_interface

    names: list[str] = []
    for part in text.split(","):
        m = re.fullmatch(r"\s*([A-Za-z-]+)\s*((?:\d+/)*)(\d+)\s*(?:-\s*(\d+))?\s*", part)
        if not m:
            return None
        word, prefix, first, last = m.group(1), m.group(2), int(m.group(3)), m.group(4)
        end = int(last) if last is not None else first
        if end < first:
            return None
        for unit in range(first, end + 1):
            parsed = parse_interface(f"{word}{prefix}{unit}", kind)  # type: ignore[arg-type]
            if parsed is None:
                return None
            if parsed.name not in names:
                names.append(parsed.name)
    return names


async def interface_range(s: Shell, a: Args) -> None:
    cfg = s.device.config
    names = parse_range(a["list"], s.device.kind)
    if not names:
        raise Reject("invalid", 2)
    for name in names:
        if name not in cfg.interfaces:
            if interface_name(name).type.slotted:
                raise Reject("invalid", 2)
            cfg.new_interface(name)
    s.enter("config-if-range", names)


async def ip_routing(s: Shell, a: Args) -> None:
    s.device.config.ip_routing = not a.negated


async def ip_route(s: Shell, a: Args) -> None:
    cfg = s.device.config
    prefix: IPv4Address = a["prefix"]
    mask: IPv4Address = a["mask"]
    length = _mask_len(mask)
    network = IPv4Network(f"{prefix}/{length}", strict=False)
    if network.network_address != prefix:
        s.out("%Inconsistent address and mask\n")
        return
    iface: InterfaceName | None = a.get("if")
    route = StaticRoute(network, a.get("nh"), iface.name if iface else None, a.get("distance"))
    same = [
        r
        for r in cfg.static_routes
        if r.prefix == network and r.next_hop == route.next_hop and r.interface == route.interface
    ]
    if a.negated:
        for r in same:
            cfg.static_routes.remove(r)
        return
    if same:
        cfg.static_routes[cfg.static_routes.index(same[0])] = route
    else:
        cfg.static_routes.append(route)
        cfg.static_routes.sort(key=lambda r: (int(r.prefix.network_address), r.prefix.prefixlen))


async def default_gateway(s: Shell, a: Args) -> None:
    s.device.config.default_gateway = None if a.negated else a["gw"]


async def router_ospf(s: Shell, a: Args) -> None:
    cfg = s.device.config
    pid = a["pid"]
    if a.negated:
        cfg.ospf.pop(pid, None)
        return
    cfg.ospf.setdefault(pid, OspfProcess(pid))
    s.enter("config-router", pid)


async def dhcp_excluded(s: Shell, a: Args) -> None:
    cfg = s.device.config
    rng = ExcludedRange(a["low"], a.get("high"))
    if rng.high is not None and rng.high < rng.low:
        s.out(f"% Range [{rng.low}, {rng.high}] is not valid.\n")
        return
    if a.negated:
        if rng in cfg.dhcp_excluded:
            cfg.dhcp_excluded.remove(rng)
        return
    if rng not in cfg.dhcp_excluded:
        cfg.dhcp_excluded.append(rng)
        cfg.dhcp_excluded.sort(key=lambda r: int(r.low))


async def dhcp_pool(s: Shell, a: Args) -> None:
    cfg = s.device.config
    name = a["name"]
    if a.negated:
        cfg.dhcp_pools.pop(name, None)
        return
    cfg.dhcp_pools.setdefault(name, DhcpPool(name))
    s.enter("dhcp-config", name)


async def line(s: Shell, a: Args) -> None:
    from automation.emulator.config import Line

    cfg = s.device.config
    if a.has("vty"):
        first, last = a["first"], a.get("last", a["first"])
        key = f"vty {first} {last}" if last != first else f"vty {first}"
    elif a.has("aux"):
        key = "aux 0"
    else:
        key = "con 0"
    if key not in cfg.lines:
        cfg.lines[key] = Line(key, login="login" if key.startswith("vty") else "none")
    s.enter("config-line", key)


async def noop(s: Shell, a: Args) -> None:
    """Lines IOS prints in every config and accepts back unchanged (`version 15.9`, `ip cef`)."""


async def end(s: Shell, a: Args) -> None:
    s.leave_config()


async def exit_mode(s: Shell, a: Args) -> None:
    if s.mode.name == "config":
        s.leave_config()
    else:
        s.stack.pop()


async def do(s: Shell, a: Args) -> None:
    text: str = a["cmd"]
    offset = a.line.index(text)
    await s.exec_line(text, "exec" if s.privilege >= 15 else "user", offset)


# --- interface -------------------------------------------------------------------------------


async def description(s: Shell, a: Args) -> None:
    text = None if a.negated else str(a["text"])
    if text is not None and len(text) > 240:
        # IOS takes at most 240 characters and refuses the line with a caret at the 241st.
        start = a.line.index(text)
        raise Reject(
            message=" " * (len(s.prompt) + start + 240) + "^\n% Invalid input detected at '^' marker.\n\n"
        )
    _iface(s).description = text


async def ip_address(s: Shell, a: Args) -> None:
    iface = _iface(s)
    if iface.switchport is not None:
        raise Reject("invalid", 1)
    if a.negated:
        if "addr" not in a:
            iface.address, iface.secondary = None, []
        elif a.has("secondary"):
            iface.secondary = [x for x in iface.secondary if x.ip != a["addr"]]
        elif iface.address is not None and iface.address.ip == a["addr"]:
            iface.address = None
        return
    if iface.parent is not None and iface.dot1q_vlan is None:
        s.out(
            "\n% Configuring IP routing on a LAN subinterface is only allowed if that\n"
            "subinterface is already configured as part of an IEEE 802.10, IEEE 802.1Q,\n"
            "or ISL vLAN.\n\n"
        )
        return
    addr: IPv4Address = a["addr"]
    length = _mask_len(a["mask"], addr)
    value = IPv4Interface(f"{addr}/{length}")
    if length < 31 and addr in (value.network.network_address, value.network.broadcast_address):
        s.out(f"Bad mask /{length} for address {addr}\n")
        return
    for other in s.device.config.interfaces.values():
        if other.name != iface.name and any(x.network.overlaps(value.network) for x in other.addresses):
            s.out(f"% {value.network.network_address} overlaps with {other.name}\n")
            return
    if a.has("secondary"):
        if value not in iface.secondary:
            iface.secondary.append(value)
    else:
        iface.address = value


async def helper(s: Shell, a: Args) -> None:
    iface = _iface(s)
    addr: IPv4Address = a["addr"]
    if a.negated:
        iface.helper_addresses = [h for h in iface.helper_addresses if h != addr]
    elif addr not in iface.helper_addresses:
        iface.helper_addresses.append(addr)


async def ospf_cost(s: Shell, a: Args) -> None:
    _iface(s).ospf_cost = None if a.negated else a["n"]


async def ospf_hello(s: Shell, a: Args) -> None:
    _iface(s).ospf_hello = None if a.negated else a["n"]


async def ospf_dead(s: Shell, a: Args) -> None:
    _iface(s).ospf_dead = None if a.negated else a["n"]


async def shutdown(s: Shell, a: Args) -> None:
    _iface(s).shutdown = not a.negated


def _physical(s: Shell) -> Interface:
    iface = _iface(s)
    if not iface.is_physical:
        raise Reject("invalid", 0)
    return iface


async def duplex(s: Shell, a: Args) -> None:
    iface = _physical(s)
    iface.duplex = "auto" if a.negated else a.keywords[-1]
    if s.device.kind == "switch" and iface.duplex == "auto":
        iface.duplex = None


async def speed(s: Shell, a: Args) -> None:
    iface = _physical(s)
    iface.speed = "auto" if a.negated else a.keywords[-1]
    if s.device.kind == "switch" and iface.speed == "auto":
        iface.speed = None


async def media_type(s: Shell, a: Args) -> None:
    iface = _physical(s)
    iface.media_type = (None if s.device.kind == "switch" else "rj45") if a.negated else a.keywords[-1]


async def negotiation(s: Shell, a: Args) -> None:
    iface = _physical(s)
    iface.negotiation_auto = not a.negated


# --- dhcp-config -----------------------------------------------------------------------------


def _pool(s: Shell) -> DhcpPool:
    return s.device.config.dhcp_pools[s.frame.target]


async def pool_network(s: Shell, a: Args) -> None:
    pool = _pool(s)
    if a.negated:
        pool.network = None
        return
    length = _mask_len(a["mask"])
    net = IPv4Network(f"{a['addr']}/{length}", strict=False)
    if net.network_address != a["addr"]:
        s.out(f"% {a['addr']} is not a network address\n")  # IOS wording for host bits set
        return
    pool.network = net


async def default_router(s: Shell, a: Args) -> None:
    _pool(s).default_routers = [] if a.negated else _ips(s, a["addrs"], 1)


async def dns_server(s: Shell, a: Args) -> None:
    _pool(s).dns_servers = [] if a.negated else _ips(s, a["addrs"], 1)


async def pool_domain(s: Shell, a: Args) -> None:
    _pool(s).domain_name = None if a.negated else a["name"]


async def lease(s: Shell, a: Args) -> None:
    pool = _pool(s)
    if a.negated:
        pool.lease = None
    elif a.has("infinite"):
        pool.lease = "infinite"
    else:
        pool.lease = (a["d"], a.get("h", 0), a.get("m", 0))


# --- config-router ---------------------------------------------------------------------------


def _ospf(s: Shell) -> OspfProcess:
    return s.device.config.ospf[s.frame.target]


async def router_id(s: Shell, a: Args) -> None:
    _ospf(s).router_id = None if a.negated else a["rid"]


async def ospf_network(s: Shell, a: Args) -> None:
    proc = _ospf(s)
    area = a["area"]
    if not (area.isdigit() or _is_dotted(area)):
        raise Reject("invalid", 4)
    net = OspfNetwork(a["addr"], a["wild"], area)
    if a.negated:
        proc.networks = [n for n in proc.networks if (n.address, n.wildcard) != (net.address, net.wildcard)]
    elif not any((n.address, n.wildcard) == (net.address, net.wildcard) for n in proc.networks):
        proc.networks.append(net)


def _is_dotted(text: str) -> bool:
    try:
        IPv4Address(text)
    except ValueError:
        return False
    return True


async def passive(s: Shell, a: Args) -> None:
    proc = _ospf(s)
    if a.has("default"):
        proc.passive_default = not a.negated
        proc.passive = []
        return
    name = a["if"].name
    # With `passive-interface default` the list holds the exceptions (`no passive-interface X`).
    add = a.negated if proc.passive_default else not a.negated
    if add and name not in proc.passive:
        proc.passive.append(name)
        proc.passive.sort(
            key=lambda n: (
                list(s.device.config.interfaces).index(n) if n in s.device.config.interfaces else 1 << 30
            )
        )
    elif not add and name in proc.passive:
        proc.passive.remove(name)


# --- config-line -----------------------------------------------------------------------------


async def line_login(s: Shell, a: Args) -> None:
    ln = s.device.config.lines[s.frame.target]
    if a.negated:
        ln.login = "none"
    else:
        ln.login = "local" if a.has("local") else "login"


async def transport_input(s: Shell, a: Args) -> None:
    ln = s.device.config.lines[s.frame.target]
    if a.negated:
        ln.transport_input = ["none"] if ln.name.startswith("vty") and s.device.kind == "router" else None
        return
    protocols = [k for k in a.keywords[2:]]
    ln.transport_input = protocols


async def exec_timeout(s: Shell, a: Args) -> None:
    ln = s.device.config.lines[s.frame.target]
    ln.exec_timeout = None if a.negated else (a["m"], a.get("sec", 0))
    if ln.exec_timeout == (10, 0):
        ln.exec_timeout = None


async def line_password(s: Shell, a: Args) -> None:
    ln = s.device.config.lines[s.frame.target]
    ln.password = None if a.negated else (_decode7(a["pw"]) if a.get("type") == 7 else a["pw"])


# --- tables ----------------------------------------------------------------------------------

NAV = [
    Command("end", end, mutates=False),
    Command("exit", exit_mode, mutates=False),
    Command("do <cmd:line>", do, mutates=False),
]

FIXED_LINES = [
    "version <v:word>",
    "service timestamps <rest:line>",
    "boot-start-marker",
    "boot-end-marker",
    "aaa new-model",
    "ip cef",
    "ipv6 cef",
    "ip forward-protocol nd",
    "ip http server",
    "ip http secure-server",
    "redundancy",
    "control-plane",
    "license udi <rest:line>",
]

CONFIG = [
    Command("hostname <name:word>", hostname, no="hostname [<name:word>]"),
    Command("ip domain-name <name:word>", domain_name, no="ip domain-name [<name:word>]"),
    Command("ip domain name <name:word>", domain_name, no="ip domain name [<name:word>]"),
    Command("ip domain lookup", domain_lookup, no=""),
    Command("ip domain-lookup", domain_lookup, no=""),
    Command("ip name-server <servers:line>", name_server, no="ip name-server [<servers:line>]"),
    Command(
        "username <name:word> [privilege <level:int:0-15>] "
        "{secret <type:int:0-9> <secret:word>|secret <secret:line>"
        "|password <type:int:0-7> <pw:word>|password <pw:line>}",
        username,
        no="username <name:word> [<rest:line>]",
    ),
    Command(
        "enable secret {<type:int:0-9> <secret:word>|<secret:line>}",
        enable_secret,
        no="enable secret [<rest:line>]",
    ),
    Command(
        "enable password {<type:int:0-7> <pw:word>|<pw:line>}",
        enable_password,
        no="enable password [<rest:line>]",
    ),
    Command("service password-encryption", password_encryption, no=""),
    Command("crypto key generate rsa [general-keys] [modulus <bits:int:360-4096>]", crypto_key),
    Command("ip ssh version <v:int:1-2>", ssh_version, no="ip ssh version [<v:int:1-2>]"),
    Command("file prompt quiet", file_prompt, no=""),
    Command("interface range <list:line>", interface_range),
    Command("interface <if:iface>", interface, no="interface <if:iface>"),
    Command("ip routing", ip_routing, no=""),
    Command(
        "ip route <prefix:ip> <mask:mask> {<if:iface> <nh:ip>|<nh:ip>|<if:iface>} [<distance:int:1-255>]",
        ip_route,
        no="",
    ),
    Command("ip default-gateway <gw:ip>", default_gateway, no="ip default-gateway [<gw:ip>]"),
    Command("router ospf <pid:int:1-65535>", router_ospf, no=""),
    Command("ip dhcp excluded-address <low:ip> [<high:ip>]", dhcp_excluded, no=""),
    Command("ip dhcp pool <name:word>", dhcp_pool, no=""),
    Command("line {vty <first:int:0-15> [<last:int:0-15>]|console 0|aux 0}", line),
    *[Command(p, noop, no="") for p in FIXED_LINES],
    Command("mmi <rest:line>", noop, kinds=frozenset({"router"}), no=""),
    Command("multilink bundle-name authenticated", noop, kinds=frozenset({"router"}), no=""),
    Command("service compress-config", noop, kinds=frozenset({"switch"}), no=""),
    *NAV,
]

INTERFACE = [
    Command("description <text:line>", description, no="description [<text:line>]"),
    Command(
        "ip address <addr:ip> <mask:mask> [secondary]",
        ip_address,
        no="ip address [<addr:ip> <mask:mask> [secondary]]",
    ),
    Command("ip helper-address <addr:ip>", helper, no=""),
    Command("ip ospf cost <n:int:1-65535>", ospf_cost, no="ip ospf cost [<n:int:1-65535>]"),
    Command(
        "ip ospf hello-interval <n:int:1-65535>", ospf_hello, no="ip ospf hello-interval [<n:int:1-65535>]"
    ),
    Command("ip ospf dead-interval <n:int:1-65535>", ospf_dead, no="ip ospf dead-interval [<n:int:1-65535>]"),
    Command("shutdown", shutdown, no=""),
    Command("duplex {auto|full|half}", duplex, no="duplex [auto|full|half]"),
    Command("speed {10|100|1000|auto}", speed, no="speed [10|100|1000|auto]"),
    Command("media-type {rj45|sfp}", media_type, no="media-type [rj45|sfp]"),
    *NAV,
]

DHCP = [
    Command("network <addr:ip> <mask:mask>", pool_network, no="network [<addr:ip> <mask:mask>]"),
    Command("default-router <addrs:line>", default_router, no="default-router [<addrs:line>]"),
    Command("dns-server <addrs:line>", dns_server, no="dns-server [<addrs:line>]"),
    Command("domain-name <name:word>", pool_domain, no="domain-name [<name:word>]"),
    Command("lease {infinite|<d:int:0-365> [<h:int:0-23> [<m:int:0-59>]]}", lease, no="lease [<rest:line>]"),
    *NAV,
]

ROUTER = [
    Command("router-id <rid:ip>", router_id, no="router-id [<rid:ip>]"),
    Command("network <addr:ip> <wild:ip> area <area:word>", ospf_network, no=""),
    Command("passive-interface {default|<if:iface>}", passive, no=""),
    *NAV,
]

LINE = [
    Command("login [local]", line_login, no="login [local]"),
    Command(
        "transport input {ssh|telnet|all|none|ssh telnet|telnet ssh}",
        transport_input,
        no="transport input [<rest:line>]",
    ),
    Command(
        "exec-timeout <m:int:0-35791> [<sec:int:0-2147483>]", exec_timeout, no="exec-timeout [<rest:line>]"
    ),
    Command("password {<type:int:0-7> <pw:word>|<pw:line>}", line_password, no="password [<rest:line>]"),
    Command("logging synchronous", noop, no=""),
    *NAV,
]
