"""A loopback TCP proxy that breaks connections at random: resets them, or cuts their responses.

Put it in front of an engine and point a client at :attr:`FaultProxy.base_url`. Each accepted
connection gets a fate, drawn from a seeded random generator (:func:`choose_fate`):

- ``pass``: bytes flow both ways untouched;
- ``reset``: after ``after`` bytes from the client were passed on (0: at once), the client's
  socket is reset (RST) and the upstream connection dropped; with the whole request through, the
  server may act on a request whose answer the client never sees;
- ``cut``: after ``after`` bytes of the server's answers were passed on, both sides are closed
  (FIN): the client sees a response (or an event stream) end in the middle.

Connections are kept alive by the clients, so one fate covers every request a connection carries;
a fault whose byte count is not reached never fires. The proxy runs its own event loop in a
thread, so sync and async clients can use it alike (a bench too).
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import socket
import struct
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Literal
from urllib.parse import urlsplit

__all__ = ["Fate", "FaultProxy", "choose_fate"]

FateKind = Literal["pass", "reset", "cut"]
CHUNK = 64 * 1024
# Faults land anywhere from the first byte to deep into a long answer: byte counts are drawn
# log-uniformly, so small answers (JSON) and long ones (event streams, downloads) both get cut.
MAX_RESET_LOG2 = 12  # up to 4 KiB of request bytes: within the first request or two
MAX_CUT_LOG2 = 18  # up to 256 KiB of answer bytes


@dataclass(frozen=True)
class Fate:
    """What happens to one connection.

    Attributes:
        kind: ``pass``, ``reset`` or ``cut``.
        after: Bytes passed on before the fault (client bytes for a reset, server bytes for a cut).
    """

    kind: FateKind
    after: int = 0


def choose_fate(rng: random.Random, fault_rate: float) -> Fate:
    """Draws one connection's fate: a fault with probability ``fault_rate``, reset or cut alike.

    Raises:
        ValueError: When ``fault_rate`` is not within [0, 1].
    """
    if not 0.0 <= fault_rate <= 1.0:
        raise ValueError(f"fault_rate must be within [0, 1], got {fault_rate!r}")
    if rng.random() >= fault_rate:
        return Fate("pass")
    if rng.random() < 0.5:
        return Fate("reset", int(2 ** rng.uniform(0, MAX_RESET_LOG2)) - 1)
    return Fate("cut", int(2 ** rng.uniform(0, MAX_CUT_LOG2)) - 1)


class _Trip(Exception):
    """A connection's byte budget ran out: its fault fires."""


class FaultProxy:
    """The proxy, listening on 127.0.0.1 (a free port) in front of ``upstream``.

    Args:
        upstream: The base URL of the server, e.g. ``engine.base_url``.
        fault_rate: Share of connections that get a fault.
        seed: Seed of the fates.
        script: Fates of the first connections, in order (the random ones follow).

    Attributes:
        fates: How many connections got each kind of fate so far.
    """

    def __init__(
        self, upstream: str, *, fault_rate: float, seed: int = 0, script: Sequence[Fate] = ()
    ) -> None:
        parts = urlsplit(upstream)
        if parts.scheme != "http" or parts.hostname is None or parts.port is None:
            raise ValueError(f"upstream must be http://host:port, got {upstream!r}")
        choose_fate(random.Random(0), fault_rate)  # checks the rate now, not in the loop
        self._upstream = (parts.hostname, parts.port)
        self._fault_rate = fault_rate
        self._rng = random.Random(seed)
        self._script = list(script)
        self.fates: Counter[FateKind] = Counter()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="fault-proxy", daemon=True)
        self._server: asyncio.base_events.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self.port = 0

    @property
    def base_url(self) -> str:
        """The URL clients use instead of the upstream's."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FaultProxy:
        """Starts listening (returns once the port is open)."""
        self._thread.start()
        self._server = asyncio.run_coroutine_threadsafe(self._listen(), self._loop).result(10)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def stop(self) -> None:
        """Closes the listener and every open connection, and ends the thread."""
        if self._thread.is_alive():
            asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(10)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
        self._loop.close()

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    async def _listen(self) -> asyncio.base_events.Server:
        return await asyncio.start_server(self._accepted, "127.0.0.1", 0)

    async def _shutdown(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _accepted(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)  # type: ignore[arg-type]
        try:
            fate = self._script.pop(0) if self._script else choose_fate(self._rng, self._fault_rate)
            await self._serve(reader, writer, fate)
        finally:
            self._tasks.discard(task)  # type: ignore[arg-type]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, fate: Fate) -> None:
        self.fates[fate.kind] += 1
        try:
            up_reader, up_writer = await asyncio.open_connection(*self._upstream)
        except OSError:
            _reset(writer)
            return
        up_budget = fate.after if fate.kind == "reset" else None
        down_budget = fate.after if fate.kind == "cut" else None
        pumps = [
            asyncio.ensure_future(_pump(reader, up_writer, up_budget)),
            asyncio.ensure_future(_pump(up_reader, writer, down_budget)),
        ]
        try:
            # Ends when both sides closed, or at once when a fault fires or a side breaks.
            await asyncio.wait(pumps, return_when=asyncio.FIRST_EXCEPTION)
        finally:
            for pump in pumps:
                pump.cancel()
            await asyncio.gather(*pumps, return_exceptions=True)
            if fate.kind == "reset":
                _reset(writer)
            else:
                _close(writer)
            up_writer.transport.abort()


async def _pump(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, budget: int | None) -> None:
    """Copies bytes until EOF (passed on as EOF); raises :class:`_Trip` once ``budget`` bytes went
    through, and OSError when a side breaks."""
    passed = 0
    while True:
        if budget is not None and passed >= budget:
            raise _Trip
        data = await reader.read(CHUNK if budget is None else min(CHUNK, budget - passed))
        if not data:
            if writer.can_write_eof():
                writer.write_eof()
            return
        writer.write(data)
        await writer.drain()
        passed += len(data)


def _reset(writer: asyncio.StreamWriter) -> None:
    """Closes with a TCP RST (SO_LINGER 0), as a crashed peer or middlebox would."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


def _close(writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(OSError):
        writer.close()
