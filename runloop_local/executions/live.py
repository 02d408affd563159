"""In-memory state of running devboxes and executions, on the engine's event loop."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path

from ..db.clock import now_ms
from ..db.notifier import Notifier
from ..devboxes.store import Store
from ..network.devbox_network import DevboxNetwork
from ..sandbox.contract import ExecHandle, Sandbox
from .records import ExecutionRecord

__all__ = ["FLUSH_BYTES", "LiveDevbox", "LiveExecution"]

FLUSH_BYTES = 256 * 1024
"""Output is written to its file once this much is pending (and on every reaper tick, and at the
end): a command that prints little makes no file while it runs, one that prints much costs a
``pwrite`` per quarter MiB."""

STREAMS = ("stdout", "stderr")


class LiveExecution:
    """A running execution: its handle and the output not yet written to its files.

    Output older than what is held in memory is in the files already, so a reader at any offset
    gets every byte exactly once.
    """

    def __init__(self, rec: ExecutionRecord, store: Store) -> None:
        self.rec = rec
        self.handle: ExecHandle | None = None
        self.saved = True
        """Whether its start is in the database (see ``ExecutionService.run``)."""
        self.changed = Notifier()
        self.done = asyncio.Event()
        self._end_waiters: list[asyncio.Future[None]] = []
        self._store = store
        self._files = {s: store.output_files.file(rec.devbox_id, rec.id, s) for s in STREAMS}
        self._memory = {s: bytearray() for s in STREAMS}
        self._memory_start = {s: 0 for s in STREAMS}
        """Byte position where the in-memory output of each stream starts."""
        self._persisted = {s: 0 for s in STREAMS}
        """Bytes of each stream already in its file."""
        self._closed = False

    async def wait_done(self, timeout: float | None) -> None:
        """Waits until the execution has ended, at most ``timeout`` seconds (None: no limit).

        Cheaper than ``asyncio.wait_for(done.wait(), timeout)``, which makes a task of every
        wait: this is on the path of every ``execute``.
        """
        if self.done.is_set() or timeout == 0:
            return
        ended: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._end_waiters.append(ended)
        try:
            await asyncio.wait((ended,), timeout=timeout)
        finally:
            if ended in self._end_waiters:
                self._end_waiters.remove(ended)

    def mark_done(self) -> None:
        """Marks the execution ended: wakes whoever waits for it."""
        self.done.set()
        for ended in self._end_waiters:
            if not ended.done():
                ended.set_result(None)
        self._end_waiters.clear()

    def on_stdout(self, data: bytes) -> None:
        """Output callback of the sandbox (stdout)."""
        self._append("stdout", data)

    def on_stderr(self, data: bytes) -> None:
        """Output callback of the sandbox (stderr)."""
        self._append("stderr", data)

    def _append(self, stream: str, data: bytes) -> None:
        if not data or self._closed:  # nothing counts after the end (the record is final)
            return
        memory = self._memory[stream]
        if not memory and len(data) >= FLUSH_BYTES:  # straight to the file, no copy in memory
            self._files[stream].write(self._persisted[stream], data)
            self._persisted[stream] += len(data)
            self._memory_start[stream] = self._persisted[stream]
        else:
            memory += data
            if len(memory) >= FLUSH_BYTES:
                self._write(stream, keep=False)
        self.changed.notify()

    def length(self, stream: str) -> int:
        """Bytes produced so far on ``stream``."""
        return self._memory_start[stream] + len(self._memory[stream])

    def _write(self, stream: str, *, keep: bool) -> None:
        memory, start = self._memory[stream], self._memory_start[stream]
        persisted, total = self._persisted[stream], self.length(stream)
        if total > persisted:
            self._files[stream].write(persisted, memoryview(memory)[persisted - start :])
            self._persisted[stream] = total
        if not keep:
            memory.clear()
            self._memory_start[stream] = total

    def flush(self, *, keep: bool = False) -> None:
        """Writes output not yet in the files there, and its lengths into the record (in memory:
        the caller writes the record).

        Args:
            keep: Keep the output in memory too (the final flush of a small output, so the
                answer that follows needs no file read).
        """
        for stream in STREAMS:
            self._write(stream, keep=keep)
        self.rec.stdout_len = self._persisted["stdout"]
        self.rec.stderr_len = self._persisted["stderr"]

    def settle(self, *, keep: bool) -> None:
        """Puts the output of the ended execution where it stays, and its lengths into the record
        (in memory: the caller writes the record, in the same transaction).

        Output that never reached a file and is to be kept in memory (``keep``: small) goes into
        the database whole (``output_in_db``); any other into the files. Either way nothing is
        read back for the answer that follows when ``keep``.
        """
        if keep and not any(self._persisted.values()):
            for stream in STREAMS:
                if self._memory[stream]:
                    self._store.put_small_output(self.rec.id, stream, bytes(self._memory[stream]))
            self.rec.output_in_db = True
            self.rec.stdout_len = self.length("stdout")
            self.rec.stderr_len = self.length("stderr")
        else:
            self.flush(keep=keep)
        self.close()

    def close(self) -> None:
        """Closes the output files (the execution has ended; they stay for readers)."""
        self._closed = True
        for file in self._files.values():
            file.close()

    def read(self, stream: str, offset: int, limit: int | None = None) -> bytes:
        """Output of ``stream`` from byte position ``offset`` to now, at most ``limit`` bytes."""
        start = self._memory_start[stream]
        memory = self._memory[stream]
        if offset >= start:
            end = None if limit is None else offset - start + limit
            return bytes(memory[offset - start : end])
        stored_limit = start - offset if limit is None else min(start - offset, limit)
        data = self._files[stream].read(offset, stored_limit)
        if limit is not None and len(data) >= limit:
            return data
        return data + bytes(memory if limit is None else memory[: limit - len(data)])


@dataclass
class LiveDevbox:
    """A devbox with (or getting) a sandbox on this machine."""

    id: str
    root: Path
    sandbox: Sandbox | None = None
    executions: dict[str, LiveExecution] = field(default_factory=dict)
    last_activity_ms: int = field(default_factory=now_ms)
    entrypoint_id: str | None = None
    network: DevboxNetwork | None = None
    """Its network namespace, filter and proxy when its policy restricts egress (None: the host's)."""

    @property
    def netns_pid(self) -> int | None:
        """The process holding its network namespace (None: it shares the host's network)."""
        return self.network.netns_pid if self.network is not None else None

    @property
    def busy(self) -> bool:
        """Whether a user execution (not the entrypoint) is running."""
        return any(eid != self.entrypoint_id for eid in self.executions)

    def touch(self) -> None:
        """Records activity (resets the idle timer)."""
        self.last_activity_ms = now_ms()
