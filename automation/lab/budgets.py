"""Every wait of the embedded lab in one place: how long before it gives up, how often it looks.

Seconds. The defaults hold on a loaded 2-core machine.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LabBudgets:
    up: float = 90.0  # spawning the controller to every node reachable
    device_ssh: float = 30.0  # every device's SSH endpoint answering after the emulator started
    process_stop: float = 3.0  # a process exiting on SIGTERM before SIGKILL
    controller_stop: float = 20.0  # the controller tearing its lab down by itself
    namespace_gone: float = 5.0  # the kernel releasing a deleted namespace's links
    server_start: float = 30.0  # a server node's init building its root and sshd answering
    server_stop: float = 10.0  # a server node's services exiting on SIGTERM before SIGKILL
    server_pid1: float = 5.0  # `unshare` forking the node's PID 1
    service_start: float = 30.0  # `service NAME start` inside a server node
    frr_zserv: float = 5.0  # zebra opening its API socket
    # A daemon reading its config and opening its vty: tens of milliseconds when idle; under load
    # (another lab, Ansible) it has been seen to take well over a second.
    frr_vty: float = 15.0
    listener_reopen: float = 10.0  # reopening an emulator SSH listener
    supervise_stop: float = 2.0  # `lab down` waiting for a supervision pass to end


@dataclass(frozen=True)
class LabIntervals:
    poll: float = 0.02  # a local condition (a file, a process, a namespace)
    launcher: float = 0.05  # the state file, while the controller starts
    ssh: float = 0.05  # an SSH banner
    server: float = 0.1  # a server node's sshd through its forwarder
    supervise: float = 0.25  # one check of every daemon


BUDGETS = LabBudgets()
INTERVALS = LabIntervals()
