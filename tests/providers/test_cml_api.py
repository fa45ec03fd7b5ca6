"""The cml target against recorded CML 2.10 exchanges (tests/providers/cml_fake.py), driven by the
real virl2-client: what it sends on `lab up`, `lab status` and `lab down`, by exchange name.

`lab up` ends by waiting for SSH on every node's management address (IOS keys made, the Linux
day-0 run by cloud-init): the sites here put management on 127.31.255.0/24, where a real sshd of
the test answers, so that wait runs for real and nothing leaves this machine."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
import yaml
from cml_fake import LAB_ID, TOKEN, URL, FakeCml, body
from providers_support import copy_site

from automation.errors import LabError
from automation.models.load import load_site
from automation.polling import until
from automation.providers.cml import CMLProvider
from automation.providers.cml.provider import CmlBudgets, CmlSettings, connect
from automation.providers.static import ssh_banner
from automation.status import Endpoint

SETTINGS = CmlSettings(URL, "admin", "cml-pass-1", False)
FAST = CmlBudgets(converge=0.2, poll=0.05, ssh=10)
MGMT = "127.31.255"  # the sites' management prefix here (loopback)
HOSTS = range(11, 27)  # 16 addresses (sshd listens on 16 at most): every node of both sites
TARGETS = f"management:\n  prefix: {MGMT}.0/24\n"


@pytest.fixture(scope="module", autouse=True)
def management_sshd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """A real sshd on every management address the sites get."""
    if os.geteuid() != 0:
        pytest.skip("sshd on port 22 needs root")
    tmp = tmp_path_factory.mktemp("mgmt-sshd")
    key = tmp / "host_key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    listen = "".join(f"ListenAddress {MGMT}.{h}:22\n" for h in HOSTS)
    (tmp / "sshd_config").write_text(f"{listen}HostKey {key}\nPidFile {tmp / 'sshd.pid'}\nUsePAM no\n")
    os.makedirs("/run/sshd", exist_ok=True)
    proc = subprocess.Popen(
        ["/usr/sbin/sshd", "-D", "-e", "-f", str(tmp / "sshd_config")], stderr=subprocess.PIPE, text=True
    )
    try:
        last = Endpoint(f"{MGMT}.{HOSTS[-1]}", 22)
        if not until(lambda: ssh_banner(last, timeout=1) is None or proc.poll() is not None, 10, 0.1):
            raise AssertionError("the management sshd did not answer")
        if proc.poll() is not None:
            raise AssertionError(
                f"the management sshd did not start: {proc.stderr.read() if proc.stderr else ''}"
            )
        yield
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.fixture
def cml() -> Iterator[FakeCml]:
    with respx.mock(assert_all_called=False) as mock:
        fake = FakeCml(mock)
        mock.route().mock(
            side_effect=lambda r: httpx.Response(404, json={"description": f"unrecorded {r.url}"})
        )
        yield fake


@pytest.fixture
def clients() -> list[Any]:
    return []


def provider(tmp_path: Path, clients: list[Any], name: str = "lab06", targets: str = TARGETS) -> CMLProvider:
    def recording(settings: CmlSettings) -> Any:
        client = connect(settings)
        clients.append(client)
        return client

    return CMLProvider(
        load_site(copy_site(tmp_path, name, targets=targets)), connector=recording, settings=SETTINGS,
        budgets=FAST,
    )  # fmt: skip


def exchanges(cml: FakeCml) -> list[str]:
    """The recorded exchanges virl2-client went through, in order."""
    order = []
    for call in cml.mock.calls:
        route = next(r for r in cml.mock.routes if r.name and call in r.calls)
        order.append(route.name)
    return order


def test_up_logs_in_imports_starts_converges_and_reads_addresses(
    cml: FakeCml, clients: list[Any], tmp_path: Path
) -> None:
    cml.addresses = {"SW1": {"GigabitEthernet3/3": f"{MGMT}.11"}, "PC0": {"eth1": f"{MGMT}.99"}}
    p = provider(tmp_path, clients)
    status = p.up()
    names = exchanges(cml)
    assert names[:3] == ["system_information", "authenticate", "authentication"]
    assert names[3:] == [
        "populate_lab_tiles",
        "import",
        "topology",
        "start",
        "check_if_converged",
        "layer3_addresses",
        "system_information",
        "authenticate",
        "authentication",
        "populate_lab_tiles",
        "topology",
        "state",
    ]
    (login,) = cml.calls("authenticate")[:1]
    assert body(login) == {"username": "admin", "password": "cml-pass-1"}
    assert cml.calls("authentication")[0].headers["authorization"] == f"Bearer {TOKEN}"
    (imported,) = cml.calls("import")
    assert imported.url.params["title"] == "mastertech-lab06"
    sent = yaml.safe_load(imported.content)
    assert sent["lab"]["description"] == "mastertech site lab06"
    assert {n["label"] for n in sent["nodes"]} >= {"SW1", "DNS", "MAIL", "PC0", "PC1"}
    assert cml.calls("start")[0].method == "PUT" and cml.state == "STARTED"
    assert status.phase == "ready" and next(n.mgmt for n in status.nodes) == (f"{MGMT}.11", 22)
    assert p.discovered == {"SW1": f"{MGMT}.11", "PC0": f"{MGMT}.99"}
    assert status.notes == (
        f"CML lab mastertech-lab06 ({LAB_ID})",
        f"CML saw other management addresses: PC0 at {MGMT}.99",
    )


def test_up_waits_for_ssh_and_names_the_nodes_that_stay_silent(
    cml: FakeCml, clients: list[Any], tmp_path: Path
) -> None:
    silent = f"{TARGETS}  addresses: {{PC1: {MGMT}.200}}\n"  # no sshd there
    quick = provider(tmp_path, clients, targets=silent)
    quick.budgets = CmlBudgets(converge=0.2, poll=0.05, ssh=1)
    with pytest.raises(
        LabError, match=rf"no SSH within 1 s from PC1 \({MGMT}\.200: Connection refused\)"
    ) as caught:
        quick.up()
    assert "DNS" not in str(caught.value) and "System Bridge" in str(caught.value)


def test_virl2_client_reads_our_lab_as_its_own_models(
    cml: FakeCml, clients: list[Any], tmp_path: Path
) -> None:
    """The imported YAML, stored as CML stores it, becomes virl2-client's Lab, Node, Interface and
    Link objects: every node key we write is one its Node accepts, every link end an interface."""
    p = provider(tmp_path, clients, "mastertech")
    p.up()
    lab = clients[0].find_labs_by_title("mastertech-mastertech")[0]
    sent = yaml.safe_load(cml.calls("import")[0].content)
    assert sorted(n.label for n in lab.nodes()) == sorted(n["label"] for n in sent["nodes"])
    r1 = lab.get_node_by_label("R1")
    assert r1.node_definition == "iosv" and "ip ssh version 2" in r1.configuration
    assert [i.label for i in r1.interfaces()] == [f"GigabitEthernet0/{n}" for n in range(4)]
    assert len(lab.links()) == len(sent["links"])
    mgmt = {(lk.interface_a.node.label, lk.interface_a.label) for lk in lab.links()}
    assert ("R1", "GigabitEthernet0/3") in mgmt


def test_an_existing_lab_of_the_site_is_reused(cml: FakeCml, clients: list[Any], tmp_path: Path) -> None:
    provider(tmp_path, clients).up()
    provider(tmp_path / "again", clients).up()
    assert len(cml.calls("import")) == 1 and len(cml.calls("start")) == 2


def test_a_lab_that_does_not_converge_is_a_clear_error(
    cml: FakeCml, clients: list[Any], tmp_path: Path
) -> None:
    cml.converged = False
    with pytest.raises(
        LabError, match=r"did not converge in 0 s.*run `mastertech lab up --target cml` again"
    ):
        provider(tmp_path, clients).up()
    assert len(cml.calls("check_if_converged")) == FAST.iterations


def test_down_stops_wipes_and_removes_only_our_lab(cml: FakeCml, clients: list[Any], tmp_path: Path) -> None:
    p = provider(tmp_path, clients)
    p.up()
    cml.mock.reset()
    assert p.down() == ["lab mastertech-lab06"]
    names = [n for n in exchanges(cml) if n not in ("system_information", "authenticate", "authentication")]
    assert names == [
        "populate_lab_tiles",
        "topology",
        "stop",
        "check_if_converged",
        "wipe",
        "check_if_converged",
        "remove",
    ]
    assert cml.calls("remove")[0].method == "DELETE" and cml.topology is None
    assert p.down() == []  # nothing left: nothing removed


def test_status_without_our_lab_says_how_to_make_it(cml: FakeCml, clients: list[Any], tmp_path: Path) -> None:
    with pytest.raises(LabError, match="run `mastertech lab up --target cml`"):
        provider(tmp_path, clients).status()


def test_a_refused_login_names_the_settings_and_hides_the_password(
    cml: FakeCml, clients: list[Any], tmp_path: Path
) -> None:
    cml.mock.routes["authenticate"].mock(
        side_effect=lambda r: httpx.Response(403, json={"description": "Authentication failed!"})
    )
    with pytest.raises(LabError, match="check CML_URL, CML_USER and CML_PASSWORD") as caught:
        provider(tmp_path, clients).up()
    assert "cml-pass-1" not in str(caught.value)
