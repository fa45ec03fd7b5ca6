"""Ansible `cisco.ios` over `network_cli` (paramiko and libssh) through ansible-runner.

Ansible runs are slow, so each SSH type runs one playbook with several tasks; results are read
back from the runner's events by task name.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import ansible_runner
import pytest
import yaml
from emulator_support import PASSWORD, SECRET, USER

from automation.emulator.server import ThreadedEmulator

PLAYBOOK = [
    {
        "name": "IOS through network_cli",
        "hosts": "all",
        "gather_facts": False,
        "tasks": [
            {
                "name": "commands",
                "register": "out",
                "cisco.ios.ios_command": {
                    "commands": [
                        "show version",
                        "show ip interface brief",
                        "show running-config | include ^hostname",
                    ]
                },
            },
            {
                "name": "config first",
                "register": "first",
                "cisco.ios.ios_config": {
                    "parents": ["interface GigabitEthernet0/2"],
                    "lines": ["description managed by ansible", "ip address 10.2.2.1 255.255.255.0"],
                    "save_when": "modified",
                },
            },
            {
                "name": "config again",
                "register": "again",
                "cisco.ios.ios_config": {
                    "parents": ["interface GigabitEthernet0/2"],
                    "lines": ["description managed by ansible", "ip address 10.2.2.1 255.255.255.0"],
                    "save_when": "modified",
                },
            },
            {
                "name": "flat lines",
                "register": "flat",
                "cisco.ios.ios_config": {
                    "lines": ["ip domain name ansible.test", "ip name-server 10.0.0.53"]
                },
            },
        ],
    }
]

FACTS_TASK = {"name": "facts", "cisco.ios.ios_facts": {"gather_subset": ["all"]}}


def run_playbook(
    tmp: Path, port: int, ssh_type: str, with_facts: bool, tasks: list[dict[str, Any]] | None = None
) -> dict[str, dict[str, Any]]:
    """Run the playbook (or `tasks` instead of its own) against R1 at `port`; results by task name."""
    play = [dict(PLAYBOOK[0])]
    own = PLAYBOOK[0]["tasks"] if tasks is None else tasks
    play[0]["tasks"] = [*own, *([FACTS_TASK] if with_facts else [])]
    (tmp / "project").mkdir(parents=True)
    (tmp / "inventory").mkdir()
    (tmp / "project" / "site.yml").write_text(yaml.safe_dump(play))
    inventory = {
        "all": {
            "hosts": {"R1": {"ansible_host": "127.0.0.1", "ansible_port": port}},
            "vars": {
                "ansible_connection": "ansible.netcommon.network_cli",
                "ansible_network_os": "cisco.ios.ios",
                "ansible_user": USER,
                "ansible_password": PASSWORD,
                "ansible_become": True,
                "ansible_become_method": "enable",
                "ansible_become_password": SECRET,
                "ansible_network_cli_ssh_type": ssh_type,
                "ansible_python_interpreter": sys.executable,
            },
        }
    }
    (tmp / "inventory" / "hosts.yml").write_text(yaml.safe_dump(inventory))
    bindir = str(Path(sys.executable).parent)
    env = {
        "PATH": f"{bindir}:{os.environ.get('PATH', '/usr/bin:/bin')}",
        "ANSIBLE_HOST_KEY_CHECKING": "False",
        "ANSIBLE_LIBSSH_HOST_KEY_CHECKING": "False",
        "ANSIBLE_PARAMIKO_HOST_KEY_CHECKING": "False",
        "ANSIBLE_LOCAL_TEMP": str(tmp / "tmp"),
        "ANSIBLE_PERSISTENT_CONTROL_PATH_DIR": str(tmp / "pc"),
        "ANSIBLE_PERSISTENT_COMMAND_TIMEOUT": "60",
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_RETRY_FILES_ENABLED": "False",
        "ANSIBLE_COLLECTIONS_PATH": str(Path(ansible_runner.__file__).parents[1]),
    }
    result = ansible_runner.run(private_data_dir=str(tmp), playbook="site.yml", envvars=env, quiet=True)
    by_task: dict[str, dict[str, Any]] = {}
    for event in result.events:
        data = event.get("event_data", {})
        if event.get("event") in ("runner_on_ok", "runner_on_failed"):
            by_task[data["task"]] = {"failed": event["event"] == "runner_on_failed", **data.get("res", {})}
    assert result.rc == 0, (result.stdout.read(), by_task)
    return by_task


@pytest.mark.parametrize("ssh_type", ["paramiko", "libssh"])
def test_network_cli(ssh_type: str, emulator: ThreadedEmulator, tmp_path: Path) -> None:
    if ssh_type == "libssh":
        pytest.importorskip("pylibsshext")
    device = emulator.hosts["R1"].device
    tasks = run_playbook(tmp_path, emulator.hosts["R1"].port, ssh_type, with_facts=ssh_type == "paramiko")
    version, brief, hostname = tasks["commands"]["stdout"]
    assert version.startswith("Cisco IOS Software, IOSv Software")
    assert "GigabitEthernet0/0" in brief
    assert hostname == "hostname R1"
    first, again = tasks["config first"], tasks["config again"]
    if ssh_type == "paramiko":
        assert first["changed"] is True
        assert first["updates"] == [
            "interface GigabitEthernet0/2",
            "description managed by ansible",
            "ip address 10.2.2.1 255.255.255.0",
        ]
    assert again["changed"] is False
    assert device.config.interfaces["GigabitEthernet0/2"].description == "managed by ansible"
    assert "description managed by ansible" in (device.startup_text() or "")
    assert tasks["flat lines"]["failed"] is False
    assert device.config.domain_name == "ansible.test"
    if ssh_type == "paramiko":
        facts = tasks["facts"]["ansible_facts"]
        assert facts["ansible_net_hostname"] == "R1"
        assert facts["ansible_net_version"] == "15.8(3)M2"
        assert facts["ansible_net_model"] == "IOSv"
        assert facts["ansible_net_iostype"] == "IOS"
        assert facts["ansible_net_image"] == "flash0:/vios-adventerprisek9-m"
        assert "10.2.2.1" in facts["ansible_net_all_ipv4_addresses"]
        assert facts["ansible_net_interfaces"]["GigabitEthernet0/2"]["description"] == "managed by ansible"
        assert facts["ansible_net_filesystems"] == ["flash0:"]
        assert facts["ansible_net_config"].startswith("Building configuration...")
        assert facts["ansible_net_neighbors"] == {}
