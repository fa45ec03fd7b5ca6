"""Nornir tasks, one verb_noun each. Tasks return Results; failures are data, never prints."""

from __future__ import annotations

from automation.tasks.config import IOS_ERROR, deploy_config, render_config, save_config
from automation.tasks.running import get_running_config

__all__ = ["IOS_ERROR", "deploy_config", "get_running_config", "render_config", "save_config"]
