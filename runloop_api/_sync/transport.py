# Generated from runloop_api/_async/transport.py by scripts/unasync.py. Do not edit.
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

The HTTP/1.1 pools reach the network through :class:`_LeanBackend`, which saves httpcore work
on every request: a request's head is sent together with its body in one write (httpcore writes
them apart, each write a syscall and a timeout scope), and the socket asked for at every reuse
of a connection (is it still open?) is looked up once, not through anyio's attribute table.

With ``http2`` the API's own origin is reached over HTTP/2 (prior knowledge for ``http://``,
ALPN for ``https://``), still through pools side by side: each pool is then one connection
carrying up to :data:`STREAMS_PER_CONNECTION` requests at once, and a new pool (a new
connection) opens only when every pool has that many in flight, so 500 held long-polls take 5
connections instead of 500. Other origins (presigned storage URLs, often HTTP/1.1 only) keep
the HTTP/1.1 pools.
"""

from __future__ import annotations

import ssl
import threading
from collections.abc import Callable, Iterable, Iterator

import httpcore
import httpx
from httpcore._utils import is_socket_readable

__all__ = [
    "PooledTransport",
    "MAX_READ",
    "STREAMS_PER_CONNECTION",
    "SetCookieOnlyJar",
    "h2_missing",
    "next_read_size",
]

POOL_SIZE = 4
"""Connections per httpcore pool: its per-request work grows with the square of this."""

JOIN_LIMIT = 64 * 1024
"""A request's first body write larger than this is not copied to join its head: written after it."""

MAX_READ = 1024 * 1024
"""Most bytes one read of an answer asks for (httpcore asks for 64 KiB; see :func:`next_read_size`)."""

STREAMS_PER_CONNECTION = 100
"""Requests in flight on one HTTP/2 connection before another opens: the fewest concurrent
streams a server should allow (RFC 9113 section 6.5.2); fewer wait inside the connection."""


def h2_missing() -> str | None:
    """Why HTTP/2 cannot be used here (the ``h2`` package is missing), or None."""
    try:
        import h2  # noqa: F401
    except ImportError:
        return "http2=True needs the h2 package: pip install 'runloop-sdk[http2]' (or 'httpx[http2]')"
    return None


class SetCookieOnlyJar(httpx.Cookies):
    """An httpx client's cookies, read from an answer only when it sets one.

    httpx hands every answer to the standard library's cookie jar through two adapter objects,
    about 5% of the client's work per request, though the API sets no cookies.
    """

    def extract_cookies(self, response: httpx.Response) -> None:
        """Stores the cookies ``response`` sets (``Set-Cookie`` or ``Set-Cookie2``), if any."""
        headers = response.headers
        if "set-cookie" in headers or "set-cookie2" in headers:
            super().extract_cookies(response)


class _Pools:
    """Pools side by side for one kind of connection; each request to the least busy."""

    def __init__(self, make: Callable[[], httpx.HTTPTransport], capacity: int, max_pools: int) -> None:
        self._make = make
        self._capacity = capacity
        self._max_pools = max_pools
        self.pools: list[httpx.HTTPTransport] = []
        self.in_flight: list[int] = []

    def acquire(self) -> int:
        """The index of the pool to send through, counted busy by one more request (hold the lock)."""
        busy = self.in_flight
        index = busy.index(min(busy)) if busy else -1
        if index < 0 or (busy[index] >= self._capacity and len(self.pools) < self._max_pools):
            self.pools.append(self._make())
            busy.append(0)
            index = len(busy) - 1
        busy[index] += 1
        return index


class PooledTransport(httpx.BaseTransport):
    """An httpx transport keeping up to ``max_connections`` connections, all of them reused.

    Pools of :data:`POOL_SIZE` connections are made as concurrency needs them; a request goes
    to the pool with the fewest requests in flight (the first such, so few connections serve a
    quiet client), and counts as in flight until its response is closed.

    Args:
        max_connections: Connections at most (rounded up to whole pools).
        verify: The SSL context of every pool (one, so it is built once); None for httpx's own.
        keepalive_expiry: Seconds an idle connection is kept.
        http2_origin: An origin (``scheme://host:port``) to reach over HTTP/2; None for none.

    Raises:
        ValueError: ``max_connections`` is below 1.
        RuntimeError: ``http2_origin`` is given but the ``h2`` package is not installed.
    """

    def __init__(
        self,
        *,
        max_connections: int = 100,
        verify: ssl.SSLContext | None = None,
        keepalive_expiry: float = 5.0,
        http2_origin: str | None = None,
    ) -> None:
        if max_connections < 1:
            raise ValueError(f"max_connections must be at least 1, not {max_connections}")
        if http2_origin is not None and (problem := h2_missing()) is not None:
            raise RuntimeError(problem)
        verify = verify if verify is not None else httpx.create_ssl_context()
        limits = httpx.Limits(
            max_connections=POOL_SIZE, max_keepalive_connections=POOL_SIZE, keepalive_expiry=keepalive_expiry
        )
        self._h1 = _Pools(
            lambda: _LeanHTTP1Transport(verify, keepalive_expiry),
            POOL_SIZE,
            -(-max_connections // POOL_SIZE),
        )
        self._h2: _Pools | None = None
        self._h2_origin: httpx.URL | None = None
        if http2_origin is not None:
            origin = httpx.URL(http2_origin)
            self._h2_origin = origin
            # Cleartext HTTP/2 has no ALPN to agree on it: prior knowledge, as Node's client does.
            # Over TLS, ALPN may still fall back to HTTP/1.1 (then a pool holds POOL_SIZE connections).
            h1_too = origin.scheme == "https"
            self._h2 = _Pools(
                lambda: httpx.HTTPTransport(verify=verify, limits=limits, http1=h1_too, http2=True),
                STREAMS_PER_CONNECTION,
                max_connections,
            )
        # Threads share the sync twin; held only between awaits, the lock costs little here.
        self._lock = threading.Lock()

    def _family(self, url: httpx.URL) -> _Pools:
        origin = self._h2_origin
        if (
            self._h2 is not None
            and origin is not None
            and url.scheme == origin.scheme
            and url.host == origin.host
            and url.port == origin.port
        ):
            return self._h2
        return self._h1

    def _releaser(self, family: _Pools, index: int) -> Callable[[], None]:
        released = False

        def release() -> None:
            nonlocal released
            with self._lock:
                if not released:
                    released = True
                    family.in_flight[index] -= 1

        return release

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Sends ``request`` through the least busy pool of its kind."""
        family = self._family(request.url)
        with self._lock:
            index = family.acquire()
            pool = family.pools[index]
        release = self._releaser(family, index)
        try:
            response = pool.handle_request(request)
        except BaseException:
            release()
            raise
        assert isinstance(response.stream, httpx.SyncByteStream)
        response.stream = _ReleasingStream(response.stream, release)
        return response

    def close(self) -> None:
        """Closes every pool's connections."""
        with self._lock:
            pools = [*self._h1.pools, *(self._h2.pools if self._h2 is not None else [])]
        for pool in pools:
            pool.close()


class _ReleasingStream(httpx.SyncByteStream):
    """A response body that marks its request done in its pool once closed."""

    def __init__(self, stream: httpx.SyncByteStream, release: Callable[[], None]) -> None:
        self._stream = stream
        self._release = release

    def __iter__(self) -> Iterator[bytes]:
        # The body's own iterator, not one more generator wrapped around it for every chunk.
        return self._stream.__iter__()

    def close(self) -> None:
        try:
            self._stream.close()
        finally:
            self._release()


class _LeanHTTP1Transport(httpx.HTTPTransport):
    """httpx's transport for one pool of HTTP/1.1 connections, reaching the network through :class:`_LeanBackend`."""

    def __init__(self, verify: ssl.SSLContext, keepalive_expiry: float) -> None:
        super().__init__(verify=verify)
        # httpx makes its pool without a way to pass a network backend: this one replaces it.
        self._pool = httpcore.ConnectionPool(
            ssl_context=verify,
            max_connections=POOL_SIZE,
            max_keepalive_connections=POOL_SIZE,
            keepalive_expiry=keepalive_expiry,
            http1=True,
            http2=False,
            network_backend=_LeanBackend(),
        )


class _LeanBackend(httpcore.NetworkBackend):
    """httpcore's own backend, each connection wrapped in a :class:`_LeanStream` (HTTP/1.1 only)."""

    def __init__(self) -> None:
        self._backend = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._backend.connect_tcp(host, port, timeout, local_address, socket_options)
        return _LeanStream(stream)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        return _LeanStream(self._backend.connect_unix_socket(path, timeout, socket_options))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


def next_read_size(asked: int, got: int) -> int:
    """How many bytes the next read of a connection asks for, after one that asked ``asked``
    (what httpcore asks: 64 KiB) and got ``got``.

    Each read costs httpcore, h11 and httpx about 20 microseconds of Python besides the copy: a
    fast stream of output (hundreds of MB/s) spent a sixth of the client's time there, 16 reads
    a MiB. A read that got all httpcore asked for says an answer is arriving in bulk, so the next
    asks up to :data:`MAX_READ` (a socket read returns what is there, no more); a shorter read
    (an answer that ended, a stream that caught up) goes back to httpcore's size, so small
    answers never ask for large buffers.
    """
    return MAX_READ if got >= asked else asked


class _LeanStream(httpcore.NetworkStream):
    """One HTTP/1.1 connection: a request's head waits for its body's first write, to go in one.

    httpcore writes a request's head, then each body chunk; the head is held until the next
    write (joined to it) or the first read (a request without a body). Nothing else is held,
    and HTTP/1.1 sends nothing on a connection while it reads an answer, so no write waits on a
    read. Not for HTTP/2, where one stream may read while another writes.
    """

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream
        self._socket = stream.get_extra_info("socket")
        self._head = b""
        self._request_starts = True
        self._read_size = 0  # 0: what httpcore asks

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        if self._head:
            head, self._head = self._head, b""
            self._stream.write(head, timeout)
        self._request_starts = True
        size = max(self._read_size, max_bytes)
        data = self._stream.read(size, timeout)
        self._read_size = next_read_size(max_bytes, len(data))
        return data

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        if self._request_starts:
            self._request_starts = False
            self._head = buffer
            return
        if self._head:
            head, self._head = self._head, b""
            if len(buffer) <= JOIN_LIMIT:
                self._stream.write(head + buffer, timeout)
                return
            self._stream.write(head, timeout)
        self._stream.write(buffer, timeout)

    def close(self) -> None:
        self._head = b""
        self._stream.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        return _LeanStream(self._stream.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> object:
        if info == "socket":
            return self._socket
        if info == "is_readable":
            # Asked before each reuse of an idle connection: is it closed (or sent us something)?
            return is_socket_readable(self._socket)
        return self._stream.get_extra_info(info)
