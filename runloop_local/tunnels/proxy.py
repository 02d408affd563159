"""One client connection through a tunnel: HTTP/1.1 relayed to a devbox port, streamed both ways.

Each side of the relay is an ``h11`` connection over asyncio streams: requests are read from the
client and written to the devbox's server one event at a time (no body is ever held whole), the
answer likewise back. A protocol switch (``101``, as a websocket upgrade) ends the HTTP part and
the two sockets are spliced byte for byte, so any upgraded protocol passes unchanged.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from typing import Any, Protocol

import h11

from .rules import Refusal, authorize, response_headers

__all__ = ["Gate", "READ_CHUNK", "serve_client"]

log = logging.getLogger("runloop_local")

READ_CHUNK = 256 * 1024
"""Largest read from either socket (the size asyncio's transports read at once)."""
_MAX_HEAD = 64 * 1024
"""Largest request or response head."""
_SPLICE_LINGER = 5.0
"""Seconds a spliced connection's other direction may still run after one ended."""


class Gate(Protocol):
    """What one tunnel port needs of the tunnel service."""

    def tunnel(self) -> Mapping[str, Any] | None:
        """The tunnel's current view (None: it was removed)."""
        ...

    async def connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        """A connection to the devbox's port.

        Raises:
            Refusal: The devbox cannot be reached (not running, nothing listening).
        """
        ...

    def activity(self, tunnel: Mapping[str, Any]) -> None:
        """A request passed ``tunnel`` (resets the devbox's idle timer where it says so)."""
        ...

    def upstream_request(
        self, tunnel: Mapping[str, Any], request: h11.Request, client_ip: str
    ) -> h11.Request:
        """What the server behind the tunnel is sent for a client's ``request`` that passed ``tunnel``.

        Raises:
            Refusal: The tunnel does not relay this request.
        """
        ...


class _Side:
    """One h11 connection over one socket."""

    def __init__(
        self,
        role: type[h11.SERVER] | type[h11.CLIENT],
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> None:
        self.conn = h11.Connection(role, max_incomplete_event_size=_MAX_HEAD)
        self.reader = reader
        self.writer = writer

    async def next_event(self) -> Any:
        while True:
            event = self.conn.next_event()
            if event is not h11.NEED_DATA:
                return event
            self.conn.receive_data(await self.reader.read(READ_CHUNK))

    async def send(self, event: Any) -> None:
        self.writer.writelines(self.conn.send_with_data_passthrough(event) or ())
        await self.writer.drain()

    def reusable(self) -> bool:
        return self.conn.our_state is h11.DONE and self.conn.their_state is h11.DONE

    async def close(self) -> None:
        self.writer.close()
        with contextlib.suppress(OSError, ConnectionError, asyncio.CancelledError):
            await self.writer.wait_closed()


async def _refuse(client: _Side, status: int, message: str) -> None:
    body = (message + "\n").encode()
    headers = [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ]
    if status == 401:
        headers.append((b"www-authenticate", b'Bearer realm="runloop-tunnel"'))
    with contextlib.suppress(h11.LocalProtocolError, OSError, ConnectionError):
        await client.send(h11.Response(status_code=status, headers=headers))
        await client.send(h11.Data(data=body))
        await client.send(h11.EndOfMessage())


async def serve_client(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, gate: Gate, client_ip: str
) -> None:
    """Serves one client connection of a tunnel port until either side closes it.

    Args:
        reader: The client connection's reader.
        writer: Its writer.
        gate: The tunnel port (the tunnel's view, the way into the devbox).
        client_ip: The client's address (for ``X-Forwarded-For``).
    """
    client = _Side(h11.SERVER, reader, writer)
    upstream: _Side | None = None
    try:
        while True:
            try:
                event = await client.next_event()
            except h11.RemoteProtocolError as exc:
                await _refuse(client, exc.error_status_hint, f"bad request: {exc}")
                return
            if not isinstance(event, h11.Request):
                return  # the client closed its connection
            tunnel = gate.tunnel()
            if tunnel is None:
                await _refuse(client, 404, "this tunnel was removed")
                return
            if not authorize(tunnel, event.headers):
                await _refuse(
                    client,
                    401,
                    "this tunnel needs its token: X-Runloop-Tunnel-Authorization: Bearer <auth_token>",
                )
                return
            try:
                request = gate.upstream_request(tunnel, event, client_ip)
            except Refusal as refusal:
                await _refuse(client, refusal.status, refusal.message)
                return
            gate.activity(tunnel)
            if upstream is not None and upstream.reader.at_eof():
                await upstream.close()  # the devbox's server closed its idle connection
                upstream = None
            if upstream is None:
                try:
                    upstream = _Side(h11.CLIENT, *await gate.connect())
                except Refusal as refusal:
                    await _refuse(client, refusal.status, refusal.message)
                    return
            switched = await _exchange(client, upstream, request)
            if switched:
                await _splice(client, upstream)
                return
            if not client.reusable():
                return
            client.conn.start_next_cycle()
            if upstream.reusable():
                upstream.conn.start_next_cycle()
            else:
                await upstream.close()
                upstream = None
    except (OSError, ConnectionError, h11.ProtocolError) as exc:
        log.debug("tunnel connection from %s ended: %s", client_ip, exc)
    finally:
        if upstream is not None:
            await upstream.close()
        await client.close()


async def _pump_body(client: _Side, upstream: _Side) -> None:
    """Relays the request body, as it arrives, until its end."""
    while True:
        event = await client.next_event()
        if isinstance(event, h11.Data):
            await upstream.send(event)
        elif isinstance(event, h11.EndOfMessage):
            await upstream.send(event)
            return
        else:  # the client closed mid-body
            raise ConnectionError("the client closed the connection before its request body ended")


async def _exchange(client: _Side, upstream: _Side, request: h11.Request) -> bool:
    """Relays one request and its answer; True when the server switched protocols (101)."""
    await upstream.send(request)
    body = asyncio.create_task(_pump_body(client, upstream))

    def body_ended(task: asyncio.Task[None]) -> None:
        if not task.cancelled() and task.exception() is not None:
            # The client went away mid-body: the server would wait for the rest forever, and
            # the read of its answer below with it; closing its connection ends both.
            upstream.writer.close()

    body.add_done_callback(body_ended)
    answered = False
    try:
        while True:
            try:
                event = await upstream.next_event()
            except h11.RemoteProtocolError as exc:
                if answered:
                    raise
                await _refuse(client, 502, f"the devbox's server answered with broken HTTP: {exc}")
                return False
            if isinstance(event, h11.InformationalResponse):
                if event.status_code == 101:
                    await body  # an upgrade request's (empty) body has ended
                    await client.send(
                        h11.InformationalResponse(
                            status_code=101,
                            headers=response_headers(event.headers, switching=True),
                            reason=event.reason,
                        )
                    )
                    return True
                await client.send(event)  # 100 Continue, 103 Early Hints
            elif isinstance(event, h11.Response):
                answered = True
                await client.send(
                    h11.Response(
                        status_code=event.status_code,
                        headers=response_headers(event.headers, switching=False),
                        reason=event.reason,
                    )
                )
            elif isinstance(event, h11.Data):
                await client.send(event)
            elif isinstance(event, h11.EndOfMessage):
                await client.send(event)
                break
            else:  # the server closed before its answer ended
                if not answered:
                    await _refuse(client, 502, "the devbox's server closed the connection without an answer")
                    return False
                raise ConnectionError("the devbox's server closed the connection mid-answer")
        if not body.done():
            # The server answered before reading the whole request: the connection cannot be
            # reused (the rest of the body would be read as the next request), so it closes.
            body.cancel()
            raise ConnectionError("answered before the request body ended")
        await body
        return False
    finally:
        if not body.done():
            body.cancel()
        await asyncio.wait([body])  # (a cancellation of this task still propagates)
        if not body.cancelled():
            body.exception()  # its error, if any, is seen: never "exception was never retrieved"


async def _copy(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(OSError, ConnectionError):
        while chunk := await reader.read(READ_CHUNK):
            writer.write(chunk)
            await writer.drain()
        if writer.can_write_eof():
            writer.write_eof()


async def _splice(client: _Side, upstream: _Side) -> None:
    """Relays bytes both ways after a protocol switch, starting with what h11 had read ahead."""
    for src, dst in ((client, upstream), (upstream, client)):
        early, _ = src.conn.trailing_data
        if early:
            dst.writer.write(bytes(early))
    directions = [
        asyncio.create_task(_copy(client.reader, upstream.writer)),
        asyncio.create_task(_copy(upstream.reader, client.writer)),
    ]
    try:
        _, pending = await asyncio.wait(directions, return_when=asyncio.FIRST_COMPLETED)
        if pending:
            await asyncio.wait(pending, timeout=_SPLICE_LINGER)
    finally:
        for task in directions:
            task.cancel()
        await asyncio.gather(*directions, return_exceptions=True)
