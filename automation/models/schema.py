"""Schemas of a site's files, exactly as written on disk (no derivation here).

All models are frozen and forbid unknown keys, so a misspelt key is reported, never ignored.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

NodeName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_-]{0,19}$")]
VlanName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,32}$")]
DomainName = Annotated[
    str, StringConstraints(max_length=253, pattern=r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
]
VlanId = Annotated[int, Field(ge=1, le=4094)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- Nornir SimpleInventory files -------------------------------------------------------------


class HostData(Strict):
    services: list[Literal["dns", "mail", "web"]] = []
    role: Literal["router", "switch", "server"] | None = None


class HostEntry(Strict):
    hostname: ipaddress.IPv4Address
    groups: list[str] = Field(min_length=1)
    platform: str | None = None
    port: int | None = Field(default=None, ge=1, le=65535)
    data: HostData = HostData()


class GroupData(Strict):
    role: Literal["router", "switch", "server"]


class GroupEntry(Strict):
    platform: str
    data: GroupData
    port: int | None = Field(default=None, ge=1, le=65535)


class Defaults(Strict):
    port: int = Field(default=22, ge=1, le=65535)
    connection_options: dict[str, dict[str, object]] = {}


# --- topology.yaml ----------------------------------------------------------------------------

_END = re.compile(r"^(\S+)\s+(\S+)$")


class Pc(Strict):
    name: NodeName
    department: str | None = None
    vlan: VlanId | None = None
    address: ipaddress.IPv4Address | None = None


class Cable(Strict):
    a: str
    b: str

    @field_validator("a", "b")
    @classmethod
    def _end_form(cls, value: str) -> str:
        if not _END.match(value.strip()):
            raise ValueError("a cable end is 'NODE INTERFACE', e.g. 'R1 GigabitEthernet0/1'")
        return " ".join(value.split())


class Topology(Strict):
    pcs: list[Pc] = []
    cables: list[Cable] = Field(min_length=1)


# --- site.yaml ----------------------------------------------------------------------------------


class Vlan(Strict):
    id: VlanId
    name: VlanName
    subnet: ipaddress.IPv4Network
    router: NodeName | None = None
    dhcp: NodeName | None = None


class NativeVlan(Strict):
    id: VlanId
    name: VlanName


class Department(Strict):
    name: Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9 _-]{0,31}$")]
    vlan: VlanId


class Link(Strict):
    subnet: ipaddress.IPv4Network
    between: list[NodeName] = Field(min_length=2, max_length=2)


class Ospf(Strict):
    process: int = Field(default=1, ge=1, le=65535)
    area: int = Field(default=0, ge=0)


class Dhcp(Strict):
    reserved_first: int = Field(default=9, ge=1, le=200)
    lease_days: int = Field(default=1, ge=1, le=365)


class DnsRecord(Strict):
    name: Annotated[str, StringConstraints(pattern=r"^(@|[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)$")]
    type: Literal["A", "MX", "CNAME"]
    target: str
    priority: int | None = Field(default=None, ge=0, le=65535)


class DnsZone(Strict):
    name: DomainName
    records: list[DnsRecord] = []


class Dns(Strict):
    server: NodeName
    zones: list[DnsZone] = Field(min_length=1)


class MailUser(Strict):
    name: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9._-]{0,31}$")]
    pc: NodeName | None = None


class Mail(Strict):
    domain: DomainName
    server: NodeName
    users: list[MailUser] = Field(min_length=1)


class Web(Strict):
    server: NodeName
    hostname: DomainName
    title: str = "Welcome"


class SiteFile(Strict):
    name: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]{0,31}$")]
    description: str = ""
    domain: DomainName
    vlans: list[Vlan] = Field(min_length=1)
    native_vlan: NativeVlan | None = None
    departments: list[Department] = []
    links: list[Link] = []
    ospf: Ospf | None = None
    dhcp: Dhcp = Dhcp()
    dns: Dns | None = None
    mail: Mail | None = None
    web: Web | None = None
