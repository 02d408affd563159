"""Bearer-token authentication of every request, compared in constant time."""

from __future__ import annotations

import hmac
import json
import re

from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["BearerAuth", "is_presigned", "token_matches"]

_PRESIGNED = {
    "PUT": re.compile(r"/_local/objects/obj_[A-Za-z0-9]+/upload"),
    "GET": re.compile(r"/_local/objects/obj_[A-Za-z0-9]+/download"),
}
"""The only requests let through without the token: presigned object URLs, whose endpoints check
their signature before anything else (403 otherwise; see ``objects/routes.py``)."""
_SCREEN = re.compile(r"/_local/computers/dbx_[A-Za-z0-9]+/screen/(control|view)/[0-9]+/[0-9a-f]{64}(/.*)?")
"""Live screens of computers (noVNC's files and websocket): a browser cannot send the bearer
header, so their signed path is their key, checked first by ``computers/routes.py``."""


def is_presigned(method: str, path: str) -> bool:
    """Whether a request is for a presigned URL (object upload PUT, download GET; live screen GET), pure."""
    if method in ("GET", "HEAD") and _SCREEN.fullmatch(path) is not None:
        return True
    pattern = _PRESIGNED.get(method)
    return pattern is not None and pattern.fullmatch(path) is not None


def token_matches(authorization: bytes | None, token: str) -> bool:
    """Whether an ``Authorization`` header value carries ``token`` as a bearer token, pure.

    Args:
        authorization: The raw header value, or None when absent.
        token: The engine's token.

    Returns:
        True only for ``Bearer <token>`` (scheme case-insensitive), compared in constant time.
    """
    if not authorization:
        return False
    scheme, _, given = authorization.partition(b" ")
    if scheme.lower() != b"bearer":
        return False
    return hmac.compare_digest(given.strip(), token.encode())


class BearerAuth:
    """ASGI middleware answering 401 to any HTTP request or websocket upgrade without the right bearer token."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self.token = token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not is_presigned(scope["method"], scope["path"]):
            header = next((v for k, v in scope["headers"] if k == b"authorization"), None)
            if not token_matches(header, self.token):
                body = json.dumps(
                    {"message": "missing or wrong bearer token: send `Authorization: Bearer <token>`"}
                ).encode()
                await send(
                    {
                        "type": "http.response.start",
                        "status": 401,
                        "headers": [
                            (b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()),
                            (b"www-authenticate", b"Bearer"),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": body})
                return
        if scope["type"] == "websocket" and _SCREEN.fullmatch(scope["path"]) is None:
            # terminals: the same header, no exemption (live screens check their signed path)
            header = next((v for k, v in scope["headers"] if k == b"authorization"), None)
            if not token_matches(header, self.token):
                await _refuse_websocket(scope, receive, send)
                return
        await self.app(scope, receive, send)


async def _refuse_websocket(scope: Scope, receive: Receive, send: Send) -> None:
    """Refuses a websocket upgrade: 401 where the server can answer HTTP, else close 1008 (403)."""
    await receive()  # websocket.connect
    if "websocket.http.response" not in scope.get("extensions", {}):
        await send({"type": "websocket.close", "code": 1008})
        return
    body = json.dumps(
        {"message": "missing or wrong bearer token: send `Authorization: Bearer <token>`"}
    ).encode()
    await send(
        {
            "type": "websocket.http.response.start",
            "status": 401,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "websocket.http.response.body", "body": body})
