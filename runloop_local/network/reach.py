"""Reaching a TCP port inside a devbox from the engine (tunnels, terminals, port forwards).

Every connection the engine makes into a devbox goes through :func:`connect_devbox_port`, so the
devbox's network (the host's, or a namespace of its own) is decided in one place.
"""

from __future__ import annotations

import asyncio

__all__ = ["connect_devbox_port"]

_STREAM_LIMIT = 1 << 20
"""Buffer of the returned reader: proxies read in large chunks."""


async def connect_devbox_port(
    netns_pid: int | None, port: int
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """Opens a TCP connection to ``port`` inside a devbox.

    Args:
        netns_pid: None when the devbox shares the host's network (the connection goes to
            ``127.0.0.1:port``); else the pid of a process holding the devbox's network namespace.
        port: The TCP port inside the devbox.

    Returns:
        The connection's reader and writer.

    Raises:
        OSError: Nothing listens there (ECONNREFUSED) or the connection failed.
        NotImplementedError: ``netns_pid`` was given; devboxes share the host's network here.
    """
    if netns_pid is not None:
        raise NotImplementedError("connecting into a devbox's own network namespace is not available yet")
    return await asyncio.open_connection("127.0.0.1", port, limit=_STREAM_LIMIT)
