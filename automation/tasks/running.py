"""Read a device's running config: the one task that both deploy (tasks.config) and drift use."""

from __future__ import annotations

from nornir.core.task import Result, Task

from automation.errors import DeviceError
from automation.platforms.cisco_ios import RUNNING_CONFIG_MARKER


def get_running_config(task: Task) -> Result:
    conn = task.host.get_connection("netmiko", task.nornir.config)
    conn.enable()
    output = conn.send_command("show running-config", read_timeout=60)
    if RUNNING_CONFIG_MARKER not in output:
        # Never mistake an error or a half-read output for a config: remediation would rebuild it all.
        first = output.strip().splitlines()[:3]
        raise DeviceError(f"{task.host.name}: show running-config returned no configuration: {first}")
    return Result(host=task.host, result=output)
