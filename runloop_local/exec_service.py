"""Executions: starting commands in a devbox's sandbox, their output, waits, kills and streams."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from runloop_api.types import DevboxAsyncExecutionDetailView, ExecUpdateChunkView

from .errors import ApiError, bad_request, not_found
from .executions import new_id, utf8_complete_prefix, utf8_start
from .live import LiveDevbox, LiveExecution, now_ms
from .records import ExecutionRecord, execution_view
from .sandbox.contract import SandboxError

if TYPE_CHECKING:
    from .service import DevboxService

__all__ = ["KILLED_EXIT_STATUS", "MAX_VIEW_BYTES", "STREAM_CHUNK_BYTES", "ExecutionService"]

log = logging.getLogger("runloop_local")

KILLED_EXIT_STATUS = 137
"""Exit status of a command whose process ended with its sandbox (128 + SIGKILL)."""

STREAM_CHUNK_BYTES = 64 * 1024
"""Largest output chunk of one server-sent event."""

KEEP_FINAL_OUTPUT_BYTES = 256 * 1024
"""A finished execution's output up to this size stays in memory for the answer that follows."""

MAX_VIEW_BYTES = 4 * 1024 * 1024
"""Most output bytes per stream in an execution view."""

KEEPALIVE_SECONDS = 10.0
"""A stream with nothing new sends a comment this often, so idle connections stay open."""


class ExecutionService:
    """The executions half of the engine; lives inside :class:`DevboxService`."""

    def __init__(self, devboxes: DevboxService) -> None:
        self._devboxes = devboxes
        self._store = devboxes.store
        self.running: dict[str, LiveExecution] = {}
        self._reserved: set[tuple[str, str]] = set()
        self._watchers: set[asyncio.Task[None]] = set()

    def recover(self, now: int) -> None:
        """Completes executions left running by a previous engine process (exit status 137)."""
        for rec in self._store.unfinished_executions():
            rec.status = "completed"
            rec.exit_status = KILLED_EXIT_STATUS
            rec.end_time_ms = now
            self._store.put_execution(rec)
            self._devboxes.log(
                rec.devbox_id,
                "engine restarted: the command's processes ended with the previous engine",
                level="warn",
                source="exec",
                cmd=rec.command,
                cmd_id=rec.id,
                exit_code=KILLED_EXIT_STATUS,
            )

    # -- starting -------------------------------------------------------------------------------

    async def start(
        self, devbox_id: str, command: str, *, command_id: str | None = None, source: str = "exec"
    ) -> LiveExecution | ExecutionRecord:
        """Starts ``command`` in a running devbox.

        With ``command_id`` already used on this devbox, nothing new starts: the earlier
        execution is returned (live while running, else its record).

        Raises:
            ApiError: 404 unknown devbox; 400 when it is not running or the command cannot start.
        """
        _, live = self._devboxes.require_running(devbox_id, "execute a command")
        if command_id is not None:
            if (devbox_id, command_id) in self._reserved:
                raise ApiError(409, f"command_id {command_id!r} is being started by another request")
            earlier = self._store.execution_by_command_id(devbox_id, command_id)
            if earlier is not None:
                return self.running.get(earlier.id, earlier)
            self._reserved.add((devbox_id, command_id))
        try:
            return await self._start(live, command, command_id, source)
        finally:
            if command_id is not None:
                self._reserved.discard((devbox_id, command_id))

    async def _start(
        self, live: LiveDevbox, command: str, command_id: str | None, source: str
    ) -> LiveExecution:
        rec = ExecutionRecord(
            id=new_id("exe"),
            devbox_id=live.id,
            command=command,
            create_time_ms=now_ms(),
            command_id=command_id,
            source=source,
        )
        ex = LiveExecution(rec, self._store)
        sandbox = live.sandbox
        if sandbox is None:
            raise bad_request(f"cannot execute a command: devbox {live.id} is stopping")
        try:
            ex.handle = await sandbox.exec(command, on_stdout=ex.on_stdout, on_stderr=ex.on_stderr)
        except SandboxError as exc:
            raise bad_request(f"the command could not be started in devbox {live.id}: {exc}") from exc
        with self._store.transaction():
            self._store.put_execution(rec)
            self._devboxes.log(live.id, f"started: {command}", source=source, cmd=command, cmd_id=rec.id)
        live.executions[rec.id] = ex
        self.running[rec.id] = ex
        if source == "entrypoint":
            live.entrypoint_id = rec.id
        live.touch()
        task = asyncio.create_task(self._watch(live, ex))
        self._watchers.add(task)
        task.add_done_callback(self._watchers.discard)
        return ex

    async def _watch(self, live: LiveDevbox, ex: LiveExecution) -> None:
        assert ex.handle is not None
        try:
            code = await ex.handle.wait()
        except Exception as exc:
            log.warning("waiting for execution %s failed: %s", ex.rec.id, exc)
            code = KILLED_EXIT_STATUS
        self._finish(live, ex, code)

    def _finish(self, live: LiveDevbox, ex: LiveExecution, code: int) -> None:
        if ex.done.is_set():
            return
        ex.rec.status = "completed"
        ex.rec.exit_status = code
        ex.rec.end_time_ms = now_ms()
        with self._store.transaction():
            ex.flush(keep=ex.length("stdout") + ex.length("stderr") <= KEEP_FINAL_OUTPUT_BYTES)
            self._store.put_execution(ex.rec)
            self._devboxes.log(
                live.id,
                f"exited with status {code}",
                source=ex.rec.source,
                cmd=ex.rec.command,
                cmd_id=ex.rec.id,
                exit_code=code,
            )
        live.executions.pop(ex.rec.id, None)
        self.running.pop(ex.rec.id, None)
        live.touch()
        ex.done.set()
        ex.changed.notify()
        if ex.rec.source == "entrypoint":
            self._devboxes.entrypoint_exited(live.id)

    async def run_setup_command(self, live: LiveDevbox, command: str) -> int:
        """Runs one launch command to its end, logging its output; returns its exit status."""
        out = bytearray()
        sandbox = live.sandbox
        if sandbox is None:
            return KILLED_EXIT_STATUS
        try:
            handle = await sandbox.exec(command, on_stdout=out.extend, on_stderr=out.extend)
            code = await handle.wait()
        except SandboxError as exc:
            out += str(exc).encode()
            code = KILLED_EXIT_STATUS
        for line in out.decode("utf-8", "replace").splitlines()[-1000:]:
            self._devboxes.log(live.id, line, source="setup_commands", cmd=command)
        self._devboxes.log(
            live.id, f"exited with status {code}", source="setup_commands", cmd=command, exit_code=code
        )
        return code

    async def close_all(self, live: LiveDevbox | None) -> None:
        """Closes the executions of a stopped devbox (all devboxes with None) truthfully."""
        targets = list(live.executions.values()) if live is not None else list(self.running.values())
        for ex in targets:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(ex.done.wait(), 5.0)
            owner = (
                live
                or self._devboxes.live.get(ex.rec.devbox_id)
                or LiveDevbox(ex.rec.devbox_id, self._devboxes.data_dir)
            )
            self._finish(owner, ex, KILLED_EXIT_STATUS)

    # -- reading --------------------------------------------------------------------------------

    def record(self, devbox_id: str, execution_id: str) -> ExecutionRecord:
        """An execution's record (live state when running).

        Raises:
            ApiError: 404 for an unknown devbox or execution.
        """
        self._devboxes.get(devbox_id)
        ex = self.running.get(execution_id)
        rec = ex.rec if ex is not None else self._store.get_execution(execution_id)
        if rec is None or rec.devbox_id != devbox_id:
            raise not_found("execution", execution_id)
        return rec

    def output(
        self,
        execution_id: str,
        stream: str,
        offset: int = 0,
        live: LiveExecution | None = None,
        limit: int | None = None,
    ) -> bytes:
        """Output of an execution from byte ``offset`` to now, at most ``limit`` bytes.

        ``live`` is its live state, when the caller has it at hand.
        """
        ex = live or self.running.get(execution_id)
        if ex is not None:
            return ex.read(stream, offset, limit)
        return self._store.read_output(execution_id, stream, offset, limit)

    def view(
        self, rec: ExecutionRecord, last_n: int | None, live: LiveExecution | None = None
    ) -> DevboxAsyncExecutionDetailView:
        """The spec's view of an execution with the last ``last_n`` lines of output.

        At most the last :data:`MAX_VIEW_BYTES` of each stream are shown (``*_truncated`` says
        so); the streams give all of it.
        """
        out, out_cut = self._tail(rec.id, "stdout", live)
        err, err_cut = self._tail(rec.id, "stderr", live)
        return execution_view(rec, out, err, last_n, stdout_cut=out_cut, stderr_cut=err_cut)

    def _tail(self, execution_id: str, stream: str, live: LiveExecution | None) -> tuple[bytes, bool]:
        ex = live or self.running.get(execution_id)
        total = ex.length(stream) if ex is not None else self._store.output_length(execution_id, stream)
        start = max(0, total - MAX_VIEW_BYTES)
        data = self.output(execution_id, stream, start, live=live)
        if start == 0:
            return data, False
        return data[utf8_start(data) :], True

    async def wait(self, rec: ExecutionRecord, statuses: list[str], timeout: float) -> ExecutionRecord | None:
        """Waits until the execution has one of ``statuses``; None if ``timeout`` passed first."""
        if rec.status in statuses or ("running" in statuses and rec.status != "completed"):
            return rec
        ex = self.running.get(rec.id)
        if ex is None:
            return None
        if "completed" in statuses:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(ex.done.wait(), timeout)
                return ex.rec
        return None

    # -- acting ---------------------------------------------------------------------------------

    async def kill(self, rec: ExecutionRecord, *, process_group: bool) -> ExecutionRecord:
        """Kills a running execution and waits (briefly) until it is recorded as completed."""
        ex = self.running.get(rec.id)
        if ex is None or ex.handle is None:
            return rec
        try:
            await ex.handle.kill(process_group=process_group)
        except SandboxError as exc:
            raise bad_request(f"could not kill execution {rec.id}: {exc}") from exc
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(ex.done.wait(), 5.0)
        return ex.rec

    async def send_stdin(self, rec: ExecutionRecord, text: str | None, signal: str | None) -> None:
        """Writes ``text`` to a running execution's stdin, then applies ``signal`` (EOF or INTERRUPT).

        INTERRUPT ends the command and its process group (the sandbox contract has no SIGINT).
        """
        if text is None and signal is None:
            raise bad_request("send_std_in needs `text` or `signal`")
        ex = self.running.get(rec.id)
        if ex is None or ex.handle is None:
            raise bad_request(f"execution {rec.id} has completed; it takes no more input")
        try:
            if text:
                await ex.handle.write_stdin(text.encode())
            if signal == "EOF":
                await ex.handle.close_stdin()
            elif signal == "INTERRUPT":
                await ex.handle.kill(process_group=True)
        except (SandboxError, OSError) as exc:
            raise bad_request(f"could not send to the stdin of execution {rec.id}: {exc}") from exc

    async def stream(
        self, rec: ExecutionRecord, stream: str, offset: int
    ) -> AsyncIterator[ExecUpdateChunkView | None]:
        """Chunks of output from byte ``offset`` until the execution completed and all was sent.

        Each chunk's ``offset`` is the byte position just after it (the resume point). Yields
        None when nothing happened for a while (the caller sends a keep-alive comment).
        """
        position = offset
        while True:
            ex = self.running.get(rec.id)
            done = ex is None or ex.done.is_set()
            data = self.output(rec.id, stream, position, limit=STREAM_CHUNK_BYTES)
            if not done or len(data) == STREAM_CHUNK_BYTES:
                data = data[: utf8_complete_prefix(data)]
            if data:
                position += len(data)
                yield ExecUpdateChunkView(output=data.decode("utf-8", "replace"), offset=position)
                continue
            if done:
                return
            assert ex is not None
            if not await ex.changed.wait(KEEPALIVE_SECONDS):
                yield None
