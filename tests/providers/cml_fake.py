"""CML 2.10 API exchanges, served by respx to the real virl2-client.

Each exchange is a named respx route: the request as virl2-client 2.10.1 sends it (method and
path, captured by running it against these routes) and the answer a CML 2.10 controller gives,
modelled on the API virl2-client reads (no live controller was available to record from). The
controller's state is the lab we imported: `import` turns our lab YAML into the topology JSON CML
answers with (links by interface ids, as CML stores them), so every later exchange speaks of our
nodes and interfaces.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import respx
import yaml

URL = "https://127.0.0.1"  # never reached: respx answers before any socket is opened
API = f"{URL}/api/v0"
LAB_ID = "9b6b6c1e-8f1e-4a4e-9d53-1c3f5a0e2b7d"
TOKEN = "recorded-jwt"
VERSION = "2.10.0+build.12"


class FakeCml:
    """A CML controller as recorded exchanges, with the one lab it holds."""

    def __init__(self, mock: respx.MockRouter, *, converged: bool = True) -> None:
        self.mock = mock
        self.converged = converged
        self.topology: dict[str, Any] | None = None  # the imported lab, as CML stores it
        self.title = ""
        self.state = "DEFINED_ON_CORE"
        self.addresses: dict[str, dict[str, str]] = {}  # node label -> interface label -> IPv4
        lab = f"{API}/labs/{LAB_ID}"
        routes = {
            "system_information": ("GET", f"{API}/system_information", self._system_information),
            "authenticate": ("POST", f"{API}/authenticate", lambda r: httpx.Response(200, json=TOKEN)),
            "authentication": ("GET", f"{API}/authentication", self._whoami),
            "populate_lab_tiles": ("GET", f"{API}/populate_lab_tiles", self._tiles),
            "import": ("POST", f"{API}/import", self._import),
            "topology": ("GET", f"{lab}/topology", self._topology),
            "start": ("PUT", f"{lab}/start", self._set("STARTED")),
            "check_if_converged": ("GET", f"{lab}/check_if_converged", self._converged),
            "state": ("GET", f"{lab}/state", lambda r: httpx.Response(200, json=self.state)),
            "nodes": ("GET", f"{lab}/nodes", self._nodes),
            "layer3_addresses": ("GET", f"{lab}/layer3_addresses", self._layer3),
            "stop": ("PUT", f"{lab}/stop", self._set("STOPPED")),
            "wipe": ("PUT", f"{lab}/wipe", self._set("DEFINED_ON_CORE")),
            "remove": ("DELETE", lab, self._remove),
        }
        for name, (method, url, answer) in routes.items():
            mock.route(method=method, url=url, name=name).mock(side_effect=answer)

    def calls(self, name: str) -> list[httpx.Request]:
        return [call.request for call in self.mock.routes[name].calls]

    # --- the answers ---------------------------------------------------------------------------

    def _system_information(self, request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"version": VERSION, "ready": True, "allow_ssh_pubkey_auth": False})

    def _whoami(self, request: httpx.Request) -> httpx.Response:
        if request.headers.get("authorization") != f"Bearer {TOKEN}":
            return httpx.Response(401, json={"description": "No authorization token provided."})
        return httpx.Response(
            200, json={"id": "00000000-0000-4000-a000-000000000000", "username": "admin", "admin": True}
        )

    def _tiles(self, request: httpx.Request) -> httpx.Response:
        tiles = {}
        if self.topology is not None:
            lab = self.topology["lab"]
            tiles[LAB_ID] = {
                "id": LAB_ID,
                "lab_title": lab["title"],
                "lab_description": lab["description"],
                "state": self.state,
                "node_count": len(self.topology["nodes"]),
            }
        return httpx.Response(200, json={"lab_tiles": tiles})

    def _import(self, request: httpx.Request) -> httpx.Response:
        raw = yaml.safe_load(request.content)
        self.title = request.url.params.get("title") or raw["lab"]["title"]
        self.topology = _as_stored(raw, self.title)
        return httpx.Response(200, json={"id": LAB_ID, "warnings": []})

    def _topology(self, request: httpx.Request) -> httpx.Response:
        if self.topology is None:
            return httpx.Response(404, json={"description": f"Lab not found: {LAB_ID}"})
        return httpx.Response(200, json=self.topology)

    def _set(self, state: str) -> Any:
        def answer(request: httpx.Request) -> httpx.Response:
            self.state = state
            return httpx.Response(204)

        return answer

    def _converged(self, request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=self.converged)

    def _nodes(self, request: httpx.Request) -> httpx.Response:
        assert self.topology is not None
        return httpx.Response(200, json=[n["id"] for n in self.topology["nodes"]])

    def _layer3(self, request: httpx.Request) -> httpx.Response:
        assert self.topology is not None
        out: dict[str, Any] = {}
        for node in self.topology["nodes"]:
            ifaces = {}
            for iface in node["interfaces"]:
                address = self.addresses.get(node["label"], {}).get(iface["label"])
                if address:
                    ifaces[iface["id"]] = {
                        "id": iface["id"],
                        "label": iface["label"],
                        "mac_address": "52:54:00:00:00:01",
                        "ip4": [address],
                        "ip6": [],
                    }
            out[node["id"]] = {"name": node["label"], "interfaces": ifaces}
        return httpx.Response(200, json=out)

    def _remove(self, request: httpx.Request) -> httpx.Response:
        self.topology = None
        return httpx.Response(204)


def _as_stored(raw: dict[str, Any], title: str) -> dict[str, Any]:
    """The topology JSON CML answers with for an imported lab YAML: ids made globally unique,
    links by interface ids (`interface_a`, `interface_b`)."""
    nodes, links = [], []
    iface_ids: dict[tuple[str, str], str] = {}
    for node in raw["nodes"]:
        interfaces = []
        for iface in node["interfaces"]:
            uid = f"{node['id']}-{iface['id']}"
            iface_ids[(node["id"], iface["id"])] = uid
            interfaces.append({**iface, "id": uid, "node": node["id"], "mac_address": None})
        stored = {k: v for k, v in node.items() if k != "interfaces"}
        nodes.append({**stored, "state": "DEFINED_ON_CORE", "interfaces": interfaces})
    for link in raw["links"]:
        links.append(
            {
                "id": link["id"],
                "interface_a": iface_ids[(link["n1"], link["i1"])],
                "interface_b": iface_ids[(link["n2"], link["i2"])],
                "label": link.get("label"),
            }
        )
    lab = {**raw["lab"], "title": title}
    return {"lab": lab, "nodes": nodes, "links": links}


def body(request: httpx.Request) -> Any:
    return json.loads(request.content) if request.content else None
