"""Verify IOS devices against the design from parsed show commands.

Facts are collected once per device (a Nornir task), then compared with the design by pure
functions. Missing data fails: a command that printed nothing parseable is a failed check.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from typing import Any

from nornir.core import Nornir
from nornir.core.task import Result, Task

from automation.checks.result import CheckReport, CheckResult
from automation.checks.runner import judge_hosts
from automation.models.design import RouterDesign, Site, SwitchDesign
from automation.parsers import parse_show
from automation.parsers.show import POOL_CONFIG
from automation.platforms.cisco_ios import short_name
from automation.tasks.session import session

Facts = dict[str, list[dict[str, Any]]]

ROUTER_COMMANDS = (
    "show ip interface brief", "show ip ospf neighbor", "show ip route", "show ip dhcp pool", POOL_CONFIG,
)  # fmt: skip
SWITCH_COMMANDS = ("show ip interface brief", "show vlan brief", "show interfaces trunk")


def collect_facts(task: Task, *, site: Site) -> Result:
    """Run the show commands a device's checks need and parse each one."""
    role = task.host.get("role") or task.host.groups[0].data.get("role")
    commands = ROUTER_COMMANDS if role == "router" else SWITCH_COMMANDS
    # The deploy's IOS session: it reads each reply up to the prompt, no fixed delays.
    cli = session(task)
    facts: Facts = {}
    for command in commands:
        output = cli.run(command, timeout=30)
        facts[command] = parse_show(command, output) if output.strip() else []
    return Result(host=task.host, result=facts)


def verify_site(nr: Nornir, site: Site) -> CheckReport:
    def judge(host: str, facts: Facts) -> list[CheckResult]:
        return verify_facts(site, host, facts)

    return judge_hosts(nr, collect_facts, "collect_facts", judge, site=site)


def verify_facts(site: Site, host: str, facts: Facts) -> list[CheckResult]:
    """Every check that applies to `host`, from its parsed facts."""
    for router in site.routers:
        if router.name == host:
            return [check(site, router, facts) for check in ROUTER_CHECKS]
    for switch in site.switches:
        if switch.name == host:
            return [check(site, switch, facts) for check in SWITCH_CHECKS]
    return [CheckResult("verify", host, False, "not a router or switch of this site")]


def _result(name: str, host: str, problems: list[str], ok_detail: str) -> CheckResult:
    return CheckResult(name, host, not problems, "; ".join(problems) if problems else ok_detail)


def verify_interfaces(site: Site, device: RouterDesign | SwitchDesign, facts: Facts) -> CheckResult:
    rows = {r["interface"]: r for r in facts.get("show ip interface brief", [])}
    expected: list[tuple[str, str | None, bool]] = []
    if isinstance(device, RouterDesign):
        expected = [
            (i.name, str(i.address.ip) if i.address else None, not i.shutdown) for i in device.interfaces
        ]
    else:
        expected = [(f"Vlan{device.mgmt_vlan}", str(device.mgmt_address.ip), True)]
    problems = []
    for name, address, up in expected:
        row = rows.get(name)
        if row is None:
            problems.append(f"{name} missing")
            continue
        if address and row["ip_address"] != address:
            problems.append(f"{name} has {row['ip_address']}, not {address}")
        state = (row["status"], row["proto"])
        if up and state != ("up", "up"):
            problems.append(f"{name} is {row['status']}/{row['proto']}")
        if not up and row["status"] != "administratively down":
            problems.append(f"{name} should be shut but is {row['status']}")
    return _result("verify_interfaces", device.name, problems, f"{len(expected)} interfaces as intended")


def verify_ospf_neighbors(site: Site, device: RouterDesign | SwitchDesign, facts: Facts) -> CheckResult:
    assert isinstance(device, RouterDesign)
    peers = {r.name: r.loopback.ip for r in site.routers if r.name != device.name}
    linked = [p for p in peers if _linked(site, device.name, p)]
    rows = {r["neighbor_id"]: r for r in facts.get("show ip ospf neighbor", [])}
    problems = []
    for peer in linked:
        row = rows.get(str(peers[peer]))
        if row is None:
            problems.append(f"no OSPF neighbour {peer} ({peers[peer]})")
        elif not row["state"].startswith("FULL"):
            problems.append(f"{peer} is {row['state']}")
    if device.ospf is None:
        return CheckResult("verify_ospf_neighbors", device.name, True, "no OSPF in the design")
    return _result(
        "verify_ospf_neighbors", device.name, problems, f"FULL with {', '.join(linked) or 'nobody'}"
    )


def _linked(site: Site, a: str, b: str) -> bool:
    return any({c.a.node, c.b.node} == {a, b} for c in site.cables)


def verify_routes(site: Site, device: RouterDesign | SwitchDesign, facts: Facts) -> CheckResult:
    assert isinstance(device, RouterDesign)
    present = {
        ipaddress.IPv4Network(f"{r['network']}/{r['prefix_length']}")
        for r in facts.get("show ip route", [])
        if r.get("network") and r.get("prefix_length")
    }
    wanted = [v for v in site.vlans if v.router]
    problems = [f"no route to VLAN {v.id} {v.subnet}" for v in wanted if v.subnet not in present]
    return _result("verify_routes", device.name, problems, f"routes to all {len(wanted)} routed VLANs")


def verify_dhcp_pools(site: Site, device: RouterDesign | SwitchDesign, facts: Facts) -> CheckResult:
    assert isinstance(device, RouterDesign)
    """Each pool is there and hands out what the design says: network, gateway, DNS, domain."""
    names = {r["pool"] for r in facts.get("show ip dhcp pool", [])}
    configs = {r["pool"]: r for r in facts.get(POOL_CONFIG, [])}
    problems = []
    for pool in device.pools:
        if pool.name not in names:
            problems.append(f"pool {pool.name} missing")
            continue
        row = configs.get(pool.name)
        if row is None:
            problems.append(f"pool {pool.name}: its configuration could not be read")
            continue
        want = {
            "network": f"{pool.network.network_address} {pool.network.netmask}",
            "default-router": str(pool.default_router),
            "dns-server": str(pool.dns_server or ""),
            "domain-name": pool.domain_name,
        }
        got = {
            "network": f"{row.get('network', '')} {row.get('mask', '')}".strip(),
            "default-router": row.get("default_router", ""),
            "dns-server": row.get("dns_server", ""),
            "domain-name": row.get("domain_name", ""),
        }
        problems += [
            f"pool {pool.name} {key} is {got[key] or 'missing'}, not {want[key]}"
            for key in want
            if got[key] != want[key]
        ]
    return _result(
        "verify_dhcp_pools", device.name, problems,
        f"{len(device.pools)} pools hand out the designed network, gateway, DNS server and domain",
    )  # fmt: skip


def verify_vlans(site: Site, device: RouterDesign | SwitchDesign, facts: Facts) -> CheckResult:
    assert isinstance(device, SwitchDesign)
    rows = {r["vlan_id"]: r for r in facts.get("show vlan brief", [])}
    problems = []
    for vlan in device.vlans:
        row = rows.get(str(vlan.id))
        if row is None:
            problems.append(f"VLAN {vlan.id} missing")
        elif vlan.id != 1 and row["vlan_name"] != vlan.name:
            problems.append(f"VLAN {vlan.id} is named {row['vlan_name']}, not {vlan.name}")
    for port in device.ports:
        if port.mode != "access":
            continue
        row = rows.get(str(port.vlan))
        if row is not None and short_name(port.name) not in row["interfaces"]:
            problems.append(f"{short_name(port.name)} is not in VLAN {port.vlan}")
    return _result(
        "verify_vlans", device.name, problems, f"{len(device.vlans)} VLANs and access ports as intended"
    )


def verify_trunks(site: Site, device: RouterDesign | SwitchDesign, facts: Facts) -> CheckResult:
    assert isinstance(device, SwitchDesign)
    rows = {r["port"]: r for r in facts.get("show interfaces trunk", [])}
    problems = []
    trunks = [p for p in device.ports if p.mode == "trunk"]
    for port in trunks:
        row = rows.get(short_name(port.name))
        if row is None:
            problems.append(f"{short_name(port.name)} is not trunking")
            continue
        allowed = _expand(row.get("vlans", ""))
        if allowed != set(port.allowed):
            problems.append(f"{short_name(port.name)} allows {row.get('vlans')}, not {list(port.allowed)}")
        if port.native and row["native_vlan"] != str(port.native):
            problems.append(f"{short_name(port.name)} native VLAN {row['native_vlan']}, not {port.native}")
    return _result("verify_trunks", device.name, problems, f"{len(trunks)} trunks as intended")


def _expand(vlans: str) -> set[int]:
    """VLAN list as IOS prints it, expanded.

    >>> sorted(_expand("10-12,20"))
    [10, 11, 12, 20]
    """
    out: set[int] = set()
    for part in vlans.split(","):
        if "-" in part:
            lo, hi = part.split("-")
            out.update(range(int(lo), int(hi) + 1))
        elif part.strip().isdigit():
            out.add(int(part))
    return out


Check = Callable[[Site, RouterDesign | SwitchDesign, Facts], CheckResult]
ROUTER_CHECKS: tuple[Check, ...] = (
    verify_interfaces,
    verify_ospf_neighbors,
    verify_routes,
    verify_dhcp_pools,
)
SWITCH_CHECKS: tuple[Check, ...] = (verify_interfaces, verify_vlans, verify_trunks)
