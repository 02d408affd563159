"""The devbox service: records, lifecycle and sandboxes, on the engine's event loop.

Status changes always go through :meth:`DevboxService._advance`, which re-reads the record and
checks the change with :mod:`.lifecycle`; a boot that finds its devbox shut down meanwhile
stops its sandbox and gives up, so shutdown never races a half-started devbox into running.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from runloop_api.types import DevboxCreateParameters, DevboxUpdateParameters

from .errors import ApiError, bad_request, not_found
from .executions import new_id
from .files import resolve_path
from .lifecycle import (
    ACTIVE_STATUSES,
    TERMINAL_STATUSES,
    LifecycleError,
    reap_action,
    recovered_status,
    transition_record,
)
from .live import LiveDevbox, Notifier, now_ms
from .records import DevboxRecord
from .sandbox.contract import Isolation, Sandbox, SandboxError, SandboxSpec
from .store import DataDirLock, Store

__all__ = ["DevboxService", "StartSandbox"]

log = logging.getLogger("runloop_local")

StartSandbox = Callable[[SandboxSpec], Awaitable[Sandbox]]

_UNSUPPORTED_CREATE_FIELDS = (
    "blueprint_id",
    "blueprint_name",
    "snapshot_id",
    "code_mounts",
    "mounts",
    "gateways",
    "mcp",
    "secrets",
    "tunnel",
)


def _default_start_sandbox() -> StartSandbox:
    from . import sandbox

    start: StartSandbox | None = getattr(sandbox, "start_sandbox", None)
    if start is None:
        raise SandboxError("runloop_local.sandbox has no start_sandbox yet")
    return start


class DevboxService:
    """Devbox records and their sandboxes.

    Args:
        data_dir: Where the database and the devboxes' folders live.
        isolation: How sandboxes are isolated (``auto``, ``bwrap``, ``none``).
        start_sandbox: Starts a sandbox; defaults to ``runloop_local.sandbox.start_sandbox``.
        reaper_interval: Seconds between checks of keep-alive and idle timers.
    """

    def __init__(
        self,
        data_dir: Path,
        isolation: Isolation = "auto",
        *,
        start_sandbox: StartSandbox | None = None,
        reaper_interval: float = 0.25,
    ) -> None:
        self.data_dir = data_dir
        self._lock = DataDirLock(data_dir)
        try:
            self.store = Store(data_dir / "engine.sqlite3")
        except BaseException:
            self._lock.release()
            raise
        self.isolation: Isolation = isolation
        self.live: dict[str, LiveDevbox] = {}
        self._start_sandbox = start_sandbox
        self._notifiers: dict[str, Notifier] = {}
        self._reaper_interval = reaper_interval
        self._reaper: asyncio.Task[None] | None = None
        self._closing = False
        self._tasks: set[asyncio.Task[None]] = set()
        # Imported here: the executions half needs the service, the service hands it live devboxes.
        from .exec_service import ExecutionService

        self.execs = ExecutionService(self)

    # -- start and stop -------------------------------------------------------------------------

    async def start(self) -> None:
        """Recovers records left by a previous engine process and starts the reaper."""
        self.recover()
        self._reaper = asyncio.create_task(self._reap_forever())

    def recover(self) -> None:
        """Reports devboxes and executions whose processes ended with the previous engine truthfully.

        A live devbox becomes ``suspended`` (files intact; ``resume`` starts it again); an
        execution still running is completed with exit status 137 (killed).
        """
        now = now_ms()
        for rec in self.store.devboxes_with_status(ACTIVE_STATUSES):
            target = recovered_status(rec.status)
            if target is None:
                continue
            self._write_status(rec, target, now)
            self.log(rec.id, "engine restarted: the devbox's processes ended; it is suspended", level="warn")
        self.execs.recover(now)

    async def close(self) -> None:
        """Ends every devbox process; running devboxes are recorded as suspended."""
        self._closing = True
        if self._reaper is not None:
            self._reaper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reaper
        for live in list(self.live.values()):
            rec = self.store.get_devbox(live.id)
            if rec is not None and rec.status in ACTIVE_STATUSES:
                self._write_status(rec, "suspended", now_ms())
                self.log(rec.id, "engine stopped: the devbox is suspended", level="warn")
            await self._stop_live(live)
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.execs.close_all(None)
        self.store.close()
        self._lock.release()

    # -- records --------------------------------------------------------------------------------

    def notifier(self, id: str) -> Notifier:
        """The notifier of status changes of devbox ``id``."""
        found = self._notifiers.get(id)
        if found is None:
            found = self._notifiers[id] = Notifier()
        return found

    def get(self, id: str) -> DevboxRecord:
        """The record of devbox ``id``.

        Raises:
            ApiError: 404 for an unknown id.
        """
        rec = self.store.get_devbox(id)
        if rec is None:
            raise not_found("devbox", id)
        return rec

    def require_running(self, id: str, action: str) -> tuple[DevboxRecord, LiveDevbox]:
        """The record and live state of a running devbox.

        Raises:
            ApiError: 404 unknown id; 400 when the devbox is not running.
        """
        rec = self.get(id)
        live = self.live.get(id)
        if rec.status != "running" or live is None or live.sandbox is None:
            hint = " (resume it first)" if rec.status == "suspended" else ""
            raise bad_request(f"cannot {action}: devbox {id} is {rec.status}, not running{hint}")
        return rec, live

    def log(
        self, devbox_id: str, message: str, *, level: str = "info", source: str = "stats", **extra: Any
    ) -> None:
        """Appends a DevboxLog entry to a devbox's log."""
        entry = {"level": level, "source": source, "timestamp_ms": now_ms(), "message": message, **extra}
        self.store.add_log(devbox_id, entry, execution_id=extra.get("cmd_id"))

    def _write_status(self, rec: DevboxRecord, new: str, now: int, **fields: Any) -> None:
        entry = transition_record(rec.status, new, now, failure_reason=fields.get("failure_reason"))
        rec.status = new
        rec.state_transitions.append(entry)
        for key, value in fields.items():
            setattr(rec, key, value)
        if new in TERMINAL_STATUSES:
            rec.end_time_ms = now
        self.store.put_devbox(rec)
        self.notifier(rec.id).notify()

    def _advance(self, id: str, new: str, **fields: Any) -> bool:
        """Moves devbox ``id`` to ``new`` if allowed from its current status; False otherwise."""
        rec = self.store.get_devbox(id)
        if rec is None:
            return False
        try:
            self._write_status(rec, new, now_ms(), **fields)
        except LifecycleError:
            return False
        return True

    # -- operations -----------------------------------------------------------------------------

    async def create(self, params: DevboxCreateParameters) -> DevboxRecord:
        """Records a new devbox and starts booting it; returns at once (status provisioning).

        Raises:
            ApiError: 400 for invalid fields, 501 for fields the local engine does not support.
        """
        from .create_params import check_create_params

        check_create_params(params, _UNSUPPORTED_CREATE_FIELDS)
        lp = params.launch_parameters
        now = now_ms()
        rec = DevboxRecord(
            id=new_id("dbx"),
            create_time_ms=now,
            name=params.name,
            metadata=dict(params.metadata or {}),
            launch_parameters=lp.model_dump(mode="json", exclude_none=True) if lp else {},
            entrypoint=params.entrypoint,
            environment_variables=dict(params.environment_variables or {}),
            file_mounts=dict(params.file_mounts or {}),
            state_transitions=[{"status": "provisioning", "transition_time_ms": now}],
            keep_alive_since_ms=now,
        )
        self.store.put_devbox(rec)
        live = LiveDevbox(rec.id, self.data_dir / "devboxes" / rec.id)
        self.live[rec.id] = live
        self._spawn(self._boot(live, resume=False))
        return rec

    def _spawn(self, coro: Awaitable[None]) -> None:
        async def run() -> None:
            await coro

        task = asyncio.create_task(run())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _boot(self, live: LiveDevbox, *, resume: bool) -> None:
        rec = self.get(live.id)
        try:
            for folder in ("home", "tmp"):
                (live.root / folder).mkdir(parents=True, exist_ok=True)
            if not resume:
                for target, content in rec.file_mounts.items():
                    path = resolve_path(live.root, target, field=f"file_mounts.{target}")
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_text(content)
            user = rec.launch_parameters.get("user_parameters") or {}
            spec = SandboxSpec(
                devbox_id=rec.id,
                root=live.root,
                env=rec.environment_variables,
                username=user.get("username", "user"),
                uid=int(user.get("uid", 1000)),
                isolation=self.isolation,
            )
            start = self._start_sandbox or _default_start_sandbox()
            live.sandbox = await start(spec)
        except (SandboxError, OSError, ApiError) as exc:
            log.warning("devbox %s failed to start: %s", rec.id, exc)
            self.log(rec.id, f"the sandbox could not start: {exc}", level="error")
            self._advance(rec.id, "failure", failure_reason="execution_failed")
            self.live.pop(rec.id, None)
            return
        if resume:
            ok = self._advance(rec.id, "running", keep_alive_since_ms=now_ms())
        else:
            ok = self._advance(rec.id, "initializing") and await self._run_launch_commands(live, rec)
            ok = ok and self._advance(rec.id, "running", keep_alive_since_ms=now_ms())
        if not ok:
            await self._stop_live(live)
            return
        live.touch()
        if rec.entrypoint:
            try:
                await self.execs.start(rec.id, rec.entrypoint, source="entrypoint")
            except ApiError as exc:
                self.log(rec.id, f"the entrypoint could not start: {exc.message}", level="error")

    async def _run_launch_commands(self, live: LiveDevbox, rec: DevboxRecord) -> bool:
        for command in rec.launch_parameters.get("launch_commands") or []:
            code = await self.execs.run_setup_command(live, command)
            current = self.store.get_devbox(rec.id)
            if current is None or current.status != "initializing":
                return False
            if code != 0:
                self.log(rec.id, f"launch command failed with exit status {code}: {command}", level="error")
                self._advance(rec.id, "failure", failure_reason="execution_failed")
                return False
        return True

    async def _stop_live(self, live: LiveDevbox) -> None:
        """Ends a devbox's processes and closes its executions."""
        self.live.pop(live.id, None)
        sandbox, live.sandbox = live.sandbox, None
        if sandbox is not None:
            try:
                await sandbox.stop()
            except Exception as exc:
                log.warning("stopping the sandbox of %s failed: %s", live.id, exc)
        await self.execs.close_all(live)

    async def shutdown(self, id: str, reason: str = "api_shutdown") -> DevboxRecord:
        """Shuts a devbox down (idempotent for a devbox that already ended).

        Its processes end and its files are deleted, as on the service (a failed devbox keeps
        its files, for a look at what went wrong).
        """
        rec = self.get(id)
        if rec.status in TERMINAL_STATUSES:
            return rec
        self._write_status(rec, "shutdown", now_ms(), shutdown_reason=reason)
        self.log(id, f"shutdown ({reason})")
        live = self.live.get(id)
        if live is not None:
            await self._stop_live(live)
        root = self.data_dir / "devboxes" / id
        if root.exists():
            self._spawn(asyncio.to_thread(shutil.rmtree, root, ignore_errors=True))
        return self.get(id)

    async def suspend(self, id: str, reason: str | None = None) -> DevboxRecord:
        """Suspends a running devbox: its processes end, its files stay."""
        rec, live = self.require_running(id, "suspend")
        self._write_status(rec, "suspending", now_ms())
        await self._stop_live(live)
        self._advance(id, "suspended")
        self.log(id, "suspended" + (f" ({reason})" if reason else ""))
        return self.get(id)

    async def resume(self, id: str) -> DevboxRecord:
        """Resumes a suspended devbox in a fresh sandbox on its files (launch commands are not rerun)."""
        rec = self.get(id)
        if rec.status != "suspended":
            raise bad_request(f"cannot resume: devbox {id} is {rec.status}, not suspended")
        self._write_status(rec, "resuming", now_ms())
        live = LiveDevbox(rec.id, self.data_dir / "devboxes" / rec.id)
        self.live[rec.id] = live
        self._spawn(self._boot(live, resume=True))
        return self.get(id)

    def update(self, id: str, params: DevboxUpdateParameters) -> DevboxRecord:
        """Replaces a devbox's name and/or metadata."""
        rec = self.get(id)
        if params.name is not None:
            rec.name = params.name
        if params.metadata is not None:
            rec.metadata = dict(params.metadata)
        self.store.put_devbox(rec)
        return rec

    def keep_alive(self, id: str) -> None:
        """Restarts the keep-alive and idle timers of a running devbox."""
        rec, live = self.require_running(id, "keep alive")
        rec.keep_alive_since_ms = now_ms()
        self.store.put_devbox(rec)
        live.touch()

    async def wait_for_status(self, id: str, statuses: list[str], timeout: float) -> DevboxRecord | None:
        """Waits until devbox ``id`` has one of ``statuses``.

        Returns:
            The record, or None when ``timeout`` passed first or the devbox ended (shutdown or
            failure) in another status, which it can never leave.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        notifier = self.notifier(id)
        while True:
            rec = self.get(id)
            if rec.status in statuses:
                return rec
            if rec.status in TERMINAL_STATUSES:
                return None  # it will never change again: no point holding the request
            left = deadline - loop.time()
            if left <= 0:
                return None
            await notifier.wait(left)

    # -- reaper ---------------------------------------------------------------------------------

    async def _reap_forever(self) -> None:
        while True:
            await asyncio.sleep(self._reaper_interval)
            try:
                await self.reap_once()
            except Exception:
                log.exception("the reaper failed; it keeps running")

    async def reap_once(self) -> None:
        """Flushes pending output and applies keep-alive and idle timers once."""
        now = now_ms()
        for live in list(self.live.values()):
            for ex in list(live.executions.values()):
                ex.flush()
            rec = self.store.get_devbox(live.id)
            if rec is None:
                continue
            if rec.status == "running" and live.sandbox is not None and not live.sandbox.alive:
                await self._sandbox_died(live)
                continue
            lp = rec.launch_parameters
            after_idle = lp.get("after_idle") or (lp.get("lifecycle") or {}).get("after_idle") or {}
            action = reap_action(
                status=rec.status,
                now_ms=now,
                keep_alive_since_ms=rec.keep_alive_since_ms,
                keep_alive_seconds=lp.get("keep_alive_time_seconds"),
                idle_seconds=after_idle.get("idle_time_seconds"),
                on_idle=after_idle.get("on_idle"),
                last_activity_ms=live.last_activity_ms,
                busy=live.busy,
            )
            if action is None:
                continue
            if action.action == "suspend":
                await self.suspend(rec.id, reason=action.reason)
            else:
                await self.shutdown(rec.id, reason=action.reason)

    async def _sandbox_died(self, live: LiveDevbox) -> None:
        """A running devbox whose sandbox ended on its own is a failure (its processes are gone)."""
        self.log(live.id, "the sandbox stopped unexpectedly; the devbox failed", level="error")
        self._advance(live.id, "failure", failure_reason="health_check_failed")
        await self._stop_live(live)

    def entrypoint_exited(self, devbox_id: str) -> None:
        """Called when a devbox's entrypoint ends: the devbox shuts down (entrypoint_exit)."""
        rec = self.store.get_devbox(devbox_id)
        live = self.live.get(devbox_id)
        if self._closing or rec is None or rec.status != "running" or live is None:
            return
        self._spawn(self._shutdown_quietly(devbox_id, "entrypoint_exit"))

    async def _shutdown_quietly(self, id: str, reason: str) -> None:
        with contextlib.suppress(ApiError):
            await self.shutdown(id, reason)
