"""Routes of terminal (PTY) sessions: connect, control, and the websocket that carries the bytes.

Protocol (what ``runloop_sdk``'s ``devbox.pty`` speaks):

- ``GET /pty/{session_name}?devbox_id=ID[&cols=C&rows=R]`` starts the session's shell or finds
  it, and answers a ``PtyConnectView`` whose ``connect_url`` is
  ``ws://HOST/pty/{session_name}?devbox_id=ID``.
- The websocket (same bearer token header as every request) carries binary messages: what the
  client sends is typed into the terminal (text messages are taken as UTF-8), what the server
  sends is what the terminal printed. Output printed while no client was attached comes
  first. One client at a time: a second is refused with 409 at the upgrade. The server closes
  with 1000 when the session ends (shell exit, close, idle, devbox stopped) and 4008 when the
  client fell more than 4 MiB behind (the session stays; reconnect). A refused upgrade is an
  HTTP answer with the usual JSON error (400, 401, 404, 409).
- ``POST /pty/{session_name}/control[?devbox_id=ID]`` with ``{"action": "resize", "cols",
  "rows"}``, ``{"action": "signal", "signal": "SIGINT"}`` or ``{"action": "close"}``. Without
  ``devbox_id`` the name is looked up across devboxes (400 when several have it).
"""

from __future__ import annotations

import asyncio
import contextlib

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket, WebSocketDisconnect

from runloop_api.types import PtyConnectView, PtyControlAction, PtyControlParameters, PtyControlResultView

from ..http.errors import ApiError, bad_request, error_response
from ..http.requests import Routes, app_state, check_enum, json_body, respond
from .rules import check_name, initial_size, resize_size, signal_number, websocket_url
from .service import PtyClient, PtyService, PtySession

__all__ = ["ROUTES", "deny_websocket", "terminal_socket"]

PROTOCOL_VERSION = "1"
CLOSE_TOO_SLOW = 4008


def _pty(conn: Request | WebSocket) -> PtyService:
    return app_state(conn, "pty", PtyService)


def _optional_int(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError:
        raise bad_request(f"invalid query parameter `{name}` {raw!r}: expected an integer") from None


def _devbox_id(conn: Request | WebSocket) -> str:
    devbox_id = conn.query_params.get("devbox_id")
    if not devbox_id:
        raise bad_request("missing query parameter `devbox_id`: the local engine serves many devboxes")
    return devbox_id


async def connect(request: Request) -> Response:
    name = check_name(request.path_params["session_name"])
    size = initial_size(_optional_int(request, "cols"), _optional_int(request, "rows"))
    devbox_id = _devbox_id(request)
    pty = _pty(request)
    session, created = await pty.connect(devbox_id, name, size)
    view = PtyConnectView(
        session_name=name,
        status="running",
        protocol_version=PROTOCOL_VERSION,
        connect_url=websocket_url(str(request.url.replace(query="")), devbox_id),
        created=created,
        attached=not created,
        cols=session.cols,
        rows=session.rows,
        idle_ttl_seconds=int(pty.idle_ttl_seconds),
    )
    return respond(view)


async def control(request: Request) -> Response:
    name = check_name(request.path_params["session_name"])
    params = await json_body(request, PtyControlParameters, optional=True)
    if params.action is None:
        raise bad_request("missing field `action`: one of 'resize', 'signal', 'close'")
    check_enum("action", [params.action], PtyControlAction)
    size = resize_size(params.cols, params.rows) if params.action == "resize" else None
    signum = signal_number(params.signal) if params.action == "signal" else None
    pty = _pty(request)
    session = pty.find(name, request.query_params.get("devbox_id") or None)
    status = "running"
    if size is not None:
        await pty.resize(session, *size)
    elif signum is not None:
        await pty.signal(session, signum)
    else:
        await pty.close_session(session)
        status = "closed"
    return respond(PtyControlResultView(session_name=name, status=status))


async def deny_websocket(ws: WebSocket, status: int, message: str) -> None:
    """Refuses a websocket upgrade with an HTTP error where the server can (4000 + status otherwise)."""
    if "websocket.http.response" in ws.scope.get("extensions", {}):
        await ws.send_denial_response(error_response(status, message))
    else:
        await ws.close(code=4000 + status, reason=message[:120])


async def terminal_socket(ws: WebSocket) -> None:
    """The websocket of a session: keystrokes in, terminal output out."""
    pty = _pty(ws)
    try:
        name = check_name(ws.path_params["session_name"])
        session = pty.find(name, _devbox_id(ws))
        client = await pty.attach(session)
    except ApiError as exc:
        await deny_websocket(ws, exc.status, exc.message)
        return
    try:
        await ws.accept()
        await _pump(ws, pty, session, client)
    except (WebSocketDisconnect, RuntimeError, OSError):  # the client went away mid-send
        pass
    finally:
        session.detach(client)


async def _pump(ws: WebSocket, pty: PtyService, session: PtySession, client: PtyClient) -> None:
    reader = asyncio.ensure_future(_read_input(ws, pty, session))
    try:
        while True:
            client.wake.clear()
            if client.pending:
                data = bytes(client.pending)
                client.pending.clear()
                await ws.send_bytes(data)
                continue
            if client.overflowed:
                await ws.close(CLOSE_TOO_SLOW, "the client fell too far behind; reconnect")
                return
            if client.ended is not None:
                await ws.close(1000, client.ended[:120])
                return
            waiter = asyncio.ensure_future(client.wake.wait())
            done, _ = await asyncio.wait({reader, waiter}, return_when=asyncio.FIRST_COMPLETED)
            waiter.cancel()
            if reader in done:  # the client has gone
                return
    finally:
        reader.cancel()
        with contextlib.suppress(asyncio.CancelledError, WebSocketDisconnect, RuntimeError, OSError):
            await reader


async def _read_input(ws: WebSocket, pty: PtyService, session: PtySession) -> None:
    while True:
        message = await ws.receive()
        if message["type"] == "websocket.disconnect":
            return
        data = message.get("bytes")
        if data is None:
            data = (message.get("text") or "").encode()
        await pty.write(session, data)


ROUTES: Routes = [
    ("GET", "/pty/{session_name}", connect),
    ("POST", "/pty/{session_name}/control", control),
]
