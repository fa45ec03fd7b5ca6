"""Nornir tasks, one verb_noun each. Tasks return Results; failures are data, never prints."""

from __future__ import annotations

from automation.tasks.config import deploy_config, push_config, save_config
from automation.tasks.running import get_running_config

__all__ = ["deploy_config", "get_running_config", "push_config", "save_config"]
