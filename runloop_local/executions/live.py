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

FLUSH_BYTES = 1024 * 1024
"""Output is written to the database once this much is pending (and on every reaper tick): a
row per MiB, where 64 KiB rows cost a fast command a quarter of its output speed."""

STREAMS = ("stdout", "stderr")


class LiveExecution:
    """A running execution: its handle and the output not yet written to the database.

    Output older than what is held in memory is in the database already, so a reader at any
    offset gets every byte exactly once.
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
        self._memory = {s: bytearray() for s in STREAMS}
        self._memory_start = {s: 0 for s in STREAMS}
        """Byte position where the in-memory output of each stream starts."""
        self._persisted = {s: 0 for s in STREAMS}
        """Bytes of each stream already in the database."""

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
        if not data:
            return
        memory = self._memory[stream]
        memory += data
        if self.length(stream) - self._persisted[stream] >= FLUSH_BYTES:
            self.flush()
        self.changed.notify()

    def length(self, stream: str) -> int:
        """Bytes produced so far on ``stream``."""
        return self._memory_start[stream] + len(self._memory[stream])

    def flush(self, *, keep: bool = False) -> None:
        """Writes output not yet in the database there.

        Args:
            keep: Keep the output in memory too (the final flush of a small output, so the
                answer that follows needs no database read).
        """
        for stream in STREAMS:
            memory, start = self._memory[stream], self._memory_start[stream]
            persisted, total = self._persisted[stream], self.length(stream)
            if total > persisted:
                self._store.append_output(self.rec.id, stream, persisted, bytes(memory[persisted - start :]))
                self._persisted[stream] = total
            if not keep:
                memory.clear()
                self._memory_start[stream] = total
        self.rec.stdout_len = self._persisted["stdout"]
        self.rec.stderr_len = self._persisted["stderr"]

    def read(self, stream: str, offset: int, limit: int | None = None) -> bytes:
        """Output of ``stream`` from byte position ``offset`` to now, at most ``limit`` bytes."""
        start = self._memory_start[stream]
        memory = self._memory[stream]
        if offset >= start:
            end = None if limit is None else offset - start + limit
            return bytes(memory[offset - start : end])
        stored_limit = start - offset if limit is None else min(start - offset, limit)
        data = self._store.read_output(self.rec.id, stream, offset, stored_limit)
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
