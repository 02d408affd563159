"""Bearer-token authentication of every request, compared in constant time."""

from __future__ import annotations

import hmac
import json

from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["BearerAuth", "token_matches"]


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
    """ASGI middleware answering 401 to any HTTP request without the right bearer token."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self.token = token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
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
        await self.app(scope, receive, send)
