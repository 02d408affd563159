"""The client's connection pool: small httpcore pools side by side, each request to the least busy.

httpcore's pool (1.0.x) is costly with many connections. Each time a request enters or leaves
it, it walks every connection; for each idle one it asks the socket whether it is readable (a
syscall and a fresh anyio attribute table) and counts all connections again, so its work per
request grows with the square of the connections. And it closes an idle connection whenever it
holds more connections than ``max_keepalive_connections`` (it counts all of them, not the idle
ones): with more concurrent requests than that, almost every request opens a new TCP
connection. With 64 concurrent execs on one devbox (``bench/load.py``) the client spent about
3 ms of CPU per exec with 20 kept connections (and ~1,000 new connections in 5 s), and 4-10 ms
with 100 kept, more than the engine did; with pools of four connections side by side it is
about 1 ms, and every connection is reused.
"""

from __future__ import annotations

import ssl
import threading
from collections.abc import AsyncIterator, Callable

import httpx

__all__ = ["AsyncPooledTransport"]

POOL_SIZE = 4
"""Connections per httpcore pool: its per-request work grows with the square of this."""


class AsyncPooledTransport(httpx.AsyncBaseTransport):
    """An httpx transport keeping up to ``max_connections`` connections, all of them reused.

    Pools of :data:`POOL_SIZE` connections are made as concurrency needs them; a request goes
    to the pool with the fewest requests in flight (the first such, so few connections serve a
    quiet client), and counts as in flight until its response is closed.

    Args:
        max_connections: Connections at most (rounded up to whole pools).
        verify: The SSL context of every pool (one, so it is built once); None for httpx's own.
        keepalive_expiry: Seconds an idle connection is kept.
    """

    def __init__(
        self,
        *,
        max_connections: int = 100,
        verify: ssl.SSLContext | None = None,
        keepalive_expiry: float = 5.0,
    ) -> None:
        if max_connections < 1:
            raise ValueError(f"max_connections must be at least 1, not {max_connections}")
        self._max_pools = -(-max_connections // POOL_SIZE)
        self._verify = verify if verify is not None else httpx.create_ssl_context()
        self._limits = httpx.Limits(
            max_connections=POOL_SIZE, max_keepalive_connections=POOL_SIZE, keepalive_expiry=keepalive_expiry
        )
        self._pools: list[httpx.AsyncHTTPTransport] = []
        self._in_flight: list[int] = []
        # Threads share the sync twin; held only between awaits, the lock costs little here.
        self._lock = threading.Lock()

    def _acquire(self) -> int:
        with self._lock:
            busy = self._in_flight
            index = busy.index(min(busy)) if busy else -1
            if index < 0 or (busy[index] >= POOL_SIZE and len(self._pools) < self._max_pools):
                self._pools.append(httpx.AsyncHTTPTransport(verify=self._verify, limits=self._limits))
                busy.append(0)
                index = len(busy) - 1
            busy[index] += 1
            return index

    def _releaser(self, index: int) -> Callable[[], None]:
        released = False

        def release() -> None:
            nonlocal released
            with self._lock:
                if not released:
                    released = True
                    self._in_flight[index] -= 1

        return release

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Sends ``request`` through the least busy pool."""
        index = self._acquire()
        release = self._releaser(index)
        try:
            response = await self._pools[index].handle_async_request(request)
        except BaseException:
            release()
            raise
        assert isinstance(response.stream, httpx.AsyncByteStream)
        response.stream = _ReleasingStream(response.stream, release)
        return response

    async def aclose(self) -> None:
        """Closes every pool's connections."""
        with self._lock:
            pools = list(self._pools)
        for pool in pools:
            await pool.aclose()


class _ReleasingStream(httpx.AsyncByteStream):
    """A response body that marks its request done in its pool once closed."""

    def __init__(self, stream: httpx.AsyncByteStream, release: Callable[[], None]) -> None:
        self._stream = stream
        self._release = release

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._stream:
            yield chunk

    async def aclose(self) -> None:
        try:
            await self._stream.aclose()
        finally:
            self._release()
