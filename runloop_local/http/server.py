"""The engine's HTTP server: HTTP/1.1 and HTTP/2 on one port.

uvicorn serves the port and HTTP/1.1 (with httptools); Hypercorn serves HTTP/2. Each new
connection is handed to one of them by :class:`DualProtocol`:

- over TLS, by the protocol the client chose by ALPN (``h2`` or ``http/1.1``);
- in cleartext, by its first bytes (:func:`.sniff.classify`): the HTTP/2 preface (h2c with prior
  knowledge, what Node's client sends to an ``http://`` URL) and a first request asking
  ``Upgrade: h2c`` go to Hypercorn (which implements both, and answers the upgrade with 101);
  anything else to uvicorn.

Why two servers: Hypercorn alone serves HTTP/1.1 too, but its pure-Python HTTP/1.1 (h11) costs
about 0.15-0.25 ms more per request than uvicorn's httptools, a tenth of the engine's own time
per ``execute`` (``bench/exec_floor.py``), so HTTP/1.1 keeps the faster path. uvicorn's own
HTTP/2 (``http="zttp"``) sniffs connections the same way but needs zttp, a 0.0.x parser, which
would serve HTTP/1.1 as well, and does not take ``Upgrade: h2c``.

Both run on the same event loop, with the same ASGI app and lifespan state; uvicorn runs the
lifespan. At shutdown uvicorn asks every connection to end (HTTP/2 ones send GOAWAY once their
streams end) and cancels what is still running after its graceful timeout.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from pathlib import Path
from typing import Any, ClassVar

import uvicorn
from hypercorn.app_wrappers import ASGIWrapper
from hypercorn.asyncio.worker_context import WorkerContext
from hypercorn.config import Config as HypercornConfig
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.server import ServerState

from .hypercorn_guard import GuardedTCPServer
from .sniff import Speech, classify

__all__ = ["H2_MAX_CONCURRENT_STREAMS", "DualProtocol", "server_config"]

H2_MAX_CONCURRENT_STREAMS = 1000
"""Streams one HTTP/2 connection may have open at once: hundreds of held long-polls and output
streams fit on one connection (Hypercorn's default is 100)."""

GRACEFUL_SHUTDOWN_SECONDS = 3


class _H2Side:
    """What every HTTP/2 connection of one server shares: Hypercorn's config, worker context, app."""

    def __init__(self, config: uvicorn.Config) -> None:
        hyper = HypercornConfig()
        hyper.keep_alive_timeout = config.timeout_keep_alive
        hyper.keep_alive_max_requests = 2**62  # never close a connection for its request count
        hyper.graceful_timeout = float(config.timeout_graceful_shutdown or GRACEFUL_SHUTDOWN_SECONDS)
        hyper.h2_max_concurrent_streams = H2_MAX_CONCURRENT_STREAMS
        hyper.websocket_max_message_size = config.ws_max_size
        hyper.include_server_header = False
        hyper.accesslog = None
        hyper.errorlog = logging.getLogger("uvicorn.error")
        self.config = hyper
        self.context = WorkerContext(None)
        self.app = ASGIWrapper(config.loaded_app)


_SIDES: weakref.WeakKeyDictionary[ServerState, _H2Side] = weakref.WeakKeyDictionary()


class _H2Connection:
    """An HTTP/2 connection (or an HTTP/1.1 one that upgrades) in uvicorn's set of connections,
    so uvicorn's shutdown reaches it."""

    def __init__(self, side: _H2Side, task: asyncio.Task[None]) -> None:
        self._side = side
        self.task = task

    def shutdown(self) -> None:
        # Hypercorn's signal to all its connections: idle ones close, busy ones send GOAWAY once
        # their streams end and refuse new streams meanwhile.
        self.task.get_loop().create_task(self._side.context.terminated.set())


class DualProtocol(asyncio.Protocol):
    """uvicorn's ``http`` protocol class: hands each connection to HTTP/1.1 or HTTP/2.

    Args:
        config: uvicorn's config (loaded).
        server_state: uvicorn's server state (its connections and tasks).
        app_state: The lifespan's state, copied into each request's scope.
    """

    alpn_protocols: ClassVar[list[str]] = ["h2", "http/1.1"]
    """What uvicorn offers by ALPN when serving TLS."""

    def __init__(
        self,
        config: uvicorn.Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        if not config.loaded:
            config.load()
        self._config = config
        self._state = server_state
        self._app_state = app_state
        self._loop = _loop or asyncio.get_event_loop()
        self._transport: asyncio.Transport | None = None
        self._buffer = bytearray()
        self._timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        ssl_object = transport.get_extra_info("ssl_object")
        if ssl_object is not None:  # the handshake is done: ALPN has chosen
            self._hand_over("h2" if ssl_object.selected_alpn_protocol() == "h2" else "http/1.1")
            return
        self._state.connections.add(self)  # type: ignore[arg-type]
        # A connection that never says anything closes as an idle keep-alive one would.
        self._timer = self._loop.call_later(self._config.timeout_keep_alive, transport.close)

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        speech = classify(bytes(self._buffer))
        if speech is not None:
            self._hand_over(speech)

    def eof_received(self) -> bool | None:
        return None  # the transport closes

    def connection_lost(self, exc: Exception | None) -> None:
        self._forget()

    def shutdown(self) -> None:
        """Called by uvicorn at shutdown: a connection that has not spoken yet just closes."""
        if self._transport is not None:
            self._transport.close()

    def _forget(self) -> None:
        self._state.connections.discard(self)  # type: ignore[arg-type]
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _hand_over(self, speech: Speech) -> None:
        self._forget()
        transport = self._transport
        assert transport is not None
        first = bytes(self._buffer)
        self._buffer.clear()
        if speech == "http/1.1":
            h1 = HttpToolsProtocol(self._config, self._state, self._app_state, _loop=self._loop)
            transport.set_protocol(h1)
            h1.connection_made(transport)
            if first:
                h1.data_received(first)
        else:
            self._to_hypercorn(transport, first, "h2" if speech == "h2" else "http/1.1")

    def _to_hypercorn(self, transport: asyncio.Transport, first: bytes, alpn: str) -> None:
        side = _SIDES.get(self._state)
        if side is None:
            side = _SIDES[self._state] = _H2Side(self._config)
        reader = asyncio.StreamReader(loop=self._loop)
        stream_protocol = asyncio.StreamReaderProtocol(reader, loop=self._loop)
        transport.set_protocol(stream_protocol)
        stream_protocol.connection_made(transport)
        writer = asyncio.StreamWriter(transport, stream_protocol, reader, self._loop)
        if first:
            # Hypercorn reads the preface itself; an upgrade's request is read by its HTTP/1.1 side,
            # which tells ALPN "http/1.1" apart from TLS by the ssl flag only.
            reader.feed_data(first)
        server = GuardedTCPServer(
            side.app, self._loop, side.config, side.context, self._app_state, reader, writer
        )
        task = self._loop.create_task(server.run())
        connection = _H2Connection(side, task)
        self._state.connections.add(connection)  # type: ignore[arg-type]
        self._state.tasks.add(task)  # cancelled by uvicorn after its graceful timeout

        def done(_: asyncio.Task[None]) -> None:
            self._state.connections.discard(connection)  # type: ignore[arg-type]
            self._state.tasks.discard(task)

        task.add_done_callback(done)


def server_config(
    app: Any, *, tls_cert: str | Path | None = None, tls_key: str | Path | None = None
) -> uvicorn.Config:
    """The engine's uvicorn config: HTTP/1.1 and HTTP/2 (:class:`DualProtocol`), TLS when given.

    Args:
        app: The ASGI app.
        tls_cert: A PEM certificate (chain) to serve HTTPS with; HTTP/2 then by ALPN.
        tls_key: Its private key (PEM); None when ``tls_cert`` holds it too.

    Raises:
        ValueError: ``tls_key`` without ``tls_cert``.
    """
    if tls_key is not None and tls_cert is None:
        raise ValueError("a TLS key needs its certificate: give tls_cert (--tls-cert) too")
    return uvicorn.Config(
        app,
        http=DualProtocol,
        log_level="warning",
        access_log=False,
        proxy_headers=False,  # nothing reads the client's address; the middleware costs per request
        lifespan="on",
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
        ssl_certfile=str(tls_cert) if tls_cert is not None else None,
        ssl_keyfile=str(tls_key) if tls_key is not None else None,
    )
