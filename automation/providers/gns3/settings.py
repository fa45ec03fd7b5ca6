"""Where the GNS3 server is and who logs in: GNS3_URL, GNS3_USER, GNS3_PASSWORD (else the vault's
`gns3_password`, as automation.secrets keeps the other secrets). Never printed, never logged."""

from __future__ import annotations

import os
from dataclasses import dataclass

from automation.errors import UsageError
from automation.secrets import api_password

DEFAULT_URL = "http://127.0.0.1:3080"
DEFAULT_USER = "admin"
VAULT_KEY = "gns3_password"


@dataclass(frozen=True)
class Gns3Settings:
    url: str
    user: str
    password: str

    def __repr__(self) -> str:
        return f"Gns3Settings(url={self.url!r}, user={self.user!r}, password='***')"

    __str__ = __repr__


def gns3_settings() -> Gns3Settings:
    url = os.environ.get("GNS3_URL") or DEFAULT_URL
    if not url.startswith(("http://", "https://")):
        raise UsageError(f"GNS3_URL={url!r} is not an http(s) URL; set it like {DEFAULT_URL}")
    user = os.environ.get("GNS3_USER") or DEFAULT_USER
    password = api_password("GNS3_PASSWORD", VAULT_KEY, "GNS3 password")
    return Gns3Settings(url, user, password)
