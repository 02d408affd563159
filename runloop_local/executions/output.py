"""Reading executions: records, output at an offset, views with tails, and output streams."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

from runloop_api.types import DevboxAsyncExecutionDetailView

from ..devboxes.records import DevboxRecord
from ..devboxes.store import Store
from ..http.errors import not_found
from .live import LiveExecution
from .records import ExecutionRecord, execution_view
from .rules import gather_first, stream_chunk, view_start

__all__ = ["KEEPALIVE_SECONDS", "MAX_VIEW_BYTES", "STREAM_CHUNK_BYTES", "ExecutionReader"]

STREAM_CHUNK_BYTES = 1024 * 1024
"""Largest output chunk of one server-sent event (64 KiB events held the engine's own stream to
about 200 MB/s: each costs a database read, a model and a send)."""

MAX_VIEW_BYTES = 4 * 1024 * 1024
"""Most output bytes per stream in an execution view."""

GATHER_BYTES = 256 * 1024
"""A running command's chunk smaller than this waits :data:`GATHER_SECONDS` for more output
(see ``rules.gather_first``): events of about 100 KiB held the engine's stream of a fast command
under 120 MB/s."""

GATHER_SECONDS = 0.002
"""How long a small chunk waits for more (once): unnoticeable for output read by a person."""

KEEPALIVE_SECONDS = 10.0
"""A stream with nothing new sends a comment this often, so idle connections stay open."""


class ExecutionReader:
    """Reads executions, live ones from memory (and their files), finished ones from the database
    and their files.

    Args:
        store: The engine's database.
        running: The live executions by id (shared with the service that starts them).
        get_devbox: The devbox record of an id (raises 404 for an unknown one).
    """

    def __init__(
        self, store: Store, running: dict[str, LiveExecution], get_devbox: Callable[[str], DevboxRecord]
    ) -> None:
        self._store = store
        self._running = running
        self._get_devbox = get_devbox

    def record(self, devbox_id: str, execution_id: str) -> ExecutionRecord:
        """An execution's record (live state when running).

        Raises:
            ApiError: 404 for an unknown devbox or execution.
        """
        self._get_devbox(devbox_id)
        ex = self._running.get(execution_id)
        rec = ex.rec if ex is not None else self._store.get_execution(execution_id)
        if rec is None or rec.devbox_id != devbox_id:
            raise not_found("execution", execution_id)
        return rec

    def output(
        self,
        rec: ExecutionRecord,
        stream: str,
        offset: int = 0,
        live: LiveExecution | None = None,
        limit: int | None = None,
    ) -> bytes:
        """Output of an execution from byte ``offset`` to now, at most ``limit`` bytes.

        ``live`` is its live state, when the caller has it at hand. A finished execution's
        record says how long its output is: a file never counts past it.
        """
        ex = live or self._running.get(rec.id)
        if ex is not None:
            return ex.read(stream, offset, limit)
        stored = rec.stdout_len if stream == "stdout" else rec.stderr_len
        most = stored - offset if limit is None else min(limit, stored - offset)
        if rec.output_in_db:
            return self._store.small_output(rec.id, stream)[offset : offset + max(0, most)]
        return self._store.output_files.read(rec.devbox_id, rec.id, stream, offset, most)

    def view(
        self, rec: ExecutionRecord, last_n: int | None, live: LiveExecution | None = None
    ) -> DevboxAsyncExecutionDetailView:
        """The spec's view of an execution with the last ``last_n`` lines of output.

        At most the last :data:`MAX_VIEW_BYTES` of each stream are shown (``*_truncated`` says
        so); the streams give all of it.
        """
        out, out_cut = self._tail(rec, "stdout", live)
        err, err_cut = self._tail(rec, "stderr", live)
        return execution_view(rec, out, err, last_n, stdout_cut=out_cut, stderr_cut=err_cut)

    def _tail(self, rec: ExecutionRecord, stream: str, live: LiveExecution | None) -> tuple[bytes, bool]:
        ex = live or self._running.get(rec.id)
        if ex is not None:
            total = ex.length(stream)
        else:
            total = rec.stdout_len if stream == "stdout" else rec.stderr_len
        start = max(0, total - MAX_VIEW_BYTES)
        data = self.output(rec, stream, start, live=ex)
        return view_start(data, cut=start > 0)

    async def stream(
        self, rec: ExecutionRecord, stream: str, offset: int
    ) -> AsyncIterator[tuple[bytes, int] | None]:
        """Chunks of output from byte ``offset`` until the execution completed and all was sent.

        Each chunk is an ExecUpdateChunkView's ``(output, offset)``: its bytes (whole characters
        but for invalid UTF-8, which the event shows replaced), and the byte
        position just after it (the resume point). Yields
        None when nothing happened for a while (the caller sends a keep-alive comment).
        """
        position = offset
        gathered = False
        while True:
            ex = self._running.get(rec.id)
            done = ex is None or ex.done.is_set()
            data = self.output(rec, stream, position, live=ex, limit=STREAM_CHUNK_BYTES)
            data = stream_chunk(data, done=done, limit=STREAM_CHUNK_BYTES)
            if gather_first(len(data), done=done, gathered=gathered, least=GATHER_BYTES):
                gathered = True
                await asyncio.sleep(GATHER_SECONDS)
                continue
            gathered = False
            if data:
                position += len(data)
                yield data, position
                continue
            if done:
                return
            assert ex is not None
            if not await ex.changed.wait(KEEPALIVE_SECONDS):
                yield None
