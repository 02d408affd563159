"""Listening sockets of the engine's servers: its HTTP port, tunnel ports, the egress proxy."""

from __future__ import annotations

import socket

__all__ = ["listening_socket"]


def listening_socket(host: str, port: int) -> socket.socket:
    """A bound, listening TCP socket for uvicorn, with ``TCP_NODELAY`` set so accepted connections
    inherit it.

    Without it, a keep-alive client waits for the delayed ACK (about 40 ms) on every request,
    because uvicorn writes a response's head and body separately.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((host, port))
        sock.listen(2048)  # connections made once the URL is printed wait in the backlog
    except OSError:
        sock.close()
        raise
    return sock
