"""PTY tunnel decisions: which requests pass, and what the engine is sent for them. Pure.

A PTY tunnel (``create_pty_tunnel``) is a host port serving one devbox's terminal API: the
engine's own ``GET /pty/{name}``, its websocket, and ``POST /pty/{name}/control``, for that
devbox only. A request that passes (it carries the tunnel's ``auth_token``) is relayed to the
engine's own listening port with the tunnel's token replaced by the engine's; the client never
needs nor sees the engine's token. The engine's token is *not* taken in place of the tunnel's
token: the tunnel gives access to one devbox's terminal, and its port is no place to use (or
guess) the key to the whole engine.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl, urlencode

from .rules import AUTH_HEADER, Refusal, forwarded_headers

__all__ = ["new_pty_tunnel", "pty_target", "to_engine_headers"]

_PATH = re.compile(r"/pty/[A-Za-z0-9_-]{1,256}(/control)?")
"""The terminal API's paths (session names as ``pty.rules.check_name`` allows them); nothing
percent-encoded, so what the engine routes is exactly what was checked here."""


def new_pty_tunnel(*, key: str | None = None, token: str | None = None) -> dict[str, Any]:
    """The view of a new PTY tunnel: always authenticated, its key and token random (128 and 256 bits)."""
    return {
        "auth_mode": "authenticated",
        "tunnel_key": key or secrets.token_hex(16),
        "auth_token": token or secrets.token_urlsafe(32),
    }


def pty_target(target: bytes, devbox_id: str) -> bytes:
    """The request target the engine is sent for a client's ``target`` through a devbox's PTY tunnel.

    Args:
        target: The request target as the client sent it (origin form, ``/pty/NAME?...``).
        devbox_id: The tunnel's devbox.

    Returns:
        The same path with ``devbox_id`` set to the tunnel's devbox (other parameters kept).

    Raises:
        Refusal: 404 for any path but the terminal API's; 403 when ``devbox_id`` names another devbox.
    """
    try:
        text = target.decode("ascii")
    except UnicodeDecodeError:
        raise Refusal(
            404, "a PTY tunnel serves /pty/{session_name} and /pty/{session_name}/control only"
        ) from None
    path, _, query = text.partition("?")
    if _PATH.fullmatch(path) is None:
        raise Refusal(404, "a PTY tunnel serves /pty/{session_name} and /pty/{session_name}/control only")
    params = parse_qsl(query, keep_blank_values=True)
    others = {v for k, v in params if k == "devbox_id" and v != devbox_id}
    if others:
        raise Refusal(403, f"this PTY tunnel serves devbox {devbox_id} only, not {sorted(others)[0]}")
    kept = [(k, v) for k, v in params if k != "devbox_id"] + [("devbox_id", devbox_id)]
    return f"{path}?{urlencode(kept)}".encode("ascii")


def to_engine_headers(
    tunnel: dict[str, Any], headers: Iterable[tuple[bytes, bytes]], client_ip: str, engine_token: str
) -> list[tuple[bytes, bytes]]:
    """The headers the engine gets for a request that passed a PTY tunnel.

    As a tunnel forwards them (``Host`` as the client sent it, so the ``connect_url`` the engine
    answers points at the tunnel), with every ``Authorization`` header replaced by the engine's
    token.
    """
    kept = [
        (n, v)
        for n, v in forwarded_headers(tunnel, headers, client_ip)
        if n.lower() not in (b"authorization", AUTH_HEADER)
    ]
    return [*kept, (b"authorization", b"Bearer " + engine_token.encode())]
