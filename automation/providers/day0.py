"""Day-0 configs of the gns3 and cml targets, rendered in one place.

An IOS device gets hostname, enable secret, its user, the domain name before the RSA keys,
`ip ssh version 2` and its out-of-band management address (templates/cisco_ios/day0.j2).
A Linux host gets a POSIX sh script (templates/linux/day0.sh.j2): hostname, management address,
its department address (a PC by DHCP, a server static with its gateway), kept for every boot,
then the automation's login and sshd with password login. The same text goes to GNS3's config
disk or the console bootstrap, CML's node `configuration` (as is, or inside a #cloud-config for
images that run cloud-init, or a NoCloud seed ISO on a GNS3 node's CD drive) and
`lab bootstrap --print`.
"""

from __future__ import annotations

import io
import ipaddress
import zipfile
from dataclasses import dataclass

import pycdlib
import yaml

from automation.models.design import NodeInfo, Site
from automation.models.targets import MgmtNode, Targets
from automation.render.environment import environment
from automation.secrets import Credentials

IOS_CONFIG_FILE = "ios_config.txt"  # what IOSv reads from its config disk at first boot
CONFIG_ZIP = "config.zip"  # what GNS3 copies onto a qemu node's config disk
NET_SCRIPT = "/usr/local/sbin/mastertech-net"  # a Linux host's network, run at every boot
CLOUD_INIT_SCRIPT = "/run/mastertech-day0.sh"  # where cloud-init drops the day-0 before running it


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


@dataclass(frozen=True)
class HostData:
    """A Linux host's department interface: a static address (servers), else DHCP (PCs)."""

    interface: str
    address: ipaddress.IPv4Interface | None
    gateway: ipaddress.IPv4Address | None


def host_data(site: Site, name: str) -> HostData | None:
    """Where `name` meets its switch, from the site's cables; None for a host without a cable."""
    interface = next((end.interface for c in site.cables for end in (c.a, c.b) if end.node == name), None)
    if interface is None:
        return None
    server = next((s for s in site.servers if s.name == name), None)
    if server is not None:
        return HostData(interface, server.address, server.gateway)
    pc = next((p for p in site.pcs if p.name == name), None)
    if pc is not None and pc.address is not None:
        return HostData(interface, pc.address, pc.gateway)
    return HostData(interface, None, None)


def render_linux(site: Site, node: NodeInfo, mgmt: MgmtNode, hosts: Credentials) -> str:
    return environment().get_template("linux/day0.sh.j2").render(
        node=node, hostname=node.name.lower(), mgmt=mgmt, data=host_data(site, node.name),
        username=hosts.username, password=hosts.password, net_script=NET_SCRIPT,
    )  # fmt: skip


def cloud_config(day0: Day0) -> str:
    """`day0` of a Linux host as cloud-init user data: the script dropped in /run, run once, removed.

    The script stays the one source of truth; cloud-init only carries it (ubuntu and other cloud
    images read this from CML's `configuration` or a NoCloud seed).
    """
    if day0.platform != "linux":
        raise ValueError(f"{day0.node}: cloud-init carries Linux day-0 only")
    data = {
        "hostname": day0.node.lower(),
        "write_files": [{"path": CLOUD_INIT_SCRIPT, "permissions": "0700", "content": day0.text}],
        "runcmd": [
            ["sh", "-c", f"sh {CLOUD_INIT_SCRIPT}; status=$?; rm -f {CLOUD_INIT_SCRIPT}; exit $status"]
        ],
    }
    return "#cloud-config\n" + yaml.dump(data, Dumper=_BlockDumper, sort_keys=False, width=1000)


class _BlockDumper(yaml.SafeDumper):
    """Safe YAML with multi-line text as `|` blocks, so the user data reads like the script."""


_BlockDumper.add_representer(
    str,
    lambda dumper, value: dumper.represent_scalar(
        "tag:yaml.org,2002:str", value, style="|" if "\n" in value else None
    ),
)


SEED_FILES = ("user-data", "meta-data")  # what cloud-init's NoCloud reads from the cidata volume


def nocloud_seed(day0: Day0, instance_id: str) -> bytes:
    """A cloud-init NoCloud seed for `day0`: an ISO 9660 volume labelled `cidata` holding
    user-data (the #cloud-config) and meta-data (instance id and hostname)."""
    files = {
        "user-data": cloud_config(day0),
        "meta-data": yaml.safe_dump({"instance-id": instance_id, "local-hostname": day0.node.lower()}),
    }
    iso = pycdlib.PyCdlib()
    iso.new(interchange_level=3, joliet=3, rock_ridge="1.09", vol_ident="cidata")
    for name in SEED_FILES:
        data = files[name].encode()
        iso_name = "/" + name.upper().replace("-", "_") + ".;1"  # the plain ISO 9660 name
        iso.add_fp(io.BytesIO(data), len(data), iso_name, rr_name=name, joliet_path="/" + name)
    out = io.BytesIO()
    iso.write_fp(out)
    iso.close()
    return out.getvalue()


def read_nocloud_seed(data: bytes) -> dict[str, str]:
    """The volume label and files of a seed, as cloud-init finds them (to read back what GNS3 holds)."""
    iso = pycdlib.PyCdlib()
    iso.open_fp(io.BytesIO(data))
    try:
        out = {"label": iso.pvd.volume_identifier.decode().strip()}
        for name in SEED_FILES:
            buffer = io.BytesIO()
            iso.get_file_from_iso_fp(buffer, rr_path="/" + name)
            out[name] = buffer.getvalue().decode()
        return out
    finally:
        iso.close()


def day0_configs(
    site: Site, targets: Targets, creds: Credentials, enable: str | None, *, hosts: Credentials
) -> dict[str, Day0]:
    """Every node's day-0, by node name, in the site's order. `hosts`: the Linux hosts' login."""
    out: dict[str, Day0] = {}
    for node in site.nodes:
        mgmt = targets.mgmt(node.name)
        if node.kind in ("router", "switch"):
            text = render_ios(node, mgmt, site.domain, creds, enable)
            out[node.name] = Day0(node.name, node.kind, "cisco_ios", text)
        else:
            out[node.name] = Day0(node.name, node.kind, "linux", render_linux(site, node, mgmt, hosts))
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
