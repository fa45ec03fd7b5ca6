"""The gns3 and cml builds as pure data: port mapping both ways, the project plan (nodes, rows,
links, compute placement), day-0 texts and the CML lab YAML."""

from __future__ import annotations

import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from automation.inventory import PROJECT_INVENTORY
from automation.models import load_site
from automation.models.design import Site
from automation.models.targets import load_targets
from automation.platforms.gns3_ports import LAYOUTS, gns3_port
from automation.providers.cml.schema import Topology
from automation.providers.cml.topology import build_topology, topology_yaml
from automation.providers.day0 import cloud_config, config_zip, day0_configs, read_config_zip
from automation.providers.gns3.plan import MGMT_CLOUD, MGMT_SWITCH, plan_project
from automation.secrets import Credentials

pytestmark = pytest.mark.unit

SITE = load_site(PROJECT_INVENTORY / "mastertech")
CREDS = Credentials("admin", "pw-1", "test")
HOSTS = Credentials("root", "host-pw-1", "test")


@pytest.mark.parametrize("kind", list(LAYOUTS))
def test_every_port_maps_to_gns3_and_back(kind: str) -> None:
    layout = LAYOUTS[kind]
    count = layout.adapters if layout.numbers == "adapter" else 8
    for number in range(count):
        name = layout.interface(number)
        port = gns3_port(kind, name)
        assert port == ((number, 0) if layout.numbers == "adapter" else (0, number)), name
        assert layout.number(name) == number
    assert gns3_port(kind, layout.interface(count + 200)) is None


def test_names_that_are_not_ports() -> None:
    assert gns3_port("router", "GigabitEthernet0/4") is None  # IOSv has four NICs
    assert gns3_port("switch", "GigabitEthernet0/4") is None  # segments of four
    assert gns3_port("switch", "GigabitEthernet3/3") == (15, 0)
    assert gns3_port("pc", "eth2") is None and gns3_port("router", "eth0") is None


def with_targets(tmp_path: Path, text: str) -> Site:
    site = tmp_path / "mastertech"
    shutil.copytree(PROJECT_INVENTORY / "mastertech", site)
    (site / "targets.yaml").write_text(text)
    return load_site(site)


def test_plan_rows_templates_and_links() -> None:
    plan = plan_project(SITE, load_targets(SITE))
    assert plan.name == "mastertech-mastertech"
    r1, r2 = plan.node("R1"), plan.node("R2")
    assert (r1.y, r2.y, r2.x - r1.x) == (-200, -200, 150) and r1.x == -r2.x
    assert plan.node("SW2").template == "IOSvL2" and plan.node("SW2").y == 0
    assert {n.kind for n in plan.nodes if n.name in (MGMT_SWITCH, MGMT_CLOUD)} == {"mgmt_switch", "cloud"}
    cables = plan.links[: len(SITE.cables)]
    first = SITE.cables[0]
    assert (cables[0].a.node, cables[0].a.port) == (first.a.node, gns3_port("router", first.a.interface))
    mgmt = [lk for lk in plan.links if lk.b.node == MGMT_SWITCH]
    assert mgmt[0].a.node == MGMT_CLOUD and mgmt[0].b.slot == 0
    assert [(lk.a.node, lk.a.interface, lk.b.slot) for lk in mgmt[1:3]] == [
        ("R1", "GigabitEthernet0/3", 1),
        ("R2", "GigabitEthernet0/3", 2),
    ]
    assert len(mgmt) == len(SITE.nodes) + 1


def test_computes_per_node_then_group(tmp_path: Path) -> None:
    site = with_targets(
        tmp_path, "gns3:\n  computes: {default: c0, groups: {routers: c1}, nodes: {R2: c2}}\n"
    )
    plan = plan_project(site, load_targets(site))
    assert [plan.node(n).compute for n in ("R1", "R2", "SW1", MGMT_SWITCH)] == ["c1", "c2", "c0", "c0"]


def test_no_cloud_and_a_switch_template(tmp_path: Path) -> None:
    site = with_targets(tmp_path, "management:\n  cloud: null\n  switch: {template: Mgmt}\n")
    plan = plan_project(site, load_targets(site))
    assert MGMT_CLOUD not in {n.name for n in plan.nodes}
    assert plan.node(MGMT_SWITCH).template == "Mgmt"


def test_ios_day0_domain_before_keys_ssh_v2_and_management_address() -> None:
    day0 = day0_configs(SITE, load_targets(SITE), CREDS, "en-1", hosts=HOSTS)
    r1 = day0["R1"].text.splitlines()
    assert r1[0] == "hostname R1" and "enable secret en-1" in r1
    assert r1.index("ip domain name mastertech.com") < r1.index("crypto key generate rsa modulus 2048")
    assert "ip ssh version 2" in r1 and " transport input ssh" in r1
    assert " ip address 172.31.255.11 255.255.255.0" in r1
    sw = day0["SW1"].text
    assert " no switchport\n ip address 172.31.255.13 255.255.255.0\n no shutdown\n" in sw
    assert "pw-1" not in repr(day0["R1"]) and day0["R1"].lines()[-1] == " transport input ssh"
    assert read_config_zip(config_zip(day0["R1"])) == day0["R1"].text


def _sh_syntax_ok(text: str) -> None:
    proc = subprocess.run(["sh", "-n"], input=text, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr


def test_linux_day0_pc_takes_dhcp_and_server_keeps_its_static_address() -> None:
    targets = load_targets(SITE)
    day0 = day0_configs(SITE, targets, CREDS, None, hosts=HOSTS)
    pc = SITE.pcs[0]
    text = day0[pc.name].text
    _sh_syntax_ok(text)
    mgmt = targets.mgmt(pc.name)
    assert f"ip address replace {mgmt.address} dev {mgmt.interface}" in text
    assert "dhclient -nw eth0" in text and "ip route replace default" not in text
    assert f"hostname {pc.name.lower()} " in text
    server = SITE.servers[0]
    text = day0[server.name].text
    _sh_syntax_ok(text)
    assert f"ip address replace {server.address} dev eth0" in text
    assert f"ip route replace default via {server.gateway} dev eth0" in text
    assert "dhclient" not in text
    # The password goes to chpasswd only, never into the script kept for every boot.
    net = text.split("<<'MASTERTECH_NET'\n", 1)[1].split("\nMASTERTECH_NET\n", 1)[0]
    assert "host-pw-1" in text and "host-pw-1" not in net


def test_linux_day0_quotes_a_hostile_password_as_one_word() -> None:
    hostile = "a'b\"$(reboot)`id`;rm -rf /"
    text = day0_configs(SITE, load_targets(SITE), CREDS, None, hosts=Credentials("root", hostile, "t"))
    line = next(ln for ln in text[SITE.pcs[0].name].text.splitlines() if "chpasswd" in ln)
    words = shlex.split(line.split("|")[0])
    assert words == ["printf", "%s:%s\\n", "root", hostile]


def test_cloud_config_carries_the_script_unchanged() -> None:
    day0 = day0_configs(SITE, load_targets(SITE), CREDS, None, hosts=HOSTS)[SITE.servers[0].name]
    text = cloud_config(day0)
    assert text.startswith("#cloud-config\n")
    data = yaml.safe_load(text)
    assert data["hostname"] == SITE.servers[0].name.lower()
    assert data["write_files"][0]["content"] == day0.text
    assert data["runcmd"][0][:2] == ["sh", "-c"] and data["write_files"][0]["permissions"] == "0700"
    with pytest.raises(ValueError):
        cloud_config(day0_configs(SITE, load_targets(SITE), CREDS, None, hosts=HOSTS)["R1"])


def test_cml_linux_configuration_follows_the_node_definition(tmp_path: Path) -> None:
    site = with_targets(tmp_path, "cml:\n  node_definitions: {server: ubuntu, pc: alpine}\n")
    targets = load_targets(site)
    raw = yaml.safe_load(topology_yaml(build_topology(site, targets, day0_configs(
        site, targets, CREDS, None, hosts=HOSTS))))  # fmt: skip
    nodes = {n["label"]: n for n in raw["nodes"]}
    assert nodes[site.servers[0].name]["configuration"].startswith("#cloud-config\n")
    assert nodes[site.pcs[0].name]["configuration"].startswith("#!/bin/sh\n")
    site = with_targets(tmp_path / "b", "cml:\n  linux_day0: {server: shell, pc: cloud-init}\n")
    targets = load_targets(site)
    assert (targets.cml_linux_day0("server"), targets.cml_linux_day0("pc")) == ("shell", "cloud-init")


def test_cml_yaml_nodes_interfaces_and_links() -> None:
    targets = load_targets(SITE)
    topology = build_topology(SITE, targets, day0_configs(SITE, targets, CREDS, None, hosts=HOSTS))
    raw = yaml.safe_load(topology_yaml(topology))
    Topology.model_validate(raw)
    nodes = {n["label"]: n for n in raw["nodes"]}
    assert nodes["R1"]["node_definition"] == "iosv" and nodes["SW1"]["node_definition"] == "iosvl2"
    assert [i["label"] for i in nodes["R1"]["interfaces"]] == [f"GigabitEthernet0/{n}" for n in range(4)]
    assert nodes[MGMT_CLOUD]["configuration"] == "System Bridge"
    assert len(raw["links"]) == len(SITE.cables) + len(SITE.nodes) + 1
    assert "hostname SW2" in nodes["SW2"]["configuration"]


def test_bootstrap_print_gives_every_node_its_day0_and_touches_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from automation.cli import app as cli_app

    monkeypatch.setenv("MASTERTECH_VAULT", str(tmp_path / "vault.yaml"))
    monkeypatch.setenv("MASTERTECH_PASSWORD", "dev-pw-1")
    monkeypatch.setenv("MASTERTECH_SERVER_PASSWORD", "host-pw-2")
    monkeypatch.delenv("GNS3_URL", raising=False)  # no server: printing must not need one
    if not cli_app.app.registered_commands:
        cli_app._register()
    out = CliRunner().invoke(cli_app.app, ["lab", "bootstrap", "--target", "gns3", "--print"])
    assert out.exit_code == 0, out.output
    sections = out.output.split("---- ")[1:]
    assert [s.split(" ", 1)[0] for s in sections] == [n.name for n in SITE.nodes]
    for node, text in zip(SITE.nodes, sections, strict=True):
        if node.kind in ("server", "pc"):
            script = text.split("\n", 1)[1]
            assert script.startswith("#!/bin/sh\n")
            assert "printf '%s:%s\\n' root host-pw-2 | chpasswd" in script
            _sh_syntax_ok(script)
        else:
            assert f"hostname {node.name}\n" in text and "username admin privilege 15 secret dev-pw-1" in text
