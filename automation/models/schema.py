"""Schemas of a site's files, exactly as written on disk (no derivation here), and `SiteFiles`.

All models are frozen and forbid unknown keys, so a misspelt key is reported, never ignored.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

from automation.errors import printable
from automation.models.design import CableEnd
from automation.models.files import kind_of
from automation.platforms.cisco_ios import RESERVED_VLANS

# Every error kind raised here has its fix in automation.models.files._KIND_FIX.


def _shown(value: str) -> str:
    return repr(value if len(value) <= 60 else value[:57] + "...")


def _pattern(kind: str, regex: str, what: str, max_length: int) -> Callable[[str], str]:
    compiled = re.compile(regex)

    def check(value: str) -> str:
        if len(value) > max_length or not compiled.fullmatch(value):
            raise PydanticCustomError(kind, "{value} is not " + what, {"value": _shown(value)})
        return value

    return check


def _one_line(value: str) -> str:
    if len(value) > 1000 or printable(value) != value:
        raise PydanticCustomError(
            "one_line", "{value} is not one line of printable text", {"value": _shown(value)}
        )
    return value


def _not_reserved(vid: int) -> int:
    if vid in RESERVED_VLANS:
        raise PydanticCustomError("vlan_reserved", "VLAN {vid} is reserved by IOS (1002-1005)", {"vid": vid})
    return vid


IP = TypeVar("IP", ipaddress.IPv4Address, ipaddress.IPv4Network)


def _ipv4(kind: str, parse: type[IP], what: str) -> Callable[[object], IP]:
    """A validator that reads an address (or network) from text only, with the reason it is wrong."""

    def check(value: object) -> IP:
        if isinstance(value, parse):
            return value
        # An unquoted 3232238090 or a list must not quietly become an address: addresses are text.
        if not isinstance(value, str):
            raise PydanticCustomError(
                "ip_text", "an address must be text, not {kind}", {"kind": kind_of(value)}
            )
        try:
            return parse(value)
        except ValueError as exc:
            raise PydanticCustomError(
                kind, "{value} is not " + what + " ({reason})", {"value": _shown(value), "reason": str(exc)}
            ) from None

    return check


IPv4Addr = Annotated[
    ipaddress.IPv4Address, BeforeValidator(_ipv4("ip_address", ipaddress.IPv4Address, "an IPv4 address"))
]
IPv4Net = Annotated[
    ipaddress.IPv4Network, BeforeValidator(_ipv4("ip_network", ipaddress.IPv4Network, "an IPv4 network"))
]
NodeName = Annotated[
    StrictStr, AfterValidator(_pattern("node_name", r"[A-Za-z][A-Za-z0-9_-]*", "a valid node name", 20))
]
# A reference to a node is checked against the nodes defined, not against the naming rules: a node
# whose own name is invalid is reported once where it is defined, not again at every use.
NodeRef = StrictStr
VlanName = Annotated[
    StrictStr, AfterValidator(_pattern("vlan_name", r"[A-Za-z0-9_-]+", "a valid VLAN name", 32))
]
DomainName = Annotated[
    StrictStr,
    AfterValidator(
        _pattern(
            "domain_name", r"([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}", "a valid domain name", 253
        )
    ),
]
DnsLabel = Annotated[
    StrictStr,
    AfterValidator(_pattern("dns_label", r"@|[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?", "a valid record name", 63)),
]
OneLine = Annotated[StrictStr, AfterValidator(_one_line)]
VlanId = Annotated[StrictInt, Field(ge=1, le=4094), AfterValidator(_not_reserved)]
Port = Annotated[StrictInt, Field(ge=1, le=65535)]

_DNS_TARGET = re.compile(r"@|([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\.?")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- Nornir SimpleInventory files -------------------------------------------------------------


class HostData(Strict):
    services: list[Literal["dns", "mail", "web"]] = []
    role: Literal["router", "switch", "server"] | None = None


class HostEntry(Strict):
    hostname: IPv4Addr
    groups: list[StrictStr] = Field(min_length=1)
    platform: StrictStr | None = None
    port: Port | None = None
    data: HostData = HostData()


class GroupData(Strict):
    role: Literal["router", "switch", "server"]


class GroupEntry(Strict):
    platform: StrictStr
    data: GroupData
    port: Port | None = None


Seconds = Annotated[StrictInt | StrictFloat, Field(gt=0, le=3600)]


class NetmikoExtras(Strict):
    """The netmiko options a site may set: timing only. Options that name files or commands
    (session_log, ssh_config_file with its ProxyCommand, key files) are the toolkit's to choose,
    never the inventory's: a hostile site could write a file or run a command with them."""

    fast_cli: StrictBool | None = None
    global_delay_factor: Annotated[StrictInt | StrictFloat, Field(gt=0, le=100)] | None = None
    read_timeout_override: Seconds | None = None
    conn_timeout: Seconds | None = None
    auth_timeout: Seconds | None = None
    banner_timeout: Seconds | None = None
    blocking_timeout: Seconds | None = None
    timeout: Seconds | None = None
    session_timeout: Seconds | None = None
    keepalive: Annotated[StrictInt, Field(ge=0, le=3600)] | None = None


class NetmikoOptions(Strict):
    extras: NetmikoExtras = NetmikoExtras()


class ConnectionOptionsEntry(Strict):
    netmiko: NetmikoOptions = NetmikoOptions()


class Defaults(Strict):
    port: Port = 22
    connection_options: ConnectionOptionsEntry = ConnectionOptionsEntry()


# --- topology.yaml ----------------------------------------------------------------------------

_END = re.compile(r"^(\S+)\s+(\S+)$")


class Pc(Strict):
    name: NodeName
    department: StrictStr | None = None
    vlan: VlanId | None = None
    address: IPv4Addr | None = None


def _cable_end(value: object) -> object:
    """'R1 GigabitEthernet0/1' read once into CableEnd(node, interface); what it names is checked later."""
    if not isinstance(value, str):
        raise PydanticCustomError("string_type", "Input should be a valid string")
    match = _END.match(value.strip())
    if not match:
        raise ValueError("a cable end is 'NODE INTERFACE', e.g. 'R1 GigabitEthernet0/1'")
    return CableEnd(node=match[1], interface=match[2])


class Cable(Strict):
    a: Annotated[CableEnd, BeforeValidator(_cable_end)]
    b: Annotated[CableEnd, BeforeValidator(_cable_end)]


class Topology(Strict):
    pcs: list[Pc] = []
    cables: list[Cable] = Field(min_length=1)


# --- site.yaml ----------------------------------------------------------------------------------


class Vlan(Strict):
    id: VlanId
    name: VlanName
    subnet: IPv4Net
    router: NodeRef | None = None
    dhcp: NodeRef | None = None


class NativeVlan(Strict):
    id: VlanId
    name: VlanName


class Department(Strict):
    name: Annotated[
        StrictStr,
        AfterValidator(
            _pattern("department_name", r"[A-Za-z][A-Za-z0-9 _-]*", "a valid department name", 32)
        ),
    ]
    vlan: VlanId


class Link(Strict):
    subnet: IPv4Net
    between: list[NodeRef] = Field(min_length=2, max_length=2)


class Ospf(Strict):
    process: Annotated[StrictInt, Field(ge=1, le=65535)] = 1
    area: Annotated[StrictInt, Field(ge=0, le=4_294_967_295)] = 0  # 32 bits, as IOS writes area 0.0.0.0


class Dhcp(Strict):
    reserved_first: Annotated[StrictInt, Field(ge=1, le=200)] = 9
    lease_days: Annotated[StrictInt, Field(ge=1, le=365)] = 1


class DnsRecord(Strict):
    name: DnsLabel
    type: Literal["A", "MX", "CNAME"]
    target: StrictStr
    priority: Annotated[StrictInt, Field(ge=0, le=65535)] | None = None

    @field_validator("target")
    @classmethod
    def _target_form(cls, value: str, info: ValidationInfo) -> str:
        # An A record names a node or an address (checked against the site later); an MX or
        # CNAME target is a host name, which BIND refuses in any other form.
        if info.data.get("type") in {"MX", "CNAME"} and (
            len(value) > 253 or not _DNS_TARGET.fullmatch(value)
        ):
            raise PydanticCustomError(
                "dns_target", "{value} is not a valid host name for this record", {"value": _shown(value)}
            )
        return value

    @field_validator("priority")
    @classmethod
    def _mx_only(cls, value: int | None, info: ValidationInfo) -> int | None:
        if value is not None and info.data.get("type", "MX") != "MX":
            raise PydanticCustomError(
                "mx_only", "{type} records have no priority", {"type": info.data.get("type")}
            )
        return value


class DnsZone(Strict):
    name: DomainName
    records: list[DnsRecord] = []


class Dns(Strict):
    server: NodeRef
    zones: list[DnsZone] = Field(min_length=1)


class MailUser(Strict):
    name: Annotated[
        StrictStr,
        AfterValidator(_pattern("mail_user", r"[a-z][a-z0-9._-]*", "a valid mailbox name", 32)),
    ]
    pc: NodeRef | None = None


class Mail(Strict):
    domain: DomainName
    server: NodeRef
    users: list[MailUser] = Field(min_length=1)


class Web(Strict):
    server: NodeRef
    hostname: DomainName
    title: OneLine = "Welcome"


class SiteFile(Strict):
    name: Annotated[
        StrictStr, AfterValidator(_pattern("site_name", r"[a-z][a-z0-9_-]*", "a valid site name", 32))
    ]
    description: OneLine = ""
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


@dataclass(frozen=True)
class SiteFiles:
    """The five files of a site directory, each read and checked against its schema."""

    directory: Path
    hosts: Mapping[str, HostEntry]
    groups: Mapping[str, GroupEntry]
    defaults: Defaults
    topology: Topology
    site: SiteFile
