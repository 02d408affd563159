"""In-memory state of running devboxes and executions, on the engine's event loop."""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field
from pathlib import Path

from .records import ExecutionRecord
from .sandbox.contract import ExecHandle, Sandbox
from .store import Store

__all__ = ["FLUSH_BYTES", "LiveDevbox", "LiveExecution", "Notifier", "now_ms"]

FLUSH_BYTES = 64 * 1024
"""Output is written to the database once this much is pending (and on every reaper tick)."""

STREAMS = ("stdout", "stderr")


def now_ms() -> int:
    """Now, Unix milliseconds."""
    return time.time_ns() // 1_000_000


class Notifier:
    """Wakes every waiter when something changed (output, status)."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        """Wakes the current waiters."""
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, timeout: float) -> bool:
        """Waits for the next change; False when ``timeout`` passed first."""
        event = self._event
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(event.wait(), timeout)
            return True
        return False


class LiveExecution:
    """A running execution: its handle and the output not yet written to the database.

    Output older than what is held in memory is in the database already, so a reader at any
    offset gets every byte exactly once.
    """

    def __init__(self, rec: ExecutionRecord, store: Store) -> None:
        self.rec = rec
        self.handle: ExecHandle | None = None
        self.changed = Notifier()
        self.done = asyncio.Event()
        self._store = store
        self._pending = {s: bytearray() for s in STREAMS}
        self._base = {s: 0 for s in STREAMS}

    def on_stdout(self, data: bytes) -> None:
        """Output callback of the sandbox (stdout)."""
        self._append("stdout", data)

    def on_stderr(self, data: bytes) -> None:
        """Output callback of the sandbox (stderr)."""
        self._append("stderr", data)

    def _append(self, stream: str, data: bytes) -> None:
        if not data:
            return
        pending = self._pending[stream]
        pending += data
        if len(pending) >= FLUSH_BYTES:
            self.flush()
        self.changed.notify()

    def length(self, stream: str) -> int:
        """Bytes produced so far on ``stream``."""
        return self._base[stream] + len(self._pending[stream])

    def flush(self) -> None:
        """Writes pending output to the database and forgets it."""
        for stream in STREAMS:
            pending = self._pending[stream]
            if pending:
                self._store.append_output(self.rec.id, stream, self._base[stream], bytes(pending))
                self._base[stream] += len(pending)
                pending.clear()
        self.rec.stdout_len = self._base["stdout"]
        self.rec.stderr_len = self._base["stderr"]

    def read(self, stream: str, offset: int) -> bytes:
        """Output of ``stream`` from byte position ``offset`` to now."""
        base = self._base[stream]
        pending = self._pending[stream]
        if offset >= base:
            return bytes(pending[offset - base :])
        return self._store.read_output(self.rec.id, stream, offset) + bytes(pending)


@dataclass
class LiveDevbox:
    """A devbox with (or getting) a sandbox on this machine."""

    id: str
    root: Path
    sandbox: Sandbox | None = None
    executions: dict[str, LiveExecution] = field(default_factory=dict)
    last_activity_ms: int = field(default_factory=now_ms)
    entrypoint_id: str | None = None

    @property
    def busy(self) -> bool:
        """Whether a user execution (not the entrypoint) is running."""
        return any(eid != self.entrypoint_id for eid in self.executions)

    def touch(self) -> None:
        """Records activity (resets the idle timer)."""
        self.last_activity_ms = now_ms()
