"""Routes of tunnels: enable_tunnel, remove_tunnel, create_pty_tunnel, and the engine's own ``open_tunnel_port``.

``LOCAL_ROUTES`` are not in the spec: ``POST /v1/devboxes/{id}/open_tunnel_port {"port": P}``
gives port ``P`` of the devbox's tunnel a host port and answers the tunnel's view, whose
``port_urls`` maps each served port to its URL (see :mod:`.service` for why tunnels here are
host ports). The SDK's ``devbox.net.tunnel_url(port)`` calls it when the devbox's tunnel view
has ``port_urls`` (that is, when it talks to this engine).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from starlette.requests import Request
from starlette.responses import Response

from runloop_api.types import EmptyRecord, TunnelConfig

from ..http.requests import Routes, app_state, json_body, respond
from .pty_service import PtyTunnelService
from .service import TunnelService

__all__ = ["LOCAL_ROUTES", "ROUTES", "OpenTunnelPort"]


class OpenTunnelPort(BaseModel):
    """The body of ``open_tunnel_port``."""

    model_config = ConfigDict(extra="forbid")
    port: int
    """A TCP port inside the devbox (1-65535)."""


def tunnels(request: Request) -> TunnelService:
    """The engine's tunnel service, kept in the app state."""
    return app_state(request, "tunnels", TunnelService)


async def enable_tunnel(request: Request) -> Response:
    config = await json_body(request, TunnelConfig, optional=True)
    return respond(tunnels(request).enable(request.path_params["id"], config))


async def remove_tunnel(request: Request) -> Response:
    await tunnels(request).remove(request.path_params["id"])
    return respond(EmptyRecord())


def pty_tunnels(request: Request) -> PtyTunnelService:
    """The engine's PTY tunnel service, kept in the app state."""
    return app_state(request, "pty_tunnels", PtyTunnelService)


async def create_pty_tunnel(request: Request) -> Response:
    server = request.scope.get("server")
    engine = (str(server[0]), int(server[1])) if server and server[1] is not None else None
    return respond(await pty_tunnels(request).create(request.path_params["id"], engine))


async def open_tunnel_port(request: Request) -> Response:
    body = await json_body(request, OpenTunnelPort)
    return respond(await tunnels(request).open_port(request.path_params["id"], body.port))


ROUTES: Routes = [
    ("POST", "/v1/devboxes/{id}/enable_tunnel", enable_tunnel),
    ("POST", "/v1/devboxes/{id}/remove_tunnel", remove_tunnel),
    ("POST", "/v1/devboxes/{id}/create_pty_tunnel", create_pty_tunnel),
]

LOCAL_ROUTES: Routes = [
    ("POST", "/v1/devboxes/{id}/open_tunnel_port", open_tunnel_port),
]
"""The engine's own routes (not in the spec)."""
