"""Hypercorn's TCP server for one connection, with a fix for a crash of its HTTP/2 side.

Hypercorn 0.18 (the newest) drops a whole HTTP/2 connection, every stream on it, when request
body data arrives for a stream whose response has already ended: ``KeyError`` in
``H2Protocol._handle_events`` (pgjones/hypercorn#329, fixes proposed in #312/#334/#365, none
released). That happens whenever a client sends a body's end in a frame of its own and the
app answers without reading it to the end, as the engine does for a ``complete`` POST whose
``{}`` body it ignores; Node's HTTP/2 client does so, and its next call on the connection
then never gets an answer.

The fix is the one proposed upstream: data for a stream Hypercorn no longer tracks is dropped,
its bytes still given back to the connection's flow-control window. It is applied to this
server's connections only (their protocol objects' classes), not to Hypercorn at large.
"""

from __future__ import annotations

import h2.events
from hypercorn.asyncio.tcp_server import TCPServer
from hypercorn.events import Event
from hypercorn.protocol import ProtocolWrapper
from hypercorn.protocol.h2 import H2Protocol

__all__ = ["GuardedTCPServer"]


class _GuardedH2Protocol(H2Protocol):
    async def _handle_events(self, events: list[h2.events.Event]) -> None:
        # One at a time: an event may close a stream that a later one of the same batch names.
        for event in events:
            if isinstance(event, h2.events.DataReceived) and event.stream_id not in self.streams:
                self.connection.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
                await self._flush()
                continue
            await super()._handle_events([event])


class _GuardedProtocolWrapper(ProtocolWrapper):
    async def handle(self, event: Event) -> None:
        # The wrapper makes a fresh H2Protocol when a connection turns to HTTP/2 (ALPN, preface,
        # upgrade): guard it before it reads anything more.
        if type(self.protocol) is H2Protocol:
            self.protocol.__class__ = _GuardedH2Protocol
        await super().handle(event)


class GuardedTCPServer(TCPServer):
    """Hypercorn's ``TCPServer`` whose HTTP/2 connections survive late request data (see above)."""

    async def _read_data(self) -> None:
        self.protocol.__class__ = _GuardedProtocolWrapper  # made by run() just before this
        await super()._read_data()
