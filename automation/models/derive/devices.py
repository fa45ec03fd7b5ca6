"""The design of each router, switch, server and PC, from a site that passed validation.

Nothing here checks or reports: every value it needs was found and checked by `validate`.
"""

from __future__ import annotations

import ipaddress

from automation.models.derive.dhcp import pools, relay_target
from automation.models.derive.ospf import ospf_design
from automation.models.derive.validate import Plan
from automation.models.design import (
    CableEnd,
    PcDesign,
    RouterDesign,
    RouterInterface,
    ServerDesign,
    SwitchDesign,
    SwitchPort,
)
from automation.platforms import ports_for
from automation.platforms.cisco_ios import short_name


def _loopback(plan: Plan, router: str) -> ipaddress.IPv4Address:
    return plan.files.hosts[router].hostname


def router_design(plan: Plan, name: str) -> RouterDesign:
    site = plan.files.site
    loopback = ipaddress.IPv4Interface(f"{_loopback(plan, name)}/32")
    addresses: dict[str, ipaddress.IPv4Interface] = {}
    for link in plan.links:
        end = link.end(name)
        if end is not None:
            addresses[end.interface] = ipaddress.IPv4Interface(f"{end.address}/{link.subnet.prefixlen}")
    gateways: list[RouterInterface] = []  # VLAN subinterfaces, in VLAN order
    on_port: dict[str, list[RouterInterface]] = {}
    for vid in sorted(plan.vlans):
        vlan = plan.vlans[vid]
        if vlan.router != name or vid not in plan.gateways:
            continue
        helpers: tuple[ipaddress.IPv4Address, ...] = ()
        if vlan.dhcp_server and vlan.dhcp_server != name:
            server = vlan.dhcp_server
            helpers = (relay_target(server, name, plan.links, _loopback(plan, server)),)
        assert vlan.gateway is not None
        gateway = RouterInterface(
            name=f"{plan.gateways[vid]}.{vid}",
            description=vlan.department or vlan.name,
            address=ipaddress.IPv4Interface(f"{vlan.gateway}/{vlan.subnet.prefixlen}"),
            dot1q=vid,
            helpers=helpers,
        )
        gateways.append(gateway)
        on_port.setdefault(plan.gateways[vid], []).append(gateway)
    peers = {w.interface: w.peer for w in plan.cabling.at(name)}
    interfaces = [RouterInterface(name="Loopback0", address=loopback)]
    for port in ports_for("router"):
        if port not in peers:
            interfaces.append(RouterInterface(name=port, shutdown=True))
            continue
        peer = peers[port]
        interfaces.append(
            RouterInterface(
                name=port,
                description=f"to {peer.node} {short_name(peer.interface)}",
                address=addresses.get(port),
            )
        )
        interfaces.extend(on_port.get(port, []))
    return RouterDesign(
        name=name,
        domain=site.domain,
        loopback=loopback,
        interfaces=tuple(interfaces),
        pools=pools(name, site, [plan.vlans[v] for v in sorted(plan.vlans)], _dns_address(plan)),
        ospf=ospf_design(name, site.ospf, loopback, gateways, plan.links),
    )


def _dns_address(plan: Plan) -> ipaddress.IPv4Address | None:
    dns = plan.services.dns
    return dns.address if dns else None


def switch_design(plan: Plan, name: str) -> SwitchDesign:
    site = plan.files.site
    native = site.native_vlan.id if site.native_vlan else None
    peers = {w.interface: w.peer for w in plan.cabling.at(name)}
    ports: list[SwitchPort] = []
    used: set[int] = set()
    for port in ports_for("switch"):
        if port not in peers:
            ports.append(SwitchPort(name=port, mode="unused"))
            continue
        peer = peers[port]
        if plan.nodes.role(peer.node) in {"switch", "router"}:
            allowed = plan.trunks.get(CableEnd(node=name, interface=port), ())
            used.update(allowed)
            ports.append(
                SwitchPort(
                    name=port,
                    mode="trunk",
                    description=f"to {peer.node} {short_name(peer.interface)}",
                    allowed=allowed,
                    native=native,
                )
            )
        else:
            vid = (
                plan.pc_vlans[peer.node] if plan.nodes.role(peer.node) == "pc" else plan.fixed[peer.node].vlan
            )
            used.add(vid)
            ports.append(SwitchPort(name=port, mode="access", description=peer.node, vlan=vid))
    mgmt = plan.fixed[name]
    used.add(mgmt.vlan)
    mgmt_vlan = plan.vlans[mgmt.vlan]
    return SwitchDesign(
        name=name,
        domain=site.domain,
        vlans=tuple(plan.vlans[v] for v in sorted(used) if v in plan.vlans),
        native_vlan=(site.native_vlan.id, site.native_vlan.name) if site.native_vlan else None,
        ports=tuple(ports),
        mgmt_vlan=mgmt.vlan,
        mgmt_address=ipaddress.IPv4Interface(f"{mgmt.address}/{mgmt_vlan.subnet.prefixlen}"),
        default_gateway=mgmt_vlan.gateway,
    )


def server_design(plan: Plan, name: str) -> ServerDesign:
    host = plan.fixed[name]
    vlan = plan.vlans[host.vlan]
    port = plan.access[name]
    return ServerDesign(
        name=name,
        address=ipaddress.IPv4Interface(f"{host.address}/{vlan.subnet.prefixlen}"),
        gateway=vlan.gateway,
        vlan=host.vlan,
        services=tuple(plan.files.hosts[name].data.services),
        switch_port=(port.node, port.interface),
    )


def pc_designs(plan: Plan) -> tuple[PcDesign, ...]:
    site = plan.files.site
    users = {u.pc: u.name for u in site.mail.users if u.pc} if site.mail else {}
    out = []
    for pc in plan.files.topology.pcs:
        vlan = plan.vlans[plan.pc_vlans[pc.name]]
        port = plan.access[pc.name]
        out.append(
            PcDesign(
                name=pc.name,
                department=pc.department,
                vlan=vlan.id,
                address=ipaddress.IPv4Interface(f"{pc.address}/{vlan.subnet.prefixlen}")
                if pc.address
                else None,
                gateway=vlan.gateway,
                mail_user=f"{users[pc.name]}@{site.mail.domain}" if site.mail and pc.name in users else None,
                switch_port=(port.node, port.interface),
            )
        )
    return tuple(out)
