"""A Nornir processor that shows per-host progress with rich, for people at a terminal."""

from __future__ import annotations

import threading
import time

from nornir.core.inventory import Host
from nornir.core.task import AggregatedResult, MultiResult, Task
from rich.console import Console
from rich.live import Live
from rich.table import Table


class RichProgress:
    """Processor: one row per host, updated as its task starts and ends."""

    def __init__(self, title: str, console: Console | None = None) -> None:
        self.title = title
        self.console = console or Console(stderr=True)
        self.rows: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()
        self._live: Live | None = None

    def _table(self) -> Table:
        table = Table(title=self.title, show_edge=False)
        table.add_column("host")
        table.add_column("state")
        table.add_column("seconds", justify="right")
        for host, (state, started) in sorted(self.rows.items()):
            table.add_row(host, state, f"{time.monotonic() - started:.1f}" if state == "running" else "")
        return table

    def _update(self, host: str, state: str) -> None:
        with self._lock:
            started = self.rows.get(host, (state, time.monotonic()))[1]
            self.rows[host] = (state, started if state != "running" else time.monotonic())
            if self._live:
                self._live.update(self._table())

    def task_started(self, task: Task) -> None:
        self._live = Live(self._table(), console=self.console, refresh_per_second=4, transient=True)
        self._live.start()

    def task_completed(self, task: Task, result: AggregatedResult) -> None:
        if self._live:
            self._live.stop()
            self._live = None

    def task_instance_started(self, task: Task, host: Host) -> None:
        self._update(host.name, "running")

    def task_instance_completed(self, task: Task, host: Host, result: MultiResult) -> None:
        self._update(host.name, "[red]failed[/red]" if result.failed else "[green]done[/green]")

    def subtask_instance_started(self, task: Task, host: Host) -> None:
        return None

    def subtask_instance_completed(self, task: Task, host: Host, result: MultiResult) -> None:
        return None
