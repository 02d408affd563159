"""The reaper: flushes pending output, notices dead sandboxes, applies keep-alive and idle timers."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from ..db.clock import now_ms
from ..executions.live import LiveDevbox
from .ports import DevboxHost
from .records import DevboxRecord
from .rules import reap_action

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
    """Runs :meth:`reap_once` every ``interval`` seconds on the engine's loop."""

    def __init__(self, service: ReaperHost, interval: float) -> None:
        self._service = service
        self._interval = interval
        self._task: asyncio.Task[None] | None = None

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

    async def _forever(self) -> None:
        checkpoint: asyncio.Task[None] | None = None
        while True:
            await asyncio.sleep(self._interval)
            try:
                await self.reap_once()
            except Exception:
                log.exception("the reaper failed; it keeps running")
            if checkpoint is None or checkpoint.done():
                checkpoint = asyncio.create_task(self._checkpoint())

    async def _checkpoint(self) -> None:
        try:
            await asyncio.to_thread(self._service.store.checkpoint)
        except Exception:
            log.exception("the database checkpoint failed; the next tick tries again")

    async def reap_once(self) -> None:
        """Flushes pending output and applies keep-alive and idle timers once."""
        service = self._service
        now = now_ms()
        for live in list(service.live.values()):
            for ex in list(live.executions.values()):
                ex.flush()
            rec = service.store.peek_devbox(live.id)  # no database read once known
            if rec is None:
                continue
            if rec.status == "running" and live.sandbox is not None and not live.sandbox.alive:
                await self._sandbox_died(live)
                continue
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
                continue
            if action.action == "suspend":
                await service.suspend(rec.id, reason=action.reason)
            else:
                await service.shutdown(rec.id, reason=action.reason)

    async def _sandbox_died(self, live: LiveDevbox) -> None:
        """A running devbox whose sandbox ended on its own is a failure (its processes are gone)."""
        self._service.log(live.id, "the sandbox stopped unexpectedly; the devbox failed", level="error")
        self._service.advance(live.id, "failure", failure_reason="health_check_failed")
        await self._service.stop_live(live)
