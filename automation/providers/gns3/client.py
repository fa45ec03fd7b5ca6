"""A thin typed client of the GNS3 v3 API (httpx): JWT login, one re-login on an expired token,
and errors that say what to do.

Only the calls the gns3 target uses are here; each returns the API's objects as models.
The password and the token never reach a log line or an error message.
"""

from __future__ import annotations

import json
import logging
from types import TracebackType
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel

from automation.errors import LabError, UsageError
from automation.providers.gns3.models import (
    Compute,
    Image,
    Link,
    Node,
    Project,
    Template,
    Token,
    Variable,
    Version,
)  # fmt: skip
from automation.providers.gns3.settings import Gns3Settings

log = logging.getLogger(__name__)
M = TypeVar("M", bound=BaseModel)

TIMEOUT = 60.0  # seconds per request: node creation on a busy compute can take a while

# Known refusals of a compute, and what the user should do about each.
_HINTS = (
    ("qemu-img", "install qemu-utils (qemu-img) on the GNS3 server that runs this compute"),
    ("QEMU binary", "install qemu (qemu-system-x86) on the GNS3 server that runs this compute"),
    ("uBridge", "install ubridge on the GNS3 server (GNS3's installers do), or set management.cloud: null"),
    ("Dynamips", "install dynamips on the GNS3 server, or set management.switch.template in targets.yaml"),
    ("could not be found in the controller database", "upload the image in GNS3 (Images) first"),
    ("is missing", "upload the image in GNS3 (Images) or put it in the server's images folder"),
    ("VPCS", "install VPCS >= 0.6.1 on the GNS3 server"),
)


class Gns3Error(LabError):
    """GNS3 refused or failed a request; the message names the call and the fix."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class Gns3AuthError(UsageError):
    """GNS3 did not accept the credentials (GNS3_USER / GNS3_PASSWORD)."""


def _message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except (json.JSONDecodeError, ValueError):
        return response.text[:300]
    if isinstance(body, dict):
        return str(body.get("message") or body.get("detail") or body)[:300]
    return str(body)[:300]


def hint_for(message: str) -> str:
    """What to do about a compute's refusal (HTTP 409), from its message."""
    for marker, hint in _HINTS:
        if marker.lower() in message.lower():
            return hint
    return "fix it in GNS3 and run the command again"


class Gns3Client:
    """One session with a GNS3 controller: `with Gns3Client(settings) as api: api.projects()`."""

    def __init__(self, settings: Gns3Settings, transport: httpx.BaseTransport | None = None) -> None:
        self.settings = settings
        self._http = httpx.Client(base_url=settings.url.rstrip("/"), timeout=TIMEOUT, transport=transport)
        self._token: Token | None = None

    def __enter__(self) -> Gns3Client:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    # --- plumbing -------------------------------------------------------------------------------

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = dict(kwargs.pop("headers", {}) or {})
        if self._token is not None:
            headers["Authorization"] = f"Bearer {self._token.access_token}"
        try:
            return self._http.request(method, path, headers=headers, **kwargs)
        except httpx.HTTPError as exc:
            raise Gns3Error(
                f"cannot reach GNS3 at {self.settings.url} ({type(exc).__name__}: {exc}); "
                "start the server or set GNS3_URL"
            ) from None

    def request(self, method: str, path: str, what: str, **kwargs: Any) -> httpx.Response:
        """Send one request; log in first, and once more when the token has expired."""
        if self._token is None:
            self.login()
        response = self._send(method, path, **kwargs)
        if response.status_code == 401:
            log.info("GNS3 %s: token refused (%s); logging in again", self.settings.url, _message(response))
            self.login()
            response = self._send(method, path, **kwargs)
            if response.status_code == 401:
                raise Gns3AuthError(
                    f"GNS3 at {self.settings.url} refused a fresh token for {what} ({_message(response)}); "
                    "check the server's clock and JWT settings"
                )
        self._check(response, what)
        return response

    def _check(self, response: httpx.Response, what: str) -> None:
        code = response.status_code
        if code < 400:
            return
        message = _message(response)
        url = self.settings.url
        if code == 403:
            raise Gns3AuthError(
                f"GNS3 user {self.settings.user!r} may not {what} on {url} ({message}); "
                "give the user that privilege in GNS3 (a role with it) or set GNS3_USER to one that has it"
            )
        if code == 404:
            raise Gns3Error(f"GNS3 at {url}: {what}: not found ({message}); check the name or id", code)
        if code == 409:
            raise Gns3Error(f"GNS3 at {url} refused to {what}: {message}; {hint_for(message)}", code)
        raise Gns3Error(f"GNS3 at {url}: {what} failed with HTTP {code} ({message})", code)

    def _get(self, model: type[M], path: str, what: str) -> M:
        return model.model_validate(self.request("GET", path, what).json())

    def _list(self, model: type[M], path: str, what: str) -> list[M]:
        return [model.model_validate(item) for item in self.request("GET", path, what).json()]

    def _post(self, model: type[M], path: str, what: str, body: dict[str, Any]) -> M:
        return model.model_validate(self.request("POST", path, what, json=body).json())

    # --- authentication -------------------------------------------------------------------------

    def version(self) -> Version:
        """The server's version; needs no login. A 404 means a server without API v3."""
        response = self._send("GET", "/v3/version")
        if response.status_code == 404:
            raise Gns3Error(
                f"{self.settings.url} has no GNS3 API v3 (/v3/version: 404); use a GNS3 3.x server"
            )
        self._check(response, "read the version")
        return Version.model_validate(response.json())

    def login(self) -> None:
        self._token = None
        body = {"username": self.settings.user, "password": self.settings.password}
        response = self._send("POST", "/v3/access/users/authenticate", json=body)
        if response.status_code == 401:
            raise Gns3AuthError(
                f"GNS3 at {self.settings.url} refused user {self.settings.user!r}: wrong user or password; "
                "set GNS3_USER and GNS3_PASSWORD (or gns3_password in the vault)"
            )
        self._check(response, "log in")
        self._token = Token.model_validate(response.json())

    def use_token(self, token: str) -> None:
        """Start from a token already held (a saved session); it is replaced when it expires."""
        self._token = Token(access_token=token)

    # --- controller -------------------------------------------------------------------------------

    def computes(self) -> list[Compute]:
        return self._list(Compute, "/v3/computes", "list computes")

    def images(self) -> list[Image]:
        return self._list(Image, "/v3/images", "list images")

    def upload_image(self, filename: str, data: bytes) -> None:
        self.request("POST", f"/v3/images/upload/{filename}", f"upload image {filename}", content=data)

    def templates(self) -> list[Template]:
        return self._list(Template, "/v3/templates", "list templates")

    def create_template(self, body: dict[str, Any]) -> Template:
        return self._post(Template, "/v3/templates", f"create template {body.get('name')}", body)

    def delete_template(self, template_id: str) -> None:
        self.request("DELETE", f"/v3/templates/{template_id}", "delete a template")

    # --- projects -------------------------------------------------------------------------------

    def projects(self) -> list[Project]:
        return self._list(Project, "/v3/projects", "list projects")

    def create_project(self, name: str) -> Project:
        return self._post(Project, "/v3/projects", f"create project {name}", {"name": name})

    def open_project(self, project_id: str) -> Project:
        return self._post(Project, f"/v3/projects/{project_id}/open", "open the project", {})

    def set_variables(self, project_id: str, variables: list[Variable]) -> Project:
        body = {"variables": [v.model_dump() for v in variables]}
        response = self.request("PUT", f"/v3/projects/{project_id}", "update the project", json=body)
        return Project.model_validate(response.json())

    def delete_project(self, project_id: str) -> None:
        self.request("DELETE", f"/v3/projects/{project_id}", "delete the project")

    # --- nodes and links --------------------------------------------------------------------------

    def nodes(self, project_id: str) -> list[Node]:
        return self._list(Node, f"/v3/projects/{project_id}/nodes", "list nodes")

    def node(self, project_id: str, node_id: str) -> Node:
        return self._get(Node, f"/v3/projects/{project_id}/nodes/{node_id}", "read a node")

    def create_node(self, project_id: str, body: dict[str, Any]) -> Node:
        return self._post(Node, f"/v3/projects/{project_id}/nodes", f"create node {body.get('name')}", body)

    def node_from_template(
        self, project_id: str, template: Template, name: str, body: dict[str, Any]
    ) -> Node:
        path = f"/v3/projects/{project_id}/templates/{template.template_id}"
        return self._post(Node, path, f"create node {name} from template {template.name}", body)

    def update_node(self, project_id: str, node_id: str, body: dict[str, Any]) -> Node:
        response = self.request(
            "PUT", f"/v3/projects/{project_id}/nodes/{node_id}", "update a node", json=body
        )
        return Node.model_validate(response.json())

    def delete_node(self, project_id: str, node_id: str) -> None:
        self.request("DELETE", f"/v3/projects/{project_id}/nodes/{node_id}", "delete a node")

    def start_node(self, project_id: str, node: Node) -> None:
        self.request(
            "POST", f"/v3/projects/{project_id}/nodes/{node.node_id}/start", f"start {node.name}", json={}
        )

    def stop_node(self, project_id: str, node: Node) -> None:
        self.request(
            "POST", f"/v3/projects/{project_id}/nodes/{node.node_id}/stop", f"stop {node.name}", json={}
        )

    def write_node_file(self, project_id: str, node_id: str, path: str, data: bytes) -> None:
        url = f"/v3/projects/{project_id}/nodes/{node_id}/files/{path}"
        self.request("POST", url, f"write {path} to a node", content=data)

    def read_node_file(self, project_id: str, node_id: str, path: str) -> bytes:
        url = f"/v3/projects/{project_id}/nodes/{node_id}/files/{path}"
        return self.request("GET", url, f"read {path} of a node").content

    def links(self, project_id: str) -> list[Link]:
        return self._list(Link, f"/v3/projects/{project_id}/links", "list links")

    def create_link(self, project_id: str, ends: list[dict[str, Any]], what: str) -> Link:
        return self._post(Link, f"/v3/projects/{project_id}/links", f"create link {what}", {"nodes": ends})
