"""Tunnel decisions: the record of a new tunnel, who may pass, what the devbox's server is sent.

Pure, but for the random key and token of a new tunnel.

A devbox has at most one tunnel (its ``tunnel_key``), which serves any port of the devbox. The
cloud names a port's URL ``https://{port}-{tunnel_key}.tunnel.runloop.ai``; here each port the
tunnel serves gets a host port of its own (``port_urls`` in the tunnel's view), see
:mod:`.service` for why.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from runloop_api.types import TunnelConfig

from ..http.errors import bad_request

__all__ = [
    "AUTH_HEADER",
    "Refusal",
    "authorize",
    "check_port",
    "forwarded_headers",
    "new_tunnel",
    "response_headers",
    "serving",
    "url_host",
]

AUTH_HEADER = b"x-runloop-tunnel-authorization"
"""The header an authenticated tunnel reads its token from (``Bearer {auth_token}``), as the
service documents; ``Authorization: Bearer {auth_token}`` is taken too (the official examples use it)."""

_HOP_BY_HOP = frozenset(
    {b"connection", b"keep-alive", b"proxy-connection", b"te", b"trailer", b"upgrade", AUTH_HEADER}
)
"""Headers that describe one connection, not the message (RFC 9110 7.6.1), and the tunnel's own."""


def new_tunnel(
    config: TunnelConfig | None, *, now_ms: int, key: str | None = None, token: str | None = None
) -> dict[str, Any]:
    """The stored view of a new tunnel (the spec's TunnelView, plus ``port_urls``, none yet).

    Defaults as the service documents them: ``open``, ``http_keep_alive`` true, ``wake_on_http``
    false.

    Args:
        config: The request's ``TunnelConfig`` (None: all defaults).
        now_ms: Its creation time.
        key: The tunnel key (None: a fresh random one, 128 bits).
        token: The token of an ``authenticated`` tunnel (None: a fresh random one, 256 bits).
    """
    mode = (config.auth_mode if config else None) or "open"
    keep_alive = config.http_keep_alive if config else None
    wake = config.wake_on_http if config else None
    view: dict[str, Any] = {
        "tunnel_key": key or secrets.token_hex(16),
        "auth_mode": mode,
        "create_time_ms": now_ms,
        "http_keep_alive": True if keep_alive is None else keep_alive,
        "wake_on_http": bool(wake),
        "port_urls": {},
    }
    if mode == "authenticated":
        view["auth_token"] = token or secrets.token_urlsafe(32)
    return view


def check_port(port: int) -> int:
    """``port`` if it can be a devbox's TCP port.

    Raises:
        ApiError: 400 outside 1..65535.
    """
    if not 1 <= port <= 65535:
        raise bad_request(f"invalid field `port`: {port} is not a TCP port (1-65535)")
    return port


def url_host(bind_host: str) -> str:
    """The host of a tunnel's URLs for listeners bound to ``bind_host`` (a wildcard: loopback)."""
    if bind_host in ("", "0.0.0.0"):
        return "127.0.0.1"
    if bind_host == "::":
        return "[::1]"
    return f"[{bind_host}]" if ":" in bind_host else bind_host


class Refusal(Exception):
    """A request the tunnel refuses before reaching the devbox (status and message)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _bearer(value: bytes) -> bytes | None:
    scheme, _, credentials = value.strip().partition(b" ")
    return credentials.strip() if scheme.lower() == b"bearer" else None


def authorize(tunnel: Mapping[str, Any], headers: Iterable[tuple[bytes, bytes]]) -> bool:
    """Whether a request with ``headers`` may pass ``tunnel``.

    An open tunnel lets everyone pass; an authenticated one wants its ``auth_token`` as
    ``X-Runloop-Tunnel-Authorization: Bearer {token}`` (or ``Authorization: Bearer {token}``).
    """
    if tunnel.get("auth_mode") != "authenticated":
        return True
    token = str(tunnel.get("auth_token") or "").encode()
    if not token:
        return False
    for name, value in headers:
        if name.lower() in (AUTH_HEADER, b"authorization"):
            given = _bearer(value)
            if given is not None and hmac.compare_digest(given, token):
                return True
    return False


def forwarded_headers(
    tunnel: Mapping[str, Any], headers: Iterable[tuple[bytes, bytes]], client_ip: str
) -> list[tuple[bytes, bytes]]:
    """The headers the devbox's server gets for a request that passed the tunnel.

    ``Host`` stays as the client sent it, so links a server builds from it point at the tunnel.
    Connection-scoped headers and the tunnel's token go (an ``Authorization`` that carries some
    other credential is the application's and stays); a websocket upgrade keeps its
    ``Connection: upgrade`` and ``Upgrade``. ``X-Forwarded-For`` and ``-Proto`` are added.
    """
    token = str(tunnel.get("auth_token") or "").encode()
    kept: list[tuple[bytes, bytes]] = []
    upgrade: bytes | None = None
    connection_tokens: set[bytes] = set()
    forwarded_for: bytes | None = None
    for name, value in headers:
        lower = name.lower()
        if lower == b"connection":
            connection_tokens |= {t.strip().lower() for t in value.split(b",")}
        elif lower == b"upgrade":
            upgrade = value
        elif lower == b"x-forwarded-for":
            forwarded_for = value
            continue
        if lower in _HOP_BY_HOP:
            continue
        if lower == b"authorization" and token and _bearer(value) == token:
            continue
        kept.append((name, value))
    # Headers the client named in Connection are connection-scoped too.
    kept = [(n, v) for n, v in kept if n.lower() not in connection_tokens]
    if upgrade is not None and b"upgrade" in connection_tokens:
        kept += [(b"connection", b"upgrade"), (b"upgrade", upgrade)]
    chain = (forwarded_for + b", " if forwarded_for else b"") + client_ip.encode()
    kept += [(b"x-forwarded-for", chain), (b"x-forwarded-proto", b"http")]
    return kept


def response_headers(headers: Iterable[tuple[bytes, bytes]], *, switching: bool) -> list[tuple[bytes, bytes]]:
    """The headers of a devbox server's answer as the client gets them: without the
    connection-scoped ones, except ``Connection``/``Upgrade`` of a protocol switch (101)."""
    kept = [
        (n, v) for n, v in headers if n.lower() not in _HOP_BY_HOP or (switching and n.lower() != AUTH_HEADER)
    ]
    return kept


def serving(status: str, tunnel: Mapping[str, Any] | None) -> bool:
    """Whether a devbox's tunnel ports listen: while it runs, and while it is suspended (or
    suspending, resuming) if traffic wakes it (``wake_on_http``); never after it ended."""
    if tunnel is None:
        return False
    if status == "running":
        return True
    return bool(tunnel.get("wake_on_http")) and status in (
        "suspending",
        "suspended",
        "resuming",
        "provisioning",
        "initializing",
    )
