"""Linux day-0 over a serial-style console, against a real Linux host: login, script, SSH.

The host is a lab server node (its own root, PID, UTS and network namespaces, Debian's sshd) with
its console played the way a GNS3 qemu node offers one: a TCP port joined to a terminal running
the real /bin/login (socat). Its eth0 faces a namespace with a real DHCP server (dnsmasq) or the
server's gateway; its eth1 faces a management namespace standing for the automation host. The
bootstrap logs in with the image's console password, runs the day-0 from the real site data,
and then a real ssh client in the management namespace logs in on the management address with
the automation password (hostile characters included) and reads what the day-0 set.
Namespaces start with mt-lctest-; every one and every process is gone afterwards.
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from linux_hosts import dhcp_server, ssh

from automation.errors import DeviceError
from automation.lab.forwarder import Forwarder
from automation.lab.servernode import ServerNode
from automation.models import load_site
from automation.models.design import Site
from automation.models.targets import load_targets
from automation.polling import until
from automation.providers.day0 import NET_SCRIPT, Day0, day0_configs, host_data, render_linux
from automation.providers.gns3.linux_console import LinuxBudgets, bootstrap_linux_console
from automation.secrets import ConsoleLogin, Credentials

pytestmark = [
    pytest.mark.skipif(os.geteuid() != 0, reason="server nodes need root (namespaces, mounts)"),
]

ROOT = Path(__file__).resolve().parents[2]
PREFIX = "mt-lctest-"
CONSOLE_PORT = 2323  # inside the node
FIRST_PASSWORD = "image-console-1"  # the image's own root password, before day-0
# What day-0 sets: quotes, $(), backquotes and ; must arrive as data, never run.
HOSTILE_PASSWORD = "p'w\"$(touch /tmp/pwned)`id`;x"
FAST = LinuxBudgets(connect=10, boot=30, wake_every=1, line=15, run=60)
MGMT_PEER = "254"  # the automation host's last octet on the management prefix


def _sh(
    *argv: str, check: bool = True, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False, env=env)
    if check and proc.returncode != 0:
        raise AssertionError(f"{' '.join(argv)}: {proc.stderr or proc.stdout}")
    return proc


@dataclass
class Host:
    site: Site
    name: str
    node: ServerNode
    netns: str
    mgmt_ns: str
    console: Forwarder
    work: Path

    def ssh(self, password: str, command: str) -> subprocess.CompletedProcess[str]:
        """A real ssh client in the management namespace, to the host's management address."""
        address = load_targets(self.site).mgmt(self.name).address.ip
        return ssh(self.mgmt_ns, str(address), password, command, timeout=5)

    def day0(self, password: str = HOSTILE_PASSWORD) -> Day0:
        creds = Credentials("admin", "device-1", "environment")
        hosts = Credentials("root", password, "environment")
        return day0_configs(self.site, load_targets(self.site), creds, None, hosts=hosts)[self.name]

    def bootstrap(self, day0: Day0, login: ConsoleLogin) -> tuple[str, ...]:
        run = bootstrap_linux_console(self.name, "127.0.0.1", self.console.port, day0, login, budgets=FAST)
        return asyncio.run(run).answered


def _wire(site: Site, name: str, tag: str) -> tuple[str, str, list[subprocess.Popen[bytes]]]:
    """The host's namespace with eth0 to its department side and eth1 to the management side."""
    host, dept, mgmt = (f"{PREFIX}{tag}-{part}" for part in ("host", "dept", "mgmt"))
    for ns in (host, dept, mgmt):
        _sh("ip", "netns", "add", ns)
        _sh("ip", "-n", ns, "link", "set", "lo", "up")
    data = host_data(site, name)
    assert data is not None
    address = load_targets(site).mgmt(name).address
    _sh(
        "ip",
        "link",
        "add",
        data.interface,
        "netns",
        host,
        "type",
        "veth",
        "peer",
        "name",
        "d0",
        "netns",
        dept,
    )
    _sh("ip", "link", "add", "eth1", "netns", host, "type", "veth", "peer", "name", "m0", "netns", mgmt)
    peer = ipaddress.IPv4Interface(
        f"{address.network.network_address + int(MGMT_PEER)}/{address.network.prefixlen}"
    )
    _sh("ip", "-n", mgmt, "address", "add", str(peer), "dev", "m0")
    _sh("ip", "-n", mgmt, "link", "set", "m0", "up")
    _sh("ip", "-n", dept, "link", "set", "d0", "up")
    procs: list[subprocess.Popen[bytes]] = []
    if data.address is None:  # a PC: a real DHCP server on its department side
        _sh("ip", "-n", dept, "address", "add", "10.77.0.1/24", "dev", "d0")
        procs.append(dhcp_server(dept, "d0"))
    else:  # a server: its gateway on the other side
        assert data.gateway is not None
        _sh(
            "ip",
            "-n",
            dept,
            "address",
            "add",
            f"{data.gateway}/{data.address.network.prefixlen}",
            "dev",
            "d0",
        )
    return host, mgmt, procs


@pytest.fixture(params=["pc", "server"])
def host(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Host]:
    monkeypatch.setenv("MASTERTECH_VAULT", str(tmp_path / "vault.yaml"))
    monkeypatch.setenv("MASTERTECH_SERVER_PASSWORD", FIRST_PASSWORD)  # what the node starts with
    site = load_site(ROOT / "inventory" / "mastertech")
    kind = request.param
    name = next(n.name for n in site.nodes if n.kind == kind)
    tag = f"{kind}{os.getpid() % 10000}"
    procs: list[subprocess.Popen[bytes]] = []
    node: ServerNode | None = None
    console: Forwarder | None = None
    try:
        netns, mgmt, procs = _wire(site, name, tag)
        design = site.servers[0]  # the node's own lab address only names it in /etc/hosts
        node = ServerNode(name=name, netns=netns, lab_dir=tmp_path / "lab", design=design)
        node.start()
        # The serial console: the real login program on a terminal, offered on a TCP port.
        node.run(["sh", "-c", f"socat TCP-LISTEN:{CONSOLE_PORT},bind=127.0.0.1,reuseaddr,fork "
                 "EXEC:/bin/login,pty,setsid,ctty,stderr,sane >/dev/null 2>&1 &"])  # fmt: skip
        listening = f"sport = :{CONSOLE_PORT}"
        assert until(
            lambda: _sh("ip", "netns", "exec", netns, "ss", "-Hltn", listening).stdout.strip(), 10, 0.1
        )
        console = Forwarder(f"{name}-console", f"/run/netns/{netns}", port_inside=CONSOLE_PORT)
        yield Host(site, name, node, netns, mgmt, console, tmp_path)
    finally:
        if console is not None:
            console.close()
        if node is not None:
            node.stop()
        ServerNode.cleanup(tmp_path / "lab")
        for proc in procs:
            proc.terminate()
            proc.wait(10)
        for ns in _sh("ip", "netns", "list").stdout.split():
            if ns.startswith(f"{PREFIX}{tag}-"):
                _sh("ip", "netns", "del", ns, check=False)
    assert not [ns for ns in _sh("ip", "netns", "list").stdout.split() if ns.startswith(f"{PREFIX}{tag}-")]


def test_console_day0_makes_the_host_reachable_over_ssh_on_its_management_address(host: Host) -> None:
    assert host.ssh(HOSTILE_PASSWORD, "true").returncode != 0, "no SSH on the management address before day-0"
    answered = host.bootstrap(host.day0(), ConsoleLogin("root", FIRST_PASSWORD))
    assert answered == ("login", "password", "shell")

    data = host_data(host.site, host.name)
    assert data is not None
    show = "hostname; ip -4 -o address show dev eth0; ip route show default"
    got = host.ssh(HOSTILE_PASSWORD, show)
    assert got.returncode == 0, got.stderr
    assert got.stdout.splitlines()[0] == host.name.lower()
    if data.address is None:  # the PC takes a lease from the DHCP server, with its gateway
        until(lambda: "default via" in host.ssh(HOSTILE_PASSWORD, show).stdout, 30, 0.5)
        got = host.ssh(HOSTILE_PASSWORD, show)
        assert re.search(r"inet 10\.77\.0\.1[0-5]\d/24", got.stdout), got.stdout
        assert "default via 10.77.0.1 dev eth0" in got.stdout, got.stdout
    else:
        assert f"inet {data.address} " in got.stdout and f"default via {data.gateway} dev eth0" in got.stdout
    # The image's first password is gone; the hostile one was data, nothing of it ran.
    assert host.ssh(FIRST_PASSWORD, "true").returncode != 0
    assert not Path("/tmp/pwned").exists() and not host.node.host_path("/tmp/pwned").exists()
    # No copy of the script (it holds the password) is left, and no shell history kept it.
    assert not list(host.node.host_path("/tmp").glob(".mastertech-day0.*sh")) and not list(
        host.node.host_path("/tmp").glob(".mastertech-day0.b64")
    )
    history = host.node.host_path("/root/.bash_history")
    assert not history.exists() or "mastertech-day0" not in history.read_text()
    net = host.node.host_path(NET_SCRIPT).read_text()
    assert HOSTILE_PASSWORD not in net and "ip address replace" in net


def test_a_second_day0_changes_nothing_and_still_works(host: Host) -> None:
    host.bootstrap(host.day0(), ConsoleLogin("root", FIRST_PASSWORD))
    # Run again through the console, now logging in with the password day-0 set.
    host.bootstrap(host.day0(), ConsoleLogin("root", HOSTILE_PASSWORD))
    got = host.ssh(HOSTILE_PASSWORD, "ip -4 -o address show dev eth1 | wc -l; hostname")
    assert got.returncode == 0 and got.stdout.split() == ["1", host.name.lower()], got.stdout


def test_a_wrong_console_password_says_which_setting_to_fix(host: Host) -> None:
    with pytest.raises(DeviceError, match=r"refused the login 'root'.*MASTERTECH_CONSOLE_PASSWORD"):
        host.bootstrap(host.day0(), ConsoleLogin("root", "not-the-password"))


def test_a_failing_script_is_reported_with_its_output(host: Host) -> None:
    mgmt = load_targets(host.site).mgmt(host.name)
    broken = replace(mgmt, interface="eth7")  # no such interface on the host
    text = render_linux(host.site, host.site.node(host.name), broken, Credentials("root", "x", "environment"))
    day0 = Day0(host.name, "pc", "linux", text)
    with pytest.raises(DeviceError, match=r"day-0 script failed on the console \(status 2\).*eth7"):
        host.bootstrap(day0, ConsoleLogin("root", FIRST_PASSWORD))
