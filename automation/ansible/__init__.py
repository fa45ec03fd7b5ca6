"""Ansible for the toolkit: an inventory exported from the site (`inventory`), and playbooks run
with ansible-runner (`runner`, imported when used: ansible-runner is slow to import)."""

from __future__ import annotations

from automation.ansible.inventory import PLAYBOOKS_DIR, export_inventory, unsafe, write_inventory

__all__ = ["PLAYBOOKS_DIR", "export_inventory", "unsafe", "write_inventory"]
