"""Day-0 configs of the gns3 and cml targets, rendered in one place.

An IOS device gets hostname, enable secret, its user, the domain name before the RSA keys,
`ip ssh version 2` and its out-of-band management address (templates/cisco_ios/day0.j2).
A Linux host gets its hostname and management address as shell lines.
The same text goes to GNS3's config disk, CML's node `configuration`, the console bootstrap and
`lab bootstrap --print`.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from automation.models.design import NodeInfo, Site
from automation.models.targets import MgmtNode, Targets
from automation.render.environment import environment
from automation.secrets import Credentials

IOS_CONFIG_FILE = "ios_config.txt"  # what IOSv reads from its config disk at first boot
CONFIG_ZIP = "config.zip"  # what GNS3 copies onto a qemu node's config disk


@dataclass(frozen=True)
class Day0:
    node: str
    kind: str
    platform: str  # cisco_ios or linux
    text: str

    def __repr__(self) -> str:  # the text holds the device's secrets
        return f"Day0(node={self.node!r}, kind={self.kind!r}, platform={self.platform!r})"

    def lines(self) -> list[str]:
        """The configuration lines to type, without comments and the final `end`."""
        return [ln for ln in self.text.splitlines() if ln.strip() and not ln.startswith("!") and ln != "end"]


def render_ios(node: NodeInfo, mgmt: MgmtNode, domain: str, creds: Credentials, enable: str | None) -> str:
    return environment().get_template("cisco_ios/day0.j2").render(
        node=node, mgmt=mgmt, domain=domain, username=creds.username, password=creds.password,
        enable_secret=enable,
    )  # fmt: skip


def render_linux(node: NodeInfo, mgmt: MgmtNode) -> str:
    return (
        f"hostname {node.name}\n"
        f"ip link set {mgmt.interface} up\n"
        f"ip address add {mgmt.address} dev {mgmt.interface}\n"
    )


def day0_configs(site: Site, targets: Targets, creds: Credentials, enable: str | None) -> dict[str, Day0]:
    """Every node's day-0, by node name, in the site's order."""
    out: dict[str, Day0] = {}
    for node in site.nodes:
        mgmt = targets.mgmt(node.name)
        if node.kind in ("router", "switch"):
            text = render_ios(node, mgmt, site.domain, creds, enable)
            out[node.name] = Day0(node.name, node.kind, "cisco_ios", text)
        else:
            out[node.name] = Day0(node.name, node.kind, "linux", render_linux(node, mgmt))
    return out


def config_zip(day0: Day0) -> bytes:
    """config.zip for a qemu node's config disk: ios_config.txt at its root."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(IOS_CONFIG_FILE, day0.text)
    return buffer.getvalue()


def read_config_zip(data: bytes) -> str:
    """ios_config.txt out of a config.zip (to compare what GNS3 holds with what we wrote)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(IOS_CONFIG_FILE).decode()
