"""Secrets for the playbooks, straight from the toolkit's vault (automation/secrets.py).

    lookup('mastertech_secret', 'device_username')
    lookup('mastertech_secret', 'device_password')
    lookup('mastertech_secret', 'enable_secret')
    lookup('mastertech_secret', 'server_username')
    lookup('mastertech_secret', 'server_password')
    lookup('mastertech_secret', 'mail_password_hash', user, address)

Nothing secret is stored in the inventory or passed on a command line: the inventory refers to
this lookup, which reads the environment or the 0600 vault when Ansible needs the value. Mail
passwords are only ever handed out as Dovecot hashes.
"""

from __future__ import annotations

from typing import Any

from ansible.errors import AnsibleError
from ansible.plugins.lookup import LookupBase

DOCUMENTATION = """
name: mastertech_secret
short_description: credentials from the MasterTech vault
description: Device login and mail password hashes from the environment or the vault.
options:
  _terms:
    description: the kind of secret, then its arguments
    required: true
"""


class LookupModule(LookupBase):
    def run(self, terms: list[Any], variables: dict[str, Any] | None = None, **kwargs: Any) -> list[str]:
        # Only the light secrets module up front: this runs in every task's worker process (the
        # inventory's ansible_password refers to it), the renderer's import is much heavier.
        try:
            from automation.secrets import (
                device_credentials,
                enable_secret,
                mail_password,
                server_credentials,
            )
        except ImportError as exc:
            raise AnsibleError(
                "mastertech_secret needs the toolkit: run ansible from the project's .venv"
            ) from exc
        if not terms:
            raise AnsibleError("mastertech_secret: say which secret (device_password, ...)")
        kind, args = str(terms[0]), [str(t) for t in terms[1:]]
        if kind == "device_username":
            return [device_credentials().username]
        if kind == "device_password":
            return [device_credentials().password]
        if kind == "enable_secret":
            return [enable_secret()]
        if kind == "server_username":
            return [server_credentials().username]
        if kind == "server_password":
            return [server_credentials().password]
        if kind == "mail_password_hash" and len(args) == 2:
            from automation.render.linux import dovecot_password

            user, address = args
            return [dovecot_password(address, mail_password(user))]
        raise AnsibleError(f"mastertech_secret: unknown secret {kind!r} with {len(args)} arguments")
