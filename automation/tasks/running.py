"""Read a device's running config: the one task that both deploy (tasks.config) and drift use."""

from __future__ import annotations

from nornir.core.task import Result, Task

from automation.errors import DeviceError
from automation.platforms.cisco_ios import RUNNING_CONFIG_MARKER
from automation.tasks.session import session


def get_running_config(task: Task) -> Result:
    output = session(task).run("show running-config")
    return Result(host=task.host, result=checked_running_config(task, output))


def checked_running_config(task: Task, output: str) -> str:
    """`show running-config` output, once it is sure to be one."""
    if RUNNING_CONFIG_MARKER not in output:
        # Never mistake an error or a half-read output for a config: remediation would rebuild it all.
        first = output.strip().splitlines()[:3]
        raise DeviceError(f"{task.host.name}: show running-config returned no configuration: {first}")
    return output
