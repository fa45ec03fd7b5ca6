"""A lab that heals and says so: every kind of daemon killed with SIGKILL on the running mastertech
lab comes back within a budget, `lab status` says it was restarted, and verify and the end-to-end
check pass again. A configuration the data plane refuses shows as degraded, with the reason, and
as a `%` line in the device's `show logging`. `lab exec` enters a server node like `docker exec`.

These run on the session's lab of the main job (servers configured, mail flowing): what they break
they wait to see healed, so later tests find the lab as it was.
"""

from __future__ import annotations

import json
import os
import re
import signal
import time
from collections.abc import Callable
from typing import Any

import pytest
from conftest import SiteLab, mastertech
from netmiko import ConnectHandler

from automation.lab.process import ProcessRecord, alive
from automation.lab.state import LabPaths, read_state
from automation.polling import poll
from automation.secrets import device_credentials

SITE = "mastertech"
HEAL_BUDGET = 30.0  # seconds for a killed daemon to be running again (service grace is 3 s)
CONVERGE_BUDGET = 60.0  # seconds for verify and the end-to-end check to pass again after a heal

# (node, daemon as the health names it, how to find what to kill)
PROCESS_FAULTS = [
    ("R1", "ospfd", "frr"),
    ("R2", "zebra", "frr"),
    ("R1", "dnsmasq", "frr"),
    ("BE-PC1", "udhcpc", "pc"),
    ("FE-PC2", "sshd", "pc"),
]
# Server services are killed from inside the node, by their own pid files.
SERVICE_FAULTS = [
    ("DNS", "named", "/run/named/named.pid"),
    ("MAIL", "postfix", "/var/spool/postfix/pid/master.pid"),
    ("MAIL", "dovecot", "/run/dovecot/master.pid"),
    ("WEB", "nginx", "/run/nginx.pid"),
    ("WEB", "sshd", "/run/sshd.pid"),
]


@pytest.fixture(scope="module")
def lab(site_lab: Callable[[str], SiteLab]) -> SiteLab:
    lab = site_lab(SITE)
    assert lab.up.get("ok") is True, lab.up_output[-4000:]
    return lab


def _node(lab: SiteLab, name: str) -> dict[str, Any]:
    return next(n for n in lab.status()["nodes"] if n["name"] == name)


def _poll(probe: Callable[[], Any], budget: float, what: str, interval: float = 0.2) -> Any:
    value, _ = poll(probe, bool, budget, interval)
    assert value, f"{what}: not within {budget:.0f} s (last: {value!r})"
    return value


def _recorded(name: str) -> ProcessRecord:
    """The live process the lab recorded under `name` (e.g. `mt-mastertech-r1/ospfd`)."""
    state = read_state(LabPaths.for_site(SITE))
    assert state is not None
    live = [p for p in state.processes if p.name == name and alive(p)]
    assert live, f"no live process {name} in the lab's state"
    return live[-1]


def _healed(lab: SiteLab, node: str, daemon: str, before: int) -> Callable[[], Any]:
    def probe() -> Any:
        health = _node(lab, node)["health"]
        back = health["restarts"].get(daemon, 0) > before
        down = any(r.startswith(f"{daemon} down") for r in health["reasons"])
        return health if back and not down else None

    return probe


def _passes_again(lab: SiteLab) -> None:
    for verb in ("verify", "check"):

        def ok(verb: str = verb) -> Any:
            proc = mastertech(verb, "--site", SITE, "--json")
            document = json.loads(proc.stdout) if proc.stdout.strip() else {}
            return document.get("ok") and document.get("results")

        _poll(ok, CONVERGE_BUDGET, f"{verb} passing again", interval=1.0)


def _kill_and_heal(lab: SiteLab, node: str, daemon: str, kill: Callable[[], None]) -> float:
    before = _node(lab, node)["health"]["restarts"].get(daemon, 0)
    t0 = time.monotonic()
    kill()
    health = _poll(_healed(lab, node, daemon, before), HEAL_BUDGET, f"{node} {daemon} restarted")
    seconds = time.monotonic() - t0
    assert health["state"] == "degraded", health
    assert f"{daemon} restarted" in "; ".join(health["reasons"]), health
    print(f"{node} {daemon}: SIGKILL -> running again in {seconds:.1f} s")
    _passes_again(lab)
    return seconds


def test_lab_is_ready_and_every_node_reports_health(lab: SiteLab) -> None:
    status = lab.status()
    assert status["phase"] in ("ready", "degraded")
    for node in status["nodes"]:
        assert node["health"]["state"] in ("ok", "degraded"), node
        assert set(node["health"]) == {"state", "reasons", "restarts"}
    if status["phase"] == "ready":
        assert all(n["health"]["state"] == "ok" for n in status["nodes"])


@pytest.mark.parametrize(
    ("node", "daemon", "kind"), PROCESS_FAULTS, ids=[f"{n}-{d}" for n, d, _ in PROCESS_FAULTS]
)
def test_killed_daemon_is_restarted(lab: SiteLab, node: str, daemon: str, kind: str) -> None:
    netns = _node(lab, node)["netns"]
    name = f"{netns}/{daemon}" if kind == "frr" else f"{node}/{daemon}"
    record = _recorded(name)
    _kill_and_heal(lab, node, daemon, lambda: os.kill(record.pid, signal.SIGKILL))
    assert _recorded(name).pid != record.pid


@pytest.mark.parametrize(
    ("node", "daemon", "pidfile"), SERVICE_FAULTS, ids=[f"{n}-{d}" for n, d, _ in SERVICE_FAULTS]
)
def test_killed_server_service_is_restarted(lab: SiteLab, node: str, daemon: str, pidfile: str) -> None:
    def kill() -> None:
        proc = mastertech(
            "lab", "exec", node, "--site", SITE, "--", "sh", "-c", f'kill -KILL "$(cat {pidfile})"'
        )
        assert proc.returncode == 0, proc.stderr

    _kill_and_heal(lab, node, daemon, kill)


def test_killed_server_node_boots_again_with_its_services(lab: SiteLab) -> None:
    """SIGKILL of a server node's PID 1 ends every process of the node; it boots again at the
    same endpoint, its services start again, and the mail it held is still there."""
    endpoint = _node(lab, "MAIL")["mgmt"]
    state = read_state(LabPaths.for_site(SITE))
    assert state is not None
    pid1 = next(n.init for n in state.nodes if n.name == "MAIL")
    assert pid1 is not None
    _kill_and_heal(lab, "MAIL", "node", lambda: os.kill(pid1["pid"], signal.SIGKILL))
    assert _node(lab, "MAIL")["mgmt"] == endpoint  # the endpoint did not move
    for service in ("postfix", "dovecot"):
        _poll(
            lambda s=service: _node(lab, "MAIL")["health"]["restarts"].get(s, 0) > 0,
            HEAL_BUDGET,
            f"MAIL {service} started again after the reboot",
        )
    _passes_again(lab)


def _device(lab: SiteLab, name: str) -> ConnectHandler:
    mgmt = _node(lab, name)["mgmt"]
    creds = device_credentials()
    return ConnectHandler(
        device_type="cisco_ios", host=mgmt["host"], port=mgmt["port"],
        username=creds.username, password=creds.password,
    )  # fmt: skip


def _reasons(lab: SiteLab, node: str) -> list[str]:
    return list(_node(lab, node)["health"]["reasons"])


def test_configuration_the_data_plane_refuses_shows_as_degraded(lab: SiteLab) -> None:
    refused = ["router ospf 2", "network 10.99.0.0 0.0.0.255 area 0"]
    try:
        with _device(lab, "R1") as conn:
            out = conn.send_config_set(refused)
        assert "%" not in out, out  # IOS takes it: only the lab's data plane cannot
        reasons = _poll(
            lambda: [r for r in _reasons(lab, "R1") if "'router ospf 2'" in r], HEAL_BUDGET, "R1 degraded"
        )
        assert "one OSPF process per router" in reasons[0], reasons
        status = lab.status()
        assert status["phase"] == "degraded"
        assert _node(lab, "R1")["health"]["state"] == "degraded"
        with _device(lab, "R1") as conn:
            logged = conn.send_command("show logging")
        assert re.search(r"%LAB-3-DATAPLANE: data plane rejected 'router ospf 2'", logged), logged[-2000:]
        text = mastertech("lab", "status", "--site", SITE)
        assert "router ospf 2" in text.stdout + text.stderr
    finally:
        with _device(lab, "R1") as conn:
            conn.send_config_set(["no router ospf 2"])
    _poll(lambda: not [r for r in _reasons(lab, "R1") if "ospf 2" in r], HEAL_BUDGET, "R1 rejection cleared")


def test_exec_on_a_server_enters_the_node(lab: SiteLab) -> None:
    proc = mastertech("lab", "exec", "MAIL", "--site", SITE, "--", "postconf", "-n")
    assert proc.returncode == 0, proc.stderr
    settings = dict(line.split(" = ", 1) for line in proc.stdout.splitlines() if " = " in line)
    assert lab.site.mail is not None
    assert settings["virtual_mailbox_domains"] == lab.site.mail.domain, proc.stdout
    assert settings["myhostname"] == lab.site.mail.hostname, proc.stdout
    name = mastertech("lab", "exec", "MAIL", "--site", SITE, "--", "hostname")
    assert name.stdout.strip() == "mail"
    pid1 = mastertech("lab", "exec", "MAIL", "--site", SITE, "--", "sh", "-c", "cat /proc/1/comm; pwd")
    assert pid1.stdout.split() == ["init", "/"], pid1.stdout + pid1.stderr


def test_exec_keeps_the_exit_code_and_pcs_stay_in_their_namespace(lab: SiteLab) -> None:
    failed = mastertech("lab", "exec", "MAIL", "--site", SITE, "--", "sh", "-c", "exit 7")
    assert failed.returncode == 7
    pc = mastertech(
        "lab", "exec", "BE-PC1", "--site", SITE, "--", "sh", "-c", "ip -4 -o addr show dev eth0; exit 3"
    )
    assert pc.returncode == 3
    assert any(a.split("/")[0] in pc.stdout for a in _node(lab, "BE-PC1")["addresses"]), pc.stdout


def test_status_fits_80_columns_without_splitting_addresses(lab: SiteLab) -> None:
    proc = mastertech("lab", "status", "--site", SITE, env={"COLUMNS": "80"})
    assert proc.returncode == 0, proc.stderr
    table = proc.stdout
    assert max(len(line) for line in table.splitlines()) <= 80, table
    words = set(table.split())
    for node in lab.status()["nodes"]:
        for address in node["addresses"]:
            assert address in words, f"{address} of {node['name']} split or missing:\n{table}"
    wide = mastertech("lab", "status", "--site", SITE, "--wide", env={"COLUMNS": "250"})
    assert _node(lab, "R1")["netns"] in wide.stdout
