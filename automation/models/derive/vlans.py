"""VLANs and who sits in them: subnets and gateways, departments, PCs, the nodes each VLAN reaches."""

from __future__ import annotations

from collections.abc import Mapping

from automation.models.derive.addresses import check_host_in, check_unicast
from automation.models.derive.nodes import Nodes
from automation.models.design import CableEnd, VlanDesign
from automation.models.files import choices
from automation.models.problems import Problems
from automation.models.schema import SiteFile, Topology
from automation.platforms.cisco_ios import DEFAULT_VLAN, OWN_VLAN_NAMES


def check_vlans(site: SiteFile, nodes: Nodes, problems: Problems) -> dict[int, VlanDesign]:
    """The site's VLANs by id; a VLAN whose subnet is wrong is left out (and reported)."""
    out: dict[int, VlanDesign] = {}
    names: dict[str, int] = {}
    dept_of = {dep.vlan: dep.name for dep in site.departments}
    for i, v in enumerate(site.vlans):
        where = f"vlans[{i}]"
        if v.id in out:
            problems.add(
                "site.yaml", f"{where}.id", f"VLAN {v.id} is defined twice", "give each VLAN its own id"
            )
            continue
        if v.name in names:
            problems.add(
                "site.yaml",
                f"{where}.name",
                f"VLAN name {v.name!r} is used by VLAN {names[v.name]} too",
                "give each VLAN its own name",
            )
        names[v.name] = v.id
        _check_ios_vlan_name(problems, f"{where}.name", v.id, v.name)
        if site.native_vlan and site.native_vlan.id == v.id:
            problems.add(
                "site.yaml",
                f"{where}.id",
                f"VLAN {v.id} is also the trunks' native VLAN",
                "keep native_vlan an unused VLAN",
            )
        for key, node in (("router", v.router), ("dhcp", v.dhcp)):
            if node is not None and nodes.role(node) != "router":
                problems.unknown(
                    "site.yaml",
                    f"{where}.{key}",
                    node,
                    f"{node!r} is not a router of this site",
                    f"name one of {nodes.choices('router')}",
                )
        if v.dhcp and not v.router:
            problems.add(
                "site.yaml",
                f"{where}.dhcp",
                f"VLAN {v.id} has DHCP but no router to relay or serve it",
                "set router: for this VLAN",
            )
        if v.subnet.prefixlen > 29:
            problems.add(
                "site.yaml", f"{where}.subnet", f"{v.subnet} is too small for a LAN", "use a /29 or larger"
            )
            continue
        if not check_unicast(problems, "site.yaml", f"{where}.subnet", v.subnet):
            continue
        out[v.id] = VlanDesign(
            id=v.id,
            name=v.name,
            subnet=v.subnet,
            gateway=v.subnet.network_address + 1 if v.router else None,
            router=v.router,
            dhcp_server=v.dhcp,
            department=dept_of.get(v.id),
        )
    if site.native_vlan:
        native = site.native_vlan
        _check_ios_vlan_name(problems, "native_vlan.name", native.id, native.name)
        if native.id == DEFAULT_VLAN:
            problems.add(
                "site.yaml",
                "native_vlan.id",
                "VLAN 1 is already every trunk's native VLAN on IOS",
                "name an unused VLAN such as 999 to park untagged frames, or remove native_vlan",
            )
    return out


def _check_ios_vlan_name(problems: Problems, where: str, vid: int, name: str) -> None:
    if vid == DEFAULT_VLAN and name != OWN_VLAN_NAMES[DEFAULT_VLAN]:
        problems.add(
            "site.yaml",
            where,
            f"IOS does not rename VLAN 1 (its name is 'default', not {name!r})",
            "write name: default for VLAN 1, or use another VLAN for this",
        )
    elif vid != DEFAULT_VLAN and name.lower() in OWN_VLAN_NAMES.values():
        problems.add(
            "site.yaml",
            where,
            f"{name!r} is the name IOS gives one of its own VLANs",
            f"choose another name for VLAN {vid}",
        )


def check_departments(
    site: SiteFile, topology: Topology, vlans: Mapping[int, VlanDesign], problems: Problems
) -> dict[str, int]:
    """Each department's VLAN, by department name."""
    out: dict[str, int] = {}
    has_pcs = {pc.department for pc in topology.pcs}
    # A PC with a misspelt department is reported as such; its department then lacking PCs is the
    # same mistake seen from the other side.
    misspelt = bool(has_pcs - {dep.name for dep in site.departments} - {None})
    for i, dep in enumerate(site.departments):
        where = f"departments[{i}]"
        if dep.name in out:
            problems.add(
                "site.yaml", f"{where}.name", f"department {dep.name!r} is listed twice", "list it once"
            )
            continue
        if dep.vlan not in vlans:
            problems.add(
                "site.yaml",
                f"{where}.vlan",
                f"department {dep.name!r} has no VLAN ({dep.vlan} is not defined)",
                "add the VLAN under vlans: or use a defined id",
            )
        if dep.vlan == DEFAULT_VLAN:
            problems.add(
                "site.yaml",
                f"{where}.vlan",
                f"department {dep.name!r} is on VLAN 1, where every unconfigured port and IOS's own "
                "control traffic sit",
                "give the department its own VLAN (e.g. 10)",
            )
        if dep.vlan in out.values():
            problems.add(
                "site.yaml",
                f"{where}.vlan",
                f"VLAN {dep.vlan} already belongs to another department",
                "give each department its own VLAN",
            )
        if dep.name not in has_pcs and not misspelt:
            problems.add(
                "topology.yaml",
                "pcs",
                f"department {dep.name!r} has no PCs",
                f"add PCs with department: {dep.name}",
            )
        out[dep.name] = dep.vlan
    return out


def check_pc_vlans(
    topology: Topology, vlans: Mapping[int, VlanDesign], departments: Mapping[str, int], problems: Problems
) -> dict[str, int]:
    """Each PC's VLAN, by PC name: its department's, or the one it names on a site without departments."""
    out: dict[str, int] = {}
    for i, pc in enumerate(topology.pcs):
        where = f"pcs[{i}]"
        if (pc.department is None) == (pc.vlan is None):
            problems.add(
                "topology.yaml",
                where,
                f"PC {pc.name} needs exactly one of department: or vlan:",
                "set its department (or, on a site without departments, its vlan)",
            )
            continue
        if pc.department is not None:
            if pc.department not in departments:
                problems.unknown(
                    "topology.yaml",
                    f"{where}.department",
                    f"department {pc.department}",
                    f"unknown department {pc.department!r}",
                    f"use one of {choices(sorted(departments))}",
                )
                continue
            vid = departments[pc.department]
        else:
            assert pc.vlan is not None
            vid = pc.vlan
        if vid not in vlans:
            if pc.department is None:  # else reported once, at the department
                problems.add(
                    "topology.yaml", f"{where}.vlan", f"VLAN {vid} is not defined", "define it in site.yaml"
                )
            continue
        vlan = vlans[vid]
        if pc.address is None and vlan.dhcp_server is None:
            problems.add(
                "topology.yaml",
                f"{where}.address",
                f"PC {pc.name} has no address and VLAN {vid} has no DHCP server",
                "give it a static address or set dhcp: on the VLAN",
            )
        if pc.address is not None:
            check_host_in(problems, "topology.yaml", f"{where}.address", pc.address, vlan)
        out[pc.name] = vid
    return out


def vlan_members(
    nodes: Nodes,
    vlans: Mapping[int, VlanDesign],
    host_vlans: Mapping[str, int],
    access: Mapping[str, CableEnd],
) -> dict[int, set[str]]:
    """The switches and routers each VLAN must reach: access ports, management SVIs, gateways.

    `host_vlans` is the VLAN of every PC, server and switch (management) that has one.
    """
    members: dict[int, set[str]] = {v: set() for v in vlans}
    for name, role in nodes.roles.items():
        vid = host_vlans.get(name)
        if vid is None:
            continue
        if role in {"pc", "server"} and name in access:
            members[vid].add(access[name].node)
        elif role == "switch":
            members[vid].add(name)
    for vid, vlan in vlans.items():
        if vlan.router:
            members[vid].add(vlan.router)
    return members
