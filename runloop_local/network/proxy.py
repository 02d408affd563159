"""The egress proxy of a devbox with allowed hostnames: HTTP and CONNECT, listening inside the
devbox's namespace, connecting out from the host to the hosts the policy lists only."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Sequence

from ..http.sockets import listening_socket
from .netns import in_netns
from .rules import host_allowed, split_host_port

__all__ = ["EgressProxy"]

log = logging.getLogger("runloop_local")

MAX_HEAD = 64 * 1024
CONNECT_TIMEOUT = 10.0
_HOP_HEADERS = (b"proxy-connection", b"proxy-authorization", b"connection", b"keep-alive")


def _answer(status: str, text: str) -> bytes:
    body = (text + "\n").encode()
    head = f"HTTP/1.1 {status}\r\nContent-Type: text/plain\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    return head.encode() + body


def parse_head(head: bytes) -> tuple[str, str, int, bytes]:
    """A proxy request's head -> (method, host, port, the head to send upstream).

    CONNECT ``host:port`` sends nothing upstream; an absolute-form request (``GET http://h/p``)
    goes upstream in origin form (``GET /p``) without hop-by-hop headers, and asks to close.

    Raises:
        ValueError: Not a proxy request.
    """
    lines = head.split(b"\r\n")
    method, target, version = lines[0].decode("latin-1").split(" ")
    if method == "CONNECT":
        host, port = split_host_port(target, 443)
        return method, host, port, b""
    scheme, sep, rest = target.partition("://")
    if not sep or scheme.lower() != "http":
        raise ValueError(f"expected an absolute http:// URL, got {target!r}")
    authority, slash, path = rest.partition("/")
    host, port = split_host_port(authority.rpartition("@")[2], 80)
    out = [f"{method} /{path if slash else ''} {version}".encode("latin-1")]
    for line in lines[1:]:
        if line and line.split(b":", 1)[0].strip().lower() not in _HOP_HEADERS:
            out.append(line)
    out.append(b"Connection: close")
    return method, host, port, b"\r\n".join(out) + b"\r\n\r\n"


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
        if writer.can_write_eof():
            writer.write_eof()
    except (ConnectionError, OSError):
        pass


class EgressProxy:
    """An HTTP/CONNECT proxy for one devbox, allowing only ``hostnames``.

    Args:
        hostnames: The allowed hostnames (``*.example.com`` patterns too).
        policy_id: Named in refusals.
    """

    def __init__(self, hostnames: Sequence[str], policy_id: str) -> None:
        self.hostnames = tuple(hostnames)
        self.policy_id = policy_id
        self.port = 0
        self._server: asyncio.Server | None = None
        self._conns: set[asyncio.Task[None]] = set()

    async def start(self, netns_pid: int) -> int:
        """Listens on ``127.0.0.1`` inside the namespace of ``netns_pid``; returns the port there."""
        sock = await in_netns(netns_pid, functools.partial(listening_socket, "127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        self._server = await asyncio.start_server(self._serve, sock=sock)
        return self.port

    async def close(self) -> None:
        """Stops listening and cuts the open connections."""
        if self._server is not None:
            self._server.close()
            self._server = None
        for task in list(self._conns):
            task.cancel()
        await asyncio.gather(*self._conns, return_exceptions=True)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._conns.add(task)
        try:
            await self._relay(reader, writer)
        except (ConnectionError, OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        finally:
            self._conns.discard(task)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        if len(head) > MAX_HEAD:
            writer.write(_answer("431 Request Header Fields Too Large", "request head too large"))
            return
        try:
            method, host, port, upstream_head = parse_head(head[:-4])
        except ValueError as exc:
            writer.write(_answer("400 Bad Request", f"runloop-local egress proxy: {exc}"))
            return
        if not host_allowed(host, self.hostnames):
            writer.write(
                _answer(
                    "403 Forbidden", f"runloop-local: network policy {self.policy_id} does not allow {host}"
                )
            )
            return
        try:
            up_reader, up_writer = await asyncio.wait_for(
                asyncio.open_connection(host, port), CONNECT_TIMEOUT
            )
        except (OSError, asyncio.TimeoutError) as exc:
            writer.write(_answer("502 Bad Gateway", f"runloop-local: cannot reach {host}:{port}: {exc}"))
            return
        try:
            if method == "CONNECT":
                writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
            else:
                up_writer.write(upstream_head)
            await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))
        finally:
            up_writer.close()
