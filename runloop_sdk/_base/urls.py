"""URL and small parsing helpers of the object layer. Pure."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from pydantic import BaseModel

__all__ = ["engine_port_urls", "tunnel_url", "parse_cursor_position", "websocket_url"]


def tunnel_url(base_url: str, tunnel_key: str, port: int) -> str:
    """The public URL of ``port`` on a devbox's tunnel.

    The cloud serves tunnels at ``https://{port}-{tunnel_key}.tunnel.{domain}`` where the API
    lives at ``api.{domain}``.
    """
    if not 1 <= port <= 65535:
        raise ValueError(f"port must be between 1 and 65535, got {port}")
    host = urlsplit(base_url).hostname or "runloop.ai"
    domain = host[4:] if host.startswith("api.") else host
    return f"https://{port}-{tunnel_key}.tunnel.{domain}"


def engine_port_urls(tunnel: BaseModel) -> dict[str, str] | None:
    """The URLs of the ports a local engine's tunnel serves (``port_urls``, by port), or None
    for the cloud's tunnel, whose URLs are :func:`tunnel_url`.

    The local engine gives each port a tunnel serves a host port of its own (no
    ``*.tunnel.<domain>`` name resolves on a machine), and lists them in the tunnel's view.
    """
    found = (tunnel.model_extra or {}).get("port_urls")
    return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else None


def websocket_url(base_url: str, connect_url: str) -> str:
    """The absolute websocket URL of a terminal session.

    The API may answer a server-relative ``connect_url`` (``/pty/...``); it is resolved against
    the API's base URL, with ``http`` turned into ``ws`` and ``https`` into ``wss``. An absolute
    ``ws://``/``wss://`` URL is kept as given.
    """
    if connect_url.startswith(("ws://", "wss://")):
        return connect_url
    absolute = urljoin(base_url.rstrip("/") + "/", connect_url)
    if absolute.startswith("https://"):
        return "wss://" + absolute[len("https://") :]
    if absolute.startswith("http://"):
        return "ws://" + absolute[len("http://") :]
    raise ValueError(f"cannot open a websocket to {connect_url!r}: expected a ws(s) URL or a path")


_NUMBERS = re.compile(r"-?\d+")


def parse_cursor_position(output: str | None) -> tuple[int, int]:
    """The ``(x, y)`` in a computer's cursor-position answer such as ``"X=10,Y=20"``.

    Raises:
        ValueError: When the answer does not hold two numbers.
    """
    numbers = _NUMBERS.findall(output or "")
    if len(numbers) < 2:
        raise ValueError(f"cannot read a cursor position from {output!r}")
    return int(numbers[0]), int(numbers[1])
