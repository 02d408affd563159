"""Routes of computers: the five operations, and the live screen (noVNC's page and its websocket).

The live screen is served under a signed path, ``/_local/computers/{id}/screen/{mode}/{expires}/{sig}/``
(a browser cannot send the bearer header, and a path prefix carries the signature to every file
the page loads relatively); ``mode`` ``view`` drops the viewer's input (see :mod:`.rfb`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.websockets import WebSocket, WebSocketDisconnect

from runloop_api.types import (
    ComputerCreateParams,
    ComputerKeyboardInteractionParams,
    ComputerMouseInteractionParams,
    ComputerScreenInteractionParams,
)

from ..http.errors import ApiError, error_response
from ..http.requests import DEVBOX_REQUIRED_NULLABLE, Routes, app_state, dump_json, json_body, query_bool
from .rfb import ClientStream, RfbError
from .rules import screen_grant
from .service import ComputerService

__all__ = ["ROUTES", "SCREEN_PREFIX", "SCREEN_SOCKET", "screen_file", "screen_socket"]

SCREEN_PREFIX = "/_local/computers/"
SCREEN_SOCKET = "/_local/computers/{id}/screen/{mode}/{expires}/{sig}/websockify"


def computers(conn: Request | WebSocket) -> ComputerService:
    """The engine's computer service, kept in the app state."""
    return app_state(conn, "computers", ComputerService)


def _view(request: Request, id: str) -> Response:
    svc = computers(request)
    svc.get(id)
    devbox = json.loads(dump_json(svc.devboxes.get(id).view(), DEVBOX_REQUIRED_NULLABLE))
    url = svc.screen_url(id, str(request.base_url), view_only=query_bool(request, "view_only"))
    return Response(json.dumps({"devbox": devbox, "live_screen_url": url}), media_type="application/json")


async def create(request: Request) -> Response:
    body = await json_body(request, ComputerCreateParams, optional=True)
    size = body.display_dimensions
    rec = await computers(request).create(
        body.name,
        size.display_width_px if size else None,
        size.display_height_px if size else None,
    )
    return _view(request, rec.id)


async def retrieve(request: Request) -> Response:
    return _view(request, request.path_params["id"])


def _answer(fields: dict[str, Any]) -> Response:
    return Response(json.dumps(fields), media_type="application/json")


async def keyboard(request: Request) -> Response:
    body = await json_body(request, ComputerKeyboardInteractionParams)
    return _answer(await computers(request).keyboard(request.path_params["id"], body.action, body.text))


async def mouse(request: Request) -> Response:
    body = await json_body(request, ComputerMouseInteractionParams)
    at = None if body.coordinate is None else (body.coordinate.x, body.coordinate.y)
    return _answer(await computers(request).mouse(request.path_params["id"], body.action, at))


async def screen(request: Request) -> Response:
    body = await json_body(request, ComputerScreenInteractionParams)
    return _answer(await computers(request).screen(request.path_params["id"], body.action))


ROUTES: Routes = [
    ("POST", "/v1/devboxes/computers", create),
    ("GET", "/v1/devboxes/computers/{id}", retrieve),
    ("POST", "/v1/devboxes/computers/{id}/keyboard_interaction", keyboard),
    ("POST", "/v1/devboxes/computers/{id}/mouse_interaction", mouse),
    ("POST", "/v1/devboxes/computers/{id}/screen_interaction", screen),
]


# -- the live screen ------------------------------------------------------------------------------


async def screen_file(request: Request) -> Response:
    """A file of noVNC's page under a signed live-screen path (403 without a valid signature)."""
    parts = request.url.path[len(SCREEN_PREFIX) :].split("/", 5)
    if len(parts) < 6 or parts[1] != "screen":
        return error_response(404, f"no such endpoint: GET {request.url.path}")
    id, _, mode, expires, sig, rest = parts
    svc = computers(request)
    try:
        screen_grant(svc.key, id, mode, expires, sig, time.time())
    except ApiError as exc:
        return error_response(exc.status, exc.message)
    folder = svc.novnc
    if folder is None:
        return error_response(501, "noVNC is not installed: `apt-get install novnc`")
    target = _inside(folder, rest or "vnc.html")
    if target is None:
        return error_response(404, f"no such file of noVNC: {rest}")
    return FileResponse(target)


def _inside(folder: Path, rest: str) -> Path | None:
    """``folder/rest`` when it is a file inside ``folder`` (no ``..`` out, no symlink out)."""
    base = folder.resolve()
    target = (base / rest).resolve()
    if not target.is_relative_to(base) or not target.is_file():
        return None
    return target


async def _deny(ws: WebSocket, status: int, message: str) -> None:
    if "websocket.http.response" in ws.scope.get("extensions", {}):
        await ws.send_denial_response(error_response(status, message))
    else:
        await ws.close(code=4000 + status, reason=message[:120])


async def screen_socket(ws: WebSocket) -> None:
    """The live screen's websocket: RFB between the viewer and the desktop's x11vnc."""
    svc = computers(ws)
    p = ws.path_params
    try:
        grant = screen_grant(svc.key, p["id"], p["mode"], p["expires"], p["sig"], time.time())
        relay = await svc.open_relay(grant.computer_id)
    except ApiError as exc:
        await _deny(ws, exc.status, exc.message)
        return
    subprotocols = ws.scope.get("subprotocols") or []
    await ws.accept(subprotocol="binary" if "binary" in subprotocols else None)
    guard = ClientStream(view_only=grant.mode == "view")

    async def down() -> None:  # server -> viewer
        while (data := await relay.received.get()) is not None:
            await ws.send_bytes(data)

    async def up() -> None:  # viewer -> server
        while True:
            message = await ws.receive()
            if message["type"] == "websocket.disconnect":
                return
            data = message.get("bytes") or (message.get("text") or "").encode()
            await relay.handle.write_stdin(guard.feed(data))
            svc.touch(grant.computer_id)

    tasks = [asyncio.ensure_future(down()), asyncio.ensure_future(up())]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for task in tasks:
            failure = task.exception() if task.done() else None
            if failure is not None and not isinstance(failure, (RfbError, WebSocketDisconnect)):
                raise failure
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        with contextlib.suppress(Exception):
            await relay.handle.kill()
        with contextlib.suppress(Exception):
            await ws.close()
