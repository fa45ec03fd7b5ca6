"""Draw a site's topology as SVG: Graphviz lays it out, the design provides every label."""

from __future__ import annotations

import shutil
import subprocess
from html import escape
from pathlib import Path

from automation.errors import UsageError
from automation.models.design import Site
from automation.platforms.cisco_ios import short_name
from automation.render.site import write_output_file

# One colour per VLAN, in order; readable on white and distinct for the usual handful of VLANs.
PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#9c755f")


def to_dot(site: Site) -> str:
    """The topology in the DOT language, ready for `dot -Tsvg`."""
    colour = {v.id: PALETTE[i % len(PALETTE)] for i, v in enumerate(site.vlans)}
    lines = [
        f'graph "{site.name}" {{',
        '  graph [rankdir=TB, fontname="Helvetica", nodesep=0.4, ranksep=0.9, '
        f"label=<<B>{escape(site.name)}</B>: {escape(site.description)}>, labelloc=t];",
        '  node [fontname="Helvetica", fontsize=11];',
        '  edge [fontname="Helvetica", fontsize=9, color="#555555"];',
    ]
    for router in site.routers:
        lines.append(
            f'  "{router.name}" [shape=box, style="rounded,filled", fillcolor="#dde6f2", '
            f"label=<<B>{router.name}</B><BR/>router, Lo0 {router.loopback.ip}>];"
        )
    for switch in site.switches:
        lines.append(
            f'  "{switch.name}" [shape=box, style=filled, fillcolor="#eeeeee", '
            f"label=<<B>{switch.name}</B><BR/>switch, Vlan{switch.mgmt_vlan} {switch.mgmt_address.ip}>];"
        )
    for server in site.servers:
        lines.append(
            f'  "{server.name}" [shape=component, style=filled, fillcolor="{colour[server.vlan]}33", '
            f"label=<<B>{server.name}</B><BR/>{', '.join(server.services)}<BR/>{server.address.ip}>];"
        )
    for pc in site.pcs:
        address = str(pc.address.ip) if pc.address else "DHCP"
        who = f"<BR/>{escape(pc.mail_user)}" if pc.mail_user else ""
        lines.append(
            f'  "{pc.name}" [shape=box, style="rounded,filled", fillcolor="{colour[pc.vlan]}55", '
            f"label=<<B>{pc.name}</B><BR/>{escape(pc.department or f'VLAN {pc.vlan}')}, {address}{who}>];"
        )
    trunk_vlans = {
        (sw.name, p.name): p.allowed for sw in site.switches for p in sw.ports if p.mode == "trunk"
    }
    routed = {(r.name, i.name): i.address.network for r in site.routers for i in r.interfaces if i.address}
    if len(site.routers) > 1:
        lines.append("  { rank=same; " + " ".join(f'"{r.name}";' for r in site.routers) + " }")
    for cable in site.cables:
        a, b = cable.a, cable.b
        allowed = trunk_vlans.get((a.node, a.interface)) or trunk_vlans.get((b.node, b.interface))
        label = f"trunk {','.join(map(str, allowed))}" if allowed else ""
        if (a.node, a.interface) in routed and (b.node, b.interface) in routed:
            label = f"{routed[(a.node, a.interface)]} OSPF"
        lines.append(
            f'  "{a.node}" -- "{b.node}" [taillabel="{short_name(a.interface)}", '
            f'headlabel="{short_name(b.interface)}", label="{label}"];'
        )
    lines.append(f"  legend [shape=plaintext, label=<{_legend(site, colour)}>];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _legend(site: Site, colour: dict[int, str]) -> str:
    rows = [
        "<TR><TD><B>VLAN</B></TD><TD><B>name</B></TD><TD><B>subnet</B></TD>"
        "<TD><B>gateway</B></TD><TD><B>DHCP</B></TD></TR>"
    ]
    for v in site.vlans:
        rows.append(
            f'<TR><TD BGCOLOR="{colour[v.id]}55">{v.id}</TD><TD>{escape(v.department or v.name)}</TD>'
            f"<TD>{v.subnet}</TD><TD>{v.gateway or '-'} {v.router or ''}</TD>"
            f"<TD>{v.dhcp_server or '-'}</TD></TR>"
        )
    services = []
    if site.dns:
        services.append(f"DNS {site.dns.address}: {', '.join(z.name for z in site.dns.zones)}")
    if site.mail:
        services.append(f"mail {site.mail.hostname}: @{site.mail.domain} (SMTP, POP3, IMAP)")
    if site.web:
        services.append(f"web http://{site.web.hostname}/")
    for line in services:
        rows.append(f'<TR><TD COLSPAN="5" ALIGN="LEFT">{escape(line)}</TD></TR>')
    return '<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="3">' + "".join(rows) + "</TABLE>"


def write_diagram(site: Site, path: Path) -> None:
    dot = shutil.which("dot")
    if dot is None:
        raise UsageError("Graphviz 'dot' is not installed; run `make setup` (Debian package graphviz)")
    proc = subprocess.run([dot, "-Tsvg"], input=to_dot(site), capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise UsageError(f"Graphviz could not draw site {site.name}: {proc.stderr.strip()[-300:]!r}")
    write_output_file(path, proc.stdout)
