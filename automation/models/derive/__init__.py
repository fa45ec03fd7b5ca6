"""Derive every device's design from a site's files, in two passes.

`validate` checks the whole site and collects every problem in one `Problems`; only a site that
passes is designed, by pure functions from the checked values to frozen models. One module per
feature: nodes, links (cables, trunks, router links), vlans, management (fixed addresses), dhcp,
ospf, services (DNS, mail, web); devices puts each router, switch, server and PC together.
"""

from __future__ import annotations

from automation.models.derive.devices import pc_designs, router_design, server_design, switch_design
from automation.models.derive.validate import Plan, validate
from automation.models.design import CableDesign, NodeInfo, Site
from automation.models.problems import Problems
from automation.models.schema import SiteFiles


def derive_site(files: SiteFiles) -> Site:
    """The site's design; raises `SiteError` with every problem when the site does not pass."""
    problems = Problems(files.directory)
    plan = validate(files, problems)
    if plan is None:
        raise problems.error()
    return design(plan)


def design(plan: Plan) -> Site:
    files, nodes, services = plan.files, plan.nodes, plan.services
    site = files.site
    return Site(
        name=site.name,
        description=site.description,
        directory=files.directory,
        domain=site.domain,
        nodes=tuple(
            NodeInfo(name=n, kind=nodes.roles[n], platform=nodes.platforms[n])
            for n in [*files.hosts, *(pc.name for pc in files.topology.pcs)]
        ),
        cables=tuple(CableDesign(a=c.a, b=c.b) for c in files.topology.cables),
        vlans=tuple(plan.vlans[v] for v in sorted(plan.vlans)),
        routers=tuple(router_design(plan, n) for n in sorted(nodes.named("router"))),
        switches=tuple(switch_design(plan, n) for n in sorted(nodes.named("switch"))),
        servers=tuple(server_design(plan, n) for n in sorted(nodes.named("server"))),
        pcs=pc_designs(plan),
        dns=services.dns,
        mail=services.mail,
        web=services.web,
    )


__all__ = ["Plan", "derive_site", "design", "validate"]
