"""Reaching a TCP port inside a devbox from the engine (tunnels, terminals, port forwards).

The one way in: a devbox on the host's network listens on the host's loopback; a devbox with a
network namespace of its own is entered by a thread that makes the socket there (no host port
at all), and the engine's event loop then connects and uses it as any other.
"""

from __future__ import annotations

import asyncio
import socket

from .netns import in_netns

__all__ = ["connect_devbox_port"]


def _tcp_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setblocking(False)
    return sock


async def connect_devbox_port(
    netns_pid: int | None, port: int
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """Opens a TCP connection to ``127.0.0.1:port`` as the devbox sees it.

    Args:
        netns_pid: A process holding the devbox's network namespace, or None when the devbox
            shares the host's network (``DevboxService.netns_pid`` tells which).
        port: The port inside the devbox.

    Returns:
        The connection's reader and writer.

    Raises:
        ValueError: ``port`` is not 1 to 65535.
        OSError: Nothing listens there (``ConnectionRefusedError``), or the namespace is gone.
    """
    if not 0 < port < 65536:
        raise ValueError(f"port {port} is not 1 to 65535")
    if netns_pid is None:
        return await asyncio.open_connection("127.0.0.1", port)
    sock = await in_netns(netns_pid, _tcp_socket)
    try:
        await asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", port))
    except BaseException:
        sock.close()
        raise
    return await asyncio.open_connection(sock=sock)
