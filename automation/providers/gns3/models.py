"""The GNS3 v3 API's objects, as far as the toolkit reads them (other fields are ignored)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Api(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Version(Api):
    version: str
    local: bool = False


class Token(Api):
    access_token: str
    token_type: str = "bearer"

    def __repr__(self) -> str:  # never in a log or a traceback
        return "Token(access_token='***')"

    __str__ = __repr__


class Compute(Api):
    compute_id: str
    name: str = ""
    connected: bool = False


class Image(Api):
    filename: str
    image_type: str = ""


class Template(Api):
    template_id: str
    name: str
    template_type: str = ""
    compute_id: str | None = None
    create_config_disk: bool = False
    adapters: int | None = None
    port_name_format: str | None = None
    port_segment_size: int | None = None
    builtin: bool = False


class Variable(Api):
    name: str
    value: str = ""


class Project(Api):
    project_id: str
    name: str
    status: str = "opened"
    variables: list[Variable] | None = None

    def variable(self, name: str) -> str | None:
        for v in self.variables or []:
            if v.name == name:
                return v.value
        return None


class NodePort(Api):
    name: str
    adapter_number: int
    port_number: int
    short_name: str = ""


class Node(Api):
    node_id: str
    name: str
    node_type: str
    compute_id: str = "local"
    status: str = "stopped"
    console: int | None = None
    console_host: str | None = None
    console_type: str | None = None
    x: int = 0
    y: int = 0
    template_id: str | None = None
    ports: list[NodePort] = Field(default_factory=list)
    properties: dict[str, Any] = Field(default_factory=dict)

    def port_named(self, name: str) -> NodePort | None:
        return next((p for p in self.ports if p.name == name or p.short_name == name), None)


class LinkEnd(Api):
    node_id: str
    adapter_number: int
    port_number: int


class Link(Api):
    link_id: str
    nodes: list[LinkEnd]
