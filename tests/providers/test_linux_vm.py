"""The Linux day-0 of the gns3 and cml targets on a real Debian VM (qemu, systemd, cloud-init).

Both ways a GNS3 or CML Linux node gets it, each from the real site data:
- the telnet serial console (qemu's, as GNS3 offers it): the bootstrap logs in with the image's
  console password and runs the script; then SSH works on the management address with the
  automation password, the server has its static address and route, and after a reboot the boot
  unit the day-0 installed brings the network back without anyone typing again;
- a cloud-init NoCloud seed in the CD drive (GNS3's `linux_day0: cloud_init`; on CML the same
  #cloud-config is the node's configuration): the real cloud-init runs it at first boot, the PC
  takes its lease from a real DHCP server (dnsmasq) and answers SSH on its management address.
The VM image is built once (tests/providers/linux_hosts.py). Namespaces start with mt-vmtest-.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import os
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from linux_hosts import BOOT_BUDGET, FIRST_PASSWORD, Vm, dhcp_server, image, namespace, ssh

from automation.models import load_site
from automation.models.design import Site
from automation.models.targets import load_targets
from automation.polling import until
from automation.providers.day0 import Day0, day0_configs, host_data, nocloud_seed
from automation.providers.gns3.linux_console import LinuxBudgets, bootstrap_linux_console
from automation.secrets import ConsoleLogin, Credentials

pytestmark = [
    pytest.mark.skipif(os.geteuid() != 0, reason="namespaces and taps need root"),
]

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "vm'pw\"$(touch /tmp/pwned-vm)`id`"  # the automation's, set by day-0: data, never run
SITE = load_site(ROOT / "inventory" / "mastertech")
SLOW = LinuxBudgets(connect=30, boot=BOOT_BUDGET, wake_every=5, line=60, run=300)


def _day0(site: Site, name: str) -> Day0:
    device = Credentials("admin", "device-1", "environment")
    return day0_configs(site, load_targets(site), device, None, hosts=Credentials("root", PASSWORD, "t"))[
        name
    ]


def _mgmt(name: str) -> str:
    return str(load_targets(SITE).mgmt(name).address.ip)


def _wire(ns: str, name: str) -> list[subprocess.Popen[bytes]]:
    """Addresses on the taps: the management side, and the department side (gateway or DHCP)."""
    mgmt = load_targets(SITE).mgmt(name).address
    peer = ipaddress.IPv4Interface(f"{mgmt.network.network_address + 254}/{mgmt.network.prefixlen}")
    subprocess.run(["ip", "-n", ns, "address", "add", str(peer), "dev", "vm1"], check=True)
    data = host_data(SITE, name)
    assert data is not None
    if data.address is not None:
        gateway = f"{data.gateway}/{data.address.network.prefixlen}"
        subprocess.run(["ip", "-n", ns, "address", "add", gateway, "dev", "vm0"], check=True)
        return []
    subprocess.run(["ip", "-n", ns, "address", "add", "10.77.0.1/24", "dev", "vm0"], check=True)
    return [dhcp_server(ns, "vm0")]


@dataclass
class Booted:
    vm: Vm
    ns: str


@pytest.fixture(scope="module")
def vms(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Booted]]:
    """Both VMs started at once, each on its own TCG vCPU (the two boots overlap): DNS boots to
    its console login without cloud-init, BE-PC1 with its seed in the CD drive."""
    img = image()
    tmp = tmp_path_factory.mktemp("vms")
    with contextlib.ExitStack() as stack:
        booted: dict[str, Booted] = {}
        for name, cloud_init in (("DNS", False), ("BE-PC1", True)):
            ns = stack.enter_context(namespace(f"mt-vmtest-{os.getpid() % 10000}-{name.lower()}"))
            machine = Vm(name, ns, tmp)
            stack.callback(machine.stop)
            seed = None
            if cloud_init:
                seed = tmp / f"{name}-seed.iso"
                seed.write_bytes(nocloud_seed(_day0(SITE, name), instance_id=f"vmtest-{name.lower()}"))
            machine.start(img, cloud_init=cloud_init, seed=seed)
            for proc in _wire(ns, name):
                stack.callback(proc.wait, 10)
                stack.callback(proc.terminate)
            booted[name] = Booted(machine, ns)
        yield booted
    assert not Path("/tmp/pwned-vm").exists()


def _wait_ssh(ns: str, address: str, what: str) -> None:
    if not until(lambda: ssh(ns, address, PASSWORD, "true").returncode == 0, BOOT_BUDGET, 3):
        raise AssertionError(f"no SSH login on {address} within {BOOT_BUDGET:.0f} s ({what})")


def test_console_day0_on_a_booting_vm_survives_a_reboot(vms: dict[str, Booted]) -> None:
    machine, ns = vms["DNS"].vm, vms["DNS"].ns
    assert machine.console is not None
    run = bootstrap_linux_console(
        "DNS", "127.0.0.1", machine.console.port, _day0(SITE, "DNS"), ConsoleLogin("root", FIRST_PASSWORD),
        budgets=SLOW,
    )  # fmt: skip
    result = asyncio.run(run)
    assert result.answered[-1] == "shell" and "login" in result.answered
    address = _mgmt("DNS")
    _wait_ssh(ns, address, "after the console day-0")
    server = next(s for s in SITE.servers if s.name == "DNS")
    shown = ssh(ns, address, PASSWORD, "hostname; ip -4 -o address show dev eth0; ip route show default; "
                "systemctl is-enabled mastertech-net.service")  # fmt: skip
    assert shown.stdout.splitlines()[0] == "dns", shown.stdout + shown.stderr
    assert (
        f"inet {server.address} " in shown.stdout and f"default via {server.gateway} dev eth0" in shown.stdout
    )
    assert shown.stdout.split()[-1] == "enabled"
    # The image's own password no longer opens it.
    assert ssh(ns, address, FIRST_PASSWORD, "true").returncode != 0
    # Reboot: nobody types anything; the boot unit gives the management address back.
    boot_id = "cat /proc/sys/kernel/random/boot_id"
    before = ssh(ns, address, PASSWORD, boot_id).stdout.strip()
    ssh(ns, address, PASSWORD, "systemctl reboot")
    until(lambda: ssh(ns, address, PASSWORD, "true", timeout=3).returncode != 0, 120, 1)
    _wait_ssh(ns, address, "after a reboot")
    again = ssh(ns, address, PASSWORD, f"ip -4 -o address show dev eth0; {boot_id}")
    assert f"inet {server.address} " in again.stdout and again.stdout.split()[-1] != before


def test_cloud_init_seed_day0_on_a_booting_vm(vms: dict[str, Booted]) -> None:
    ns = vms["BE-PC1"].ns
    address = _mgmt("BE-PC1")
    _wait_ssh(ns, address, "cloud-init running the seed's day-0")
    show = "hostname; ip -4 -o address show dev eth0; ip route show default; ls /run/mastertech-day0.sh"
    until(lambda: "default via" in ssh(ns, address, PASSWORD, show).stdout, 60, 2)
    shown = ssh(ns, address, PASSWORD, show)
    assert shown.stdout.splitlines()[0] == "be-pc1", shown.stdout
    assert re.search(r"inet 10\.77\.0\.1[0-5]\d/24", shown.stdout), shown.stdout
    assert "default via 10.77.0.1 dev eth0" in shown.stdout
    assert "No such file" in shown.stderr  # the script (it holds the password) is gone
    status = ssh(ns, address, PASSWORD, "cloud-init status --wait --long")
    assert "status: done" in status.stdout and "NoCloud" in status.stdout, status.stdout
