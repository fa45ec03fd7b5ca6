"""The gns3 target against a real gns3-server 3.0.6 on loopback, with a second gns3-server
registered as its remote compute `vm2` (the PCs are placed there, as a large site spreads over
computes; the controller joins them to the others with UDP tunnels).

The images are placeholders (GNS3 does not look inside them), so nodes are built but cannot
start here: there is no IOS image, no ubridge and no dynamips on this machine. The build is read
back through the API and compared with the topology; the start is asserted to fail with our
clear message.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gns3_server
import httpx
import pytest
import yaml
from providers_support import copy_site

from automation.errors import LabError
from automation.models.load import load_site
from automation.platforms.gns3_ports import gns3_port
from automation.providers.day0 import CONFIG_ZIP, cloud_config, read_config_zip, read_nocloud_seed
from automation.providers.gns3 import GNS3Provider
from automation.providers.gns3.client import Gns3AuthError, Gns3Client, Gns3Error
from automation.providers.gns3.plan import MGMT_SWITCH
from automation.providers.gns3.project import seed_file
from automation.providers.gns3.settings import Gns3Settings

IMAGE = "placeholder.qcow2"
QEMU = {"template_type": "qemu", "compute_id": "local", "platform": "x86_64", "ram": 256,
        "adapter_type": "e1000", "hda_disk_image": IMAGE, "console_type": "telnet",
        "kvm": "disable"}  # fmt: skip
TEMPLATES = [
    {**QEMU, "name": "IOSv", "adapters": 4, "port_name_format": "Gi0/{0}", "create_config_disk": True},
    {**QEMU, "name": "IOSvL2", "adapters": 16, "port_name_format": "Gi{1}/{0}", "port_segment_size": 4},
    {**QEMU, "name": "Linux", "adapters": 2, "port_name_format": "eth{0}"},
    {**QEMU, "name": "Mgmt switch", "adapters": 16, "port_name_format": "e{0}"},
]
# No dynamips or ubridge here: a qemu management switch and no cloud (both refusals tested below).
# Linux nodes take their day-0 from a cloud-init seed in their CD drive (the console way is
# tested against a real Linux console in test_linux_console.py).
TARGETS = """\
management:
  switch: {template: Mgmt switch}
  cloud: null
gns3:
  linux_day0: cloud_init
  computes: {groups: {pcs: vm2}}
"""


def settings(server: gns3_server.RunningServer, password: str = gns3_server.PASSWORD) -> Gns3Settings:
    return Gns3Settings(server.url, gns3_server.USER, password)


@pytest.fixture(scope="module")
def vm2(gns3: gns3_server.RunningServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A second real gns3-server, registered in the first as compute `vm2`: its compute_id."""
    second = gns3_server.start(tmp_path_factory.mktemp("gns3-vm2"), host="127.0.0.4")
    user, password = gns3_server.compute_login(second)
    port = int(second.url.rsplit(":", 1)[1])
    body = {
        "protocol": "http",
        "host": "127.0.0.4",
        "port": port,
        "user": user,
        "password": password,
        "name": "vm2",
    }
    try:
        with Gns3Client(settings(gns3)) as api:
            compute_id = str(
                api.request("POST", "/v3/computes", "register vm2", json=body).json()["compute_id"]
            )
        yield compute_id
        with Gns3Client(settings(gns3)) as api:
            api.request("DELETE", f"/v3/computes/{compute_id}", "unregister vm2")
    finally:
        second.stop()


@pytest.fixture(scope="module")
def templates(gns3: gns3_server.RunningServer, vm2: str) -> None:
    with Gns3Client(settings(gns3)) as api:
        api.upload_image(IMAGE, b"QFI\xfb" + bytes(65532))  # a qcow2 magic, nothing bootable
        have = {t.name for t in api.templates()}
        for body in TEMPLATES:
            if body["name"] not in have:
                api.create_template(body)


def snapshot(api: Gns3Client, name: str) -> dict[str, Any]:
    project = next(p for p in api.projects() if p.name == name)
    nodes = api.nodes(project.project_id)
    names = {n.node_id: n.name for n in nodes}
    links = {frozenset((names[e.node_id], e.adapter_number, e.port_number) for e in link.nodes)
             for link in api.links(project.project_id)}  # fmt: skip
    return {
        "nodes": {n.name: (n.node_type, n.compute_id, n.x, n.y) for n in nodes},
        "links": links,
        "project": project,
    }


@pytest.fixture(scope="module")
def built(
    gns3: gns3_server.RunningServer, templates: None, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    """`up` once: the project is built, then starting the nodes fails (nothing can boot here)."""
    site = load_site(copy_site(tmp_path_factory.mktemp("site"), targets=TARGETS))
    mp = pytest.MonkeyPatch()
    mp.setenv("MASTERTECH_PASSWORD", "day0-pass-1")
    mp.setenv("MASTERTECH_ENABLE_SECRET", "day0-enable-1")
    mp.setenv("MASTERTECH_SERVER_PASSWORD", "server-pass-1")
    mp.setenv("MASTERTECH_VAULT", str(tmp_path_factory.mktemp("vault") / "vault.yaml"))
    provider = GNS3Provider(site, settings=settings(gns3))
    with Gns3Client(settings(gns3)) as api:
        before = sorted(p.name for p in api.projects())
        images = sorted(i.filename for i in api.images())
    with pytest.raises(Gns3Error) as refused:
        provider.up()
    with Gns3Client(settings(gns3)) as api:
        state = snapshot(api, provider.plan.name)
    yield {
        "site": site,
        "provider": provider,
        "refused": str(refused.value),
        "state": state,
        "before": before,
        "images": images,
    }
    mp.undo()


def test_nodes_are_named_placed_and_on_their_compute(built: dict[str, Any], vm2: str) -> None:
    site, nodes = built["site"], built["state"]["nodes"]
    assert set(nodes) == {n.name for n in site.nodes} | {MGMT_SWITCH}
    pcs = {p.name for p in site.pcs}
    assert pcs and all(nodes[name][1] == vm2 for name in pcs)  # `vm2` by name, its UUID in GNS3
    assert all(compute == "local" for name, (_, compute, _, _) in nodes.items() if name not in pcs)
    rows = {name: y for name, (_, _, _, y) in nodes.items()}
    assert rows["R1"] < rows["SW1"] < rows["DNS"]  # routers above switches above hosts
    assert len({(x, y) for _, _, x, y in nodes.values()}) == len(nodes)  # no two on one spot


def test_links_sit_on_the_adapters_of_the_topology_ports(built: dict[str, Any]) -> None:
    site, links = built["site"], built["state"]["links"]
    for cable in site.cables:
        ends = []
        for end in (cable.a, cable.b):
            adapter, port = gns3_port(site.node(end.node).kind, end.interface)  # type: ignore[misc]
            ends.append((end.node, adapter, port))
        assert frozenset(ends) in links, cable
    mgmt = [link for link in links if any(e[0] == MGMT_SWITCH for e in link)]
    assert len(mgmt) == len(site.nodes)  # one management link per node
    assert frozenset({("R1", 3, 0), (MGMT_SWITCH, 1, 0)}) in links  # R1 Gi0/3 -> the switch's port 1
    assert len(links) == len(site.cables) + len(site.nodes)


def test_day0_is_on_the_config_disk_of_iosv_nodes(
    built: dict[str, Any], gns3: gns3_server.RunningServer
) -> None:
    provider = built["provider"]
    day0 = provider.day0()
    with Gns3Client(settings(gns3)) as api:
        pid = built["state"]["project"].project_id
        nodes = {n.name: n for n in api.nodes(pid)}
        text = read_config_zip(api.read_node_file(pid, nodes["R1"].node_id, CONFIG_ZIP))
        assert text == day0["R1"].text
        lines = text.splitlines()
        assert lines.index("ip domain name mastertech.com") < lines.index(
            "crypto key generate rsa modulus 2048"
        )
        assert "ip ssh version 2" in lines and " ip address 172.31.255.11 255.255.255.0" in lines
        with pytest.raises(Gns3Error):  # IOSvL2 has no config disk: its day-0 goes over the console
            api.read_node_file(pid, nodes["SW1"].node_id, CONFIG_ZIP)


def test_linux_nodes_have_their_day0_as_a_cloud_init_seed_in_their_cd_drive(
    built: dict[str, Any], gns3: gns3_server.RunningServer, tmp_path: Path
) -> None:
    """Read back through the API from each node's own folder, on the compute that runs it (the
    PCs' on vm2): the CD drive names the seed and the seed is what cloud-init looks for."""
    provider, site = built["provider"], built["site"]
    day0 = provider.day0()
    linux = [n.name for n in site.nodes if n.kind in ("server", "pc")]
    with Gns3Client(settings(gns3)) as api:
        pid = built["state"]["project"].project_id
        nodes = {n.name: n for n in api.nodes(pid)}
        for name in linux:
            node = nodes[name]
            assert node.properties.get("cdrom_image") == seed_file(node.node_id)
            data = api.read_node_file(pid, node.node_id, seed_file(node.node_id))
            # What cloud-init's NoCloud looks for: an iso9660 volume labelled cidata (blkid's view).
            (tmp_path / "seed.iso").write_bytes(data)
            probe = subprocess.run(
                ["blkid", "-o", "export", str(tmp_path / "seed.iso")], capture_output=True, text=True
            )
            assert "LABEL=cidata" in probe.stdout and "TYPE=iso9660" in probe.stdout, probe.stdout
            seed = read_nocloud_seed(data)
            assert seed["user-data"] == cloud_config(day0[name])
            meta = yaml.safe_load(seed["meta-data"])
            assert meta == {"instance-id": f"{pid}-{node.node_id}", "local-hostname": name.lower()}
        assert not nodes["R1"].properties.get("cdrom_image")


def test_node_start_cannot_work_here_and_says_what_to_install(built: dict[str, Any]) -> None:
    message = built["refused"]
    assert "GNS3 could not start" in message and "install qemu-utils" in message
    status = built["provider"].status()
    assert status.phase == "stopped"
    assert status.node("R1").mgmt == ("172.31.255.11", 22)


def test_second_up_changes_nothing(built: dict[str, Any], gns3: gns3_server.RunningServer) -> None:
    with pytest.raises(Gns3Error, match="could not start"):
        built["provider"].up()
    with Gns3Client(settings(gns3)) as api:
        again = snapshot(api, built["provider"].plan.name)
    assert again["nodes"] == built["state"]["nodes"] and again["links"] == built["state"]["links"]
    with Gns3Client(settings(gns3)) as api:  # the seed is the first one, naming its node
        pid = again["project"].project_id
        dns = next(n for n in api.nodes(pid) if n.name == "DNS")
        seed = read_nocloud_seed(api.read_node_file(pid, dns.node_id, seed_file(dns.node_id)))
        assert yaml.safe_load(seed["meta-data"])["instance-id"] == f"{pid}-{dns.node_id}"


def test_wrong_password_says_which_variables_to_set(gns3: gns3_server.RunningServer) -> None:
    with Gns3Client(settings(gns3, "not-the-password")) as api, pytest.raises(Gns3AuthError) as err:
        api.projects()
    assert "wrong user or password" in str(err.value) and "GNS3_PASSWORD" in str(err.value)
    assert "not-the-password" not in str(err.value)


def _stale_token(server: gns3_server.RunningServer) -> str:
    """A token the server no longer takes: expired a minute ago and signed with an old key.

    gns3-server 3.0.6 does not check `exp` (joserfc decodes without validating claims), so an
    expired token alone still passes there; a token of an earlier secret key (the server's key
    was regenerated) is what it refuses with 401, as a newer server refuses an expired one.
    """
    code = (
        "import sys,time; from joserfc import jwt; from joserfc.jwk import OctKey;"
        "print(jwt.encode({'alg':'HS256'},{'sub':sys.argv[2],'exp':int(time.time())-60},OctKey.import_key(sys.argv[1])))"
    )
    python = gns3_server.VENV / "bin" / "python"
    old_key = "0" * 64
    out = subprocess.run([str(python), "-c", code, old_key, gns3_server.USER], capture_output=True, text=True)
    return out.stdout.strip()


def test_stale_token_is_replaced_by_one_new_login(gns3: gns3_server.RunningServer) -> None:
    token = _stale_token(gns3)
    raw = httpx.get(f"{gns3.url}/v3/projects", headers={"Authorization": f"Bearer {token}"})
    assert raw.status_code == 401  # the server does refuse it
    with Gns3Client(settings(gns3)) as api:
        api.use_token(token)
        assert isinstance(api.projects(), list)


def test_stale_token_and_wrong_password_gives_the_clear_error(gns3: gns3_server.RunningServer) -> None:
    with (
        Gns3Client(settings(gns3, "wrong")) as api,
        pytest.raises(Gns3AuthError, match="wrong user or password"),
    ):
        api.use_token(_stale_token(gns3))
        api.projects()


def test_missing_template_is_named(gns3: gns3_server.RunningServer, templates: None, tmp_path: Path) -> None:
    site = load_site(copy_site(tmp_path, targets=TARGETS + "  templates: {router: IOSv-15.9}\n"))
    with pytest.raises(Gns3Error, match=r"no template named 'IOSv-15\.9'"):
        GNS3Provider(site, settings=settings(gns3)).up()


def test_an_unknown_compute_is_named_with_the_ones_there(
    gns3: gns3_server.RunningServer, templates: None, tmp_path: Path
) -> None:
    targets = TARGETS.replace("{groups: {pcs: vm2}}", "{groups: {pcs: vm2}, nodes: {R1: vm9}}")
    site = load_site(copy_site(tmp_path, targets=targets))
    with Gns3Client(settings(gns3)) as api:
        before = sorted(p.name for p in api.projects())
    with pytest.raises(Gns3Error, match=r"no compute 'vm9'.*gns3\.computes \(computes: local, vm2\)"):
        GNS3Provider(site, settings=settings(gns3)).up()
    with Gns3Client(settings(gns3)) as api:  # refused before anything was made
        assert sorted(p.name for p in api.projects()) == before


def test_builtin_management_switch_needs_dynamips(
    gns3: gns3_server.RunningServer, templates: None, tmp_path: Path
) -> None:
    site = load_site(
        copy_site(tmp_path, targets="gns3:\n  project: dynamips-check\nmanagement:\n  cloud: null\n")
    )
    provider = GNS3Provider(site, settings=settings(gns3))
    try:
        with pytest.raises(Gns3Error, match=r"Could not find Dynamips.*install dynamips"):
            provider.up()
    finally:
        provider.down()


def test_down_leaves_the_server_as_it_was(built: dict[str, Any], gns3: gns3_server.RunningServer) -> None:
    removed = built["provider"].down()
    assert removed == [f"project {built['provider'].plan.name}"]
    with Gns3Client(settings(gns3)) as api:
        assert sorted(p.name for p in api.projects()) == built["before"]
        # Every image there before is kept, none added (GNS3 registers its own empty disks,
        # emptyNNG.qcow2, once a qemu node exists).
        images = {i.filename for i in api.images()}
        assert set(built["images"]) <= images and all(
            i.startswith("empty") for i in images - set(built["images"])
        )
    with pytest.raises(LabError, match="no GNS3 project"):
        built["provider"].status()
