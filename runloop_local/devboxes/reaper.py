"""The reaper: flushes pending output, notices dead sandboxes, applies keep-alive and idle timers.

Its work on a tick is proportional to what is due, not to the devboxes there are: it flushes
the running executions only, and looks at a devbox's timers when they may expire (a heap of
those times, see :func:`.rules.reap_due_ms`), so hundreds of idle devboxes cost it next to
nothing. The one sweep over every live devbox is a liveness test of its sandbox (an attribute
read each).
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from ..db.clock import now_ms
from ..executions.live import LiveDevbox, LiveExecution
from .ports import DevboxHost
from .records import DevboxRecord
from .rules import reap_action, reap_due_ms

__all__ = ["Reaper", "ReaperHost", "Timers", "timers_of"]

log = logging.getLogger("runloop_local")


class ReaperHost(DevboxHost, Protocol):
    """What the reaper needs of the devbox service."""

    async def suspend(self, id: str, reason: str | None = None) -> DevboxRecord:
        """Suspends a running devbox."""
        ...

    async def shutdown(self, id: str, reason: str = "api_shutdown") -> DevboxRecord:
        """Shuts a devbox down."""
        ...

    @property
    def running_executions(self) -> Mapping[str, LiveExecution]:
        """The executions running now (their output may be pending), by id."""
        ...


@dataclass(frozen=True)
class Timers:
    """A devbox's timers, from its launch parameters."""

    keep_alive_seconds: int | None
    idle_seconds: int | None
    on_idle: str | None


def timers_of(launch_parameters: Mapping[str, Any]) -> Timers:
    """The timers of a devbox; ``after_idle`` may also sit under ``lifecycle``."""
    lp = launch_parameters
    after_idle = lp.get("after_idle") or (lp.get("lifecycle") or {}).get("after_idle") or {}
    return Timers(
        keep_alive_seconds=lp.get("keep_alive_time_seconds"),
        idle_seconds=after_idle.get("idle_time_seconds"),
        on_idle=after_idle.get("on_idle"),
    )


class Reaper:
    """Runs :meth:`reap_once` every ``interval`` seconds on the engine's loop.

    A devbox's timers are looked at once :meth:`watch` has been called for it (when it starts
    running), and then again each time they may expire.
    """

    def __init__(self, service: ReaperHost, interval: float) -> None:
        self._service = service
        self._interval = interval
        self._task: asyncio.Task[None] | None = None
        self._due: list[tuple[int, str]] = []
        """A heap of (when to look, devbox id); an entry is stale unless ``_scheduled`` has it."""
        self._scheduled: dict[str, int] = {}
        self._checkpointed_changes = -1

    def start(self) -> None:
        """Starts the periodic task."""
        self._task = asyncio.create_task(self._forever())

    async def stop(self) -> None:
        """Stops the periodic task (idempotent)."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def watch(self, id: str) -> None:
        """Looks at devbox ``id``'s timers on the next tick (it has just started running)."""
        self._schedule(id, 0)

    @property
    def watched(self) -> int:
        """How many devboxes have their timers looked at some time (for tests and benches)."""
        return len(self._scheduled)

    def _schedule(self, id: str, at_ms: int) -> None:
        self._scheduled[id] = at_ms
        heapq.heappush(self._due, (at_ms, id))

    async def _forever(self) -> None:
        checkpoint: asyncio.Task[None] | None = None
        while True:
            await asyncio.sleep(self._interval)
            try:
                await self.reap_once()
            except Exception:
                log.exception("the reaper failed; it keeps running")
            changes = self._service.store.changes
            if changes != self._checkpointed_changes and (checkpoint is None or checkpoint.done()):
                # Nothing written since the last checkpoint: nothing to copy, no thread to wake.
                self._checkpointed_changes = changes
                checkpoint = asyncio.create_task(self._checkpoint())

    async def _checkpoint(self) -> None:
        try:
            await asyncio.to_thread(self._service.store.checkpoint)
        except Exception:
            self._checkpointed_changes = -1
            log.exception("the database checkpoint failed; the next tick tries again")

    async def reap_once(self) -> None:
        """Flushes pending output, fails devboxes whose sandbox died, and applies the timers due."""
        service = self._service
        for ex in list(service.running_executions.values()):
            ex.flush()
        dead = [live for live in service.live.values() if live.sandbox is not None and not live.sandbox.alive]
        for live in dead:
            rec = service.store.peek_devbox(live.id)
            if rec is not None and rec.status == "running" and service.live.get(live.id) is live:
                await self._sandbox_died(live)
        now = now_ms()
        later: list[tuple[str, int]] = []
        while self._due and self._due[0][0] <= now:
            at_ms, id = heapq.heappop(self._due)
            if self._scheduled.get(id) != at_ms:
                continue  # stale: the devbox was scheduled again since
            del self._scheduled[id]
            due = await self._reap(id, now)
            if due is not None:
                later.append((id, max(due, now + 1)))  # never again on this tick
        for id, at_ms in later:
            if id not in self._scheduled:
                self._schedule(id, at_ms)

    async def _reap(self, id: str, now: int) -> int | None:
        """Applies devbox ``id``'s timers if they expired; returns when to look at it next (None: no more)."""
        service = self._service
        live = service.live.get(id)
        rec = service.store.peek_devbox(id) if live is not None else None  # no database read once known
        if live is None or rec is None:
            return None
        timers = timers_of(rec.launch_parameters)
        action = reap_action(
            status=rec.status,
            now_ms=now,
            keep_alive_since_ms=rec.keep_alive_since_ms,
            keep_alive_seconds=timers.keep_alive_seconds,
            idle_seconds=timers.idle_seconds,
            on_idle=timers.on_idle,
            last_activity_ms=live.last_activity_ms,
            busy=live.busy,
        )
        if action is None:
            return reap_due_ms(
                status=rec.status,
                now_ms=now,
                keep_alive_since_ms=rec.keep_alive_since_ms,
                keep_alive_seconds=timers.keep_alive_seconds,
                idle_seconds=timers.idle_seconds,
                last_activity_ms=live.last_activity_ms,
                busy=live.busy,
            )
        if action.action == "suspend":
            await service.suspend(rec.id, reason=action.reason)
        else:
            await service.shutdown(rec.id, reason=action.reason)
        return None

    async def _sandbox_died(self, live: LiveDevbox) -> None:
        """A running devbox whose sandbox ended on its own is a failure (its processes are gone)."""
        self._service.log(live.id, "the sandbox stopped unexpectedly; the devbox failed", level="error")
        self._service.advance(live.id, "failure", failure_reason="health_check_failed")
        await self._service.stop_live(live)
