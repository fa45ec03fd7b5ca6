"""The acceptance tier: the main job on the embedded lab, once per site for the whole session.

`mastertech up --site S --json` builds the lab, deploys the devices, configures the servers,
verifies and runs the end-to-end checks, exactly as a user runs it. Every module that needs a
site's running lab asks `site_lab(name)`; the lab comes up on first use and goes down at the end
of the session, also when a test failed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from automation.models import Site, load_site
from automation.providers import Endpoint

ROOT = Path(__file__).resolve().parents[2]
MASTERTECH = Path(sys.executable).parent / "mastertech"


def mastertech(
    *args: str, timeout: float = 900, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the CLI as a user would (from the project root, inheriting the environment)."""
    return subprocess.run(
        [str(MASTERTECH), *args], capture_output=True, text=True, timeout=timeout, cwd=ROOT,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
    )  # fmt: skip


@dataclass
class SiteLab:
    site: Site
    up: dict[str, Any]  # the JSON of `mastertech up`
    up_output: str

    def status(self) -> dict[str, Any]:
        proc = mastertech("lab", "status", "--site", self.site.name, "--json")
        assert proc.returncode == 0, proc.stderr
        data: dict[str, Any] = json.loads(proc.stdout)
        return data

    def endpoints(self) -> dict[str, Endpoint]:
        return {
            n["name"]: Endpoint(n["mgmt"]["host"], n["mgmt"]["port"])
            for n in self.status()["nodes"]
            if n["mgmt"]
        }


@pytest.fixture(scope="session")
def site_lab() -> Iterator[Callable[[str], SiteLab]]:
    if os.geteuid() != 0:
        pytest.skip("the embedded lab needs root")
    # Hermetic: a lab directory and a vault of the session's own, so devices boot fresh with the
    # session's generated password and no user's lab or saved configs are touched.
    # Not under pytest's tmp tree: that is private (0700), and FRR reads its config as user frr.
    private = Path(tempfile.mkdtemp(prefix="mastertech-acceptance-"))
    private.chmod(0o755)
    saved = {k: os.environ.get(k) for k in ("MASTERTECH_LAB_DIR", "MASTERTECH_VAULT", "MASTERTECH_PASSWORD")}
    os.environ["MASTERTECH_LAB_DIR"] = str(private / "lab")
    os.environ["MASTERTECH_VAULT"] = str(private / "vault.yaml")
    os.environ.pop("MASTERTECH_PASSWORD", None)
    labs: dict[str, SiteLab] = {}

    def get(name: str) -> SiteLab:
        if name not in labs:
            site = load_site(ROOT / "inventory" / name)
            mastertech("down", "--site", name)  # a lab left by an earlier crashed run
            proc = mastertech("up", "--site", name, "--json")
            try:
                document = json.loads(proc.stdout)
            except json.JSONDecodeError:
                document = {"ok": False, "stages": []}
            labs[name] = SiteLab(site, document, proc.stdout + proc.stderr)
        return labs[name]

    try:
        yield get
    finally:
        for name in labs:
            mastertech("down", "--site", name)
        shutil.rmtree(private, ignore_errors=True)
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
