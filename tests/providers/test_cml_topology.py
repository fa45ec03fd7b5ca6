"""The cml target's lab YAML, offline: our schema, and the topology shape virl2-client reads."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from providers_support import copy_site
from pydantic import ValidationError

from automation.models.load import load_site
from automation.providers.cml import CMLProvider
from automation.providers.cml.schema import Topology


@pytest.mark.parametrize("name", ["mastertech", "lab06"])
def test_lab_yaml_passes_our_schema_with_day0_per_node(name: str, tmp_path: Path) -> None:
    site = load_site(copy_site(tmp_path, name))
    text = CMLProvider(site).lab_yaml()
    topology = Topology.model_validate(yaml.safe_load(text))
    labels = {n.label: n for n in topology.nodes}
    for node in site.nodes:
        assert labels[node.name].configuration, node.name
    devices = [labels[n] for n in site.devices()]
    assert all("ip ssh version 2" in (d.configuration or "") for d in devices)
    assert len(topology.links) == len(site.cables) + len(site.nodes) + 1  # + management uplink


def test_schema_refuses_a_link_to_a_missing_interface(tmp_path: Path) -> None:
    raw = yaml.safe_load(CMLProvider(load_site(copy_site(tmp_path))).lab_yaml())
    raw["links"][0]["i1"] = "i99"
    with pytest.raises(ValidationError, match="unknown interface i99"):
        Topology.model_validate(raw)
