"""Write every intended config of a site to a directory: one file per device and per server file."""

from __future__ import annotations

from pathlib import Path

from automation.models.design import Site
from automation.render.ios import render_intended


def render_site(site: Site, out: Path) -> list[Path]:
    """Render IOS configs as <out>/<DEVICE>.cfg and server files as <out>/<SERVER>/<path>."""
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name in site.devices():
        path = out / f"{name}.cfg"
        path.write_text(render_intended(site, name), encoding="utf-8")
        written.append(path)
    for server in site.servers:
        for dest, content in _server_files(site, server.name).items():
            path = out / server.name / dest.lstrip("/")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")
            written.append(path)
    return written


def _server_files(site: Site, name: str) -> dict[str, str]:
    from automation.render.linux import render_server

    return render_server(site, name)
