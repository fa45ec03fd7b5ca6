"""Our own small schema of a CML 2.x lab topology (schema version 0.2.x / 0.3.0), checked before a
lab is sent: ids unique, every link end a real interface, each interface cabled once."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class LabInfo(Strict):
    title: str = Field(min_length=1, max_length=64)
    description: str = ""
    notes: str = ""
    version: Literal["0.2.0", "0.2.1", "0.2.2", "0.3.0"] = "0.2.2"


class Interface(Strict):
    id: str
    label: str
    slot: int | None = Field(default=None, ge=0)
    type: Literal["physical", "loopback"] = "physical"


class Node(Strict):
    id: str
    label: str = Field(min_length=1, max_length=128)
    node_definition: str
    x: int
    y: int
    configuration: str | None = None
    image_definition: str | None = None
    tags: list[str] = Field(default_factory=list)
    interfaces: list[Interface]


class Link(Strict):
    id: str
    n1: str
    i1: str
    n2: str
    i2: str
    label: str | None = None


class Topology(Strict):
    lab: LabInfo
    nodes: list[Node]
    links: list[Link]

    @model_validator(mode="after")
    def _references(self) -> Topology:
        nodes = {n.id: n for n in self.nodes}
        if len(nodes) != len(self.nodes):
            raise ValueError("node ids must be unique")
        if len({n.label for n in self.nodes}) != len(self.nodes):
            raise ValueError("node labels must be unique")
        if len({link.id for link in self.links}) != len(self.links):
            raise ValueError("link ids must be unique")
        cabled: set[tuple[str, str]] = set()
        for link in self.links:
            for node_id, iface in ((link.n1, link.i1), (link.n2, link.i2)):
                node = nodes.get(node_id)
                if node is None:
                    raise ValueError(f"link {link.id} names unknown node {node_id}")
                if iface not in {i.id for i in node.interfaces}:
                    raise ValueError(f"link {link.id} names unknown interface {iface} of {node.label}")
                if (node_id, iface) in cabled:
                    raise ValueError(f"interface {iface} of {node.label} has two links")
                cabled.add((node_id, iface))
        return self
