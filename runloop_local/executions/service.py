"""Executions: starting commands in a devbox's sandbox, recording their end, waits, kills and stdin.

Reading them (records, output, views, streams) is :class:`.output.ExecutionReader`'s job,
waiting for, killing and signalling running ones :class:`.control.ExecutionControl`'s;
this service exposes their methods so that the routes have one object to ask.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Protocol

from ..db.clock import now_ms
from ..db.ids import new_id
from ..devboxes.ports import DevboxHost
from ..http.errors import ApiError, bad_request
from ..sandbox.contract import SandboxError
from .control import ExecutionControl
from .live import LiveDevbox, LiveExecution
from .output import MAX_VIEW_BYTES, STREAM_CHUNK_BYTES, ExecutionReader
from .records import ExecutionRecord
from .rules import KILLED_EXIT_STATUS, SHELL_COMMAND_VAR, in_shell

__all__ = ["KILLED_EXIT_STATUS", "ExecutionHost", "MAX_VIEW_BYTES", "STREAM_CHUNK_BYTES", "ExecutionService"]

log = logging.getLogger("runloop_local")

KEEP_FINAL_OUTPUT_BYTES = 256 * 1024
"""A finished execution's output up to this size stays in memory for the answer that follows."""


class ExecutionHost(DevboxHost, Protocol):
    """What the executions service needs of the devbox service."""

    def running_live(self, id: str, action: str) -> LiveDevbox:
        """The live state of a running devbox (400 when it is not running)."""
        ...

    def entrypoint_exited(self, devbox_id: str) -> None:
        """Called when a devbox's entrypoint ends."""
        ...


class ExecutionService:
    """The executions half of the engine; lives inside the devbox service."""

    def __init__(self, devboxes: ExecutionHost) -> None:
        self._devboxes = devboxes
        self._store = devboxes.store
        self.running: dict[str, LiveExecution] = {}
        self._reserved: dict[tuple[str, str], asyncio.Future[LiveExecution | None]] = {}
        """Commands being started, by (devbox, command id): what their start gives (None: failed)."""
        self._unsaved: dict[tuple[str, str], LiveExecution] = {}
        """Running executions by (devbox, command id) whose start is not in the database yet."""
        self._watchers: set[asyncio.Task[None]] = set()
        self._shells: dict[tuple[str, str], LiveExecution] = {}
        """The last command given to each named shell, by (devbox, shell name)."""
        self._before: dict[str, LiveExecution] = {}
        """What each queued command of a named shell waits for, by execution id."""
        self.reader = ExecutionReader(self._store, self.running, devboxes.get)
        self.record = self.reader.record
        self.output = self.reader.output
        self.view = self.reader.view
        self.stream = self.reader.stream
        self.control = ExecutionControl(self.running, self.cancel_queued)
        self.wait = self.control.wait
        self.kill = self.control.kill
        self.send_stdin = self.control.send_stdin

    def recover(self, now: int) -> None:
        """Completes executions left running by a previous engine process (exit status 137), and
        deletes output files of executions with no record.

        The output files of an execution left running hold every byte the previous engine wrote
        (a ``kill -9`` loses none of them: they are in the page cache), more than its record says:
        the record takes their lengths, and from then on it says how much counts.
        """
        files = self._store.output_files
        for rec in self._store.unfinished_executions():
            rec.status = "completed"
            rec.exit_status = KILLED_EXIT_STATUS
            rec.end_time_ms = now
            rec.stdout_len = files.size(rec.devbox_id, rec.id, "stdout")
            rec.stderr_len = files.size(rec.devbox_id, rec.id, "stderr")
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
        known = self._store.execution_ids()
        for devbox_id, execution_id in list(files.executions()):
            if execution_id not in known:  # output of a start the crash kept from the database
                files.remove_execution(devbox_id, execution_id)

    # -- starting and ending --------------------------------------------------------------------

    async def run(
        self,
        devbox_id: str,
        command: str,
        *,
        command_id: str | None = None,
        hold: float | None,
        shell_name: str | None = None,
    ) -> tuple[ExecutionRecord, LiveExecution | None]:
        """Starts ``command`` (see :meth:`start`) and waits up to ``hold`` seconds for its end.

        ``hold`` None waits for the end, 0 not at all. The execution's record is in the database
        when this returns, so it survives a crash once the caller has answered with it; a command
        that ends within ``hold`` is recorded in one commit instead of two.

        Returns:
            Its record, and its live state while it runs (None for an earlier execution found
            by ``command_id`` that has completed).
        """
        started = await self.start(
            devbox_id, command, command_id=command_id, save=False, shell_name=shell_name
        )
        if isinstance(started, ExecutionRecord):
            return started, None
        await started.wait_done(hold)
        self._save_start(started)
        return started.rec, started

    async def start(
        self,
        devbox_id: str,
        command: str,
        *,
        command_id: str | None = None,
        source: str = "exec",
        save: bool = True,
        shell_name: str | None = None,
    ) -> LiveExecution | ExecutionRecord:
        """Starts ``command`` in a running devbox.

        With ``command_id`` already used on this devbox, nothing new starts: the earlier
        execution is returned (live while running, else its record), also when another request
        is starting it at this moment. With ``save`` False the
        start is written to the database later, by :meth:`run` or when the command ends.

        With ``shell_name`` the command is a step of that named shell of the devbox: it starts
        where the shell's previous command left its working folder and exported variables, and
        only once that command has ended (``queued`` until then); shells of other names, and
        commands without one, run independently.

        Raises:
            ApiError: 404 unknown devbox; 400 when it is not running or the command cannot start.
        """
        live = self._devboxes.running_live(devbox_id, "execute a command")
        if command_id is None:
            ex = await self._start(live, command, command_id, source, shell_name)
            if save:
                self._save_start(ex)
            return ex
        key = (devbox_id, command_id)
        while (pending := self._reserved.get(key)) is not None:
            # Another request (a client's retry of a cut one, say) is starting this very
            # command: its execution is this one's answer too. Had it failed, try again here.
            theirs = await asyncio.shield(pending)
            if theirs is not None:
                return theirs
        unsaved = self._unsaved.get(key)
        if unsaved is not None:
            return unsaved
        earlier = self._store.execution_by_command_id(devbox_id, command_id)
        if earlier is not None:
            return self.running.get(earlier.id, earlier)
        reservation: asyncio.Future[LiveExecution | None] = asyncio.get_running_loop().create_future()
        self._reserved[key] = reservation
        started: LiveExecution | None = None
        try:
            started = await self._start(live, command, command_id, source, shell_name)
            if save:
                self._save_start(started)
            elif not started.done.is_set():
                self._unsaved[key] = started
        finally:
            del self._reserved[key]
            reservation.set_result(started)
        return started

    def _save_start(self, ex: LiveExecution) -> None:
        """Writes an execution's start to the database, if not yet done."""
        if ex.saved:
            return
        with self._store.transaction():
            self._write_start(ex)

    def _write_start(self, ex: LiveExecution) -> None:
        # No log rows: an execution's "started" and "exited" lines are made from its record
        # when the devbox's log is read (see ``devboxes/log_query.py``).
        self._store.put_execution(ex.rec)
        self._mark_saved(ex)

    def _mark_saved(self, ex: LiveExecution) -> None:
        ex.saved = True
        if ex.rec.command_id is not None:
            self._unsaved.pop((ex.rec.devbox_id, ex.rec.command_id), None)

    async def _start(
        self, live: LiveDevbox, command: str, command_id: str | None, source: str, shell_name: str | None
    ) -> LiveExecution:
        rec = ExecutionRecord(
            id=new_id("exe"),
            devbox_id=live.id,
            command=command,
            create_time_ms=now_ms(),
            command_id=command_id,
            source=source,
            shell_name=shell_name,
        )
        ex = LiveExecution(rec, self._store)
        if live.sandbox is None:
            raise bad_request(f"cannot execute a command: devbox {live.id} is stopping")
        if shell_name is None:
            await self._launch(live, ex, command)
            return ex
        key = (live.id, shell_name)
        previous = self._shells.get(key)
        self._shells[key] = ex
        if previous is None or previous.done.is_set():
            try:
                await self._launch(live, ex, in_shell(shell_name), {SHELL_COMMAND_VAR: command})
            except BaseException:
                if self._shells.get(key) is ex:
                    del self._shells[key]
                raise
            return ex
        rec.status = "queued"  # behind the shell's previous command, in order
        ex.saved = False
        self._register(live, ex)
        task = asyncio.create_task(self._when_shell_free(live, ex, previous, shell_name, command))
        self._watchers.add(task)
        task.add_done_callback(self._watchers.discard)
        return ex

    async def _launch(
        self, live: LiveDevbox, ex: LiveExecution, command: str, env: dict[str, str] | None = None
    ) -> None:
        """Starts a command in the devbox's sandbox and watches it to its end.

        Raises:
            ApiError: 400 when the sandbox is gone or the command cannot start.
        """
        sandbox = live.sandbox
        if sandbox is None:
            raise bad_request(f"cannot execute a command: devbox {live.id} is stopping")
        try:
            ex.handle = await sandbox.exec(command, on_stdout=ex.on_stdout, on_stderr=ex.on_stderr, env=env)
        except SandboxError as exc:
            raise bad_request(f"the command could not be started in devbox {live.id}: {exc}") from exc
        if ex.rec.status == "queued":
            ex.rec.status = "running"
            ex.changed.notify()
        else:
            ex.saved = False
            self._register(live, ex)
        live.touch()
        # A callback rather than a task that waits: one task and two loop turns less per command.
        ex.handle.add_exit_callback(lambda code: self._finish(live, ex, code))

    def _register(self, live: LiveDevbox, ex: LiveExecution) -> None:
        live.executions[ex.rec.id] = ex
        self.running[ex.rec.id] = ex
        if ex.rec.source == "entrypoint":
            live.entrypoint_id = ex.rec.id

    async def _when_shell_free(
        self, live: LiveDevbox, ex: LiveExecution, previous: LiveExecution, shell_name: str, command: str
    ) -> None:
        """Starts a queued command of a named shell once the shell's previous command has ended."""
        self._before[ex.rec.id] = previous
        try:
            waiting: LiveExecution | None = previous
            while waiting is not None:
                await waiting.done.wait()
                # One killed while queued never ran: the command before it may still run.
                waiting = self._before.get(waiting.rec.id) if waiting.handle is None else None
        finally:
            self._before.pop(ex.rec.id, None)
        if ex.done.is_set():  # killed while it waited, or its devbox stopped
            return
        try:
            await self._launch(live, ex, in_shell(shell_name), {SHELL_COMMAND_VAR: command})
        except ApiError as exc:
            ex.on_stderr(f"{exc.message}\n".encode())
            self._finish(live, ex, KILLED_EXIT_STATUS)

    def cancel_queued(self, ex: LiveExecution) -> None:
        """Ends a command still waiting for its shell, without running it (as if killed)."""
        live = self._devboxes.live.get(ex.rec.devbox_id)
        if ex.rec.status == "queued" and live is not None:
            self._finish(live, ex, KILLED_EXIT_STATUS)

    def _finish(self, live: LiveDevbox, ex: LiveExecution, code: int) -> None:
        if ex.done.is_set():
            return
        ex.rec.status = "completed"
        ex.rec.exit_status = code
        ex.rec.end_time_ms = now_ms()
        # The files first, then the record with their lengths: a file may hold more than its
        # record says, never less. A small output settled in the database commits with it.
        with self._store.transaction():
            ex.settle(keep=ex.length("stdout") + ex.length("stderr") <= KEEP_FINAL_OUTPUT_BYTES)
            self._store.put_execution(ex.rec)  # also the start, when not written yet
        self._mark_saved(ex)
        live.executions.pop(ex.rec.id, None)
        self.running.pop(ex.rec.id, None)
        live.touch()
        ex.mark_done()
        ex.changed.notify()
        if ex.rec.source == "entrypoint":
            self._devboxes.entrypoint_exited(live.id)

    async def close_all(self, live: LiveDevbox | None) -> None:
        """Closes the executions of a stopped devbox (all devboxes with None) truthfully."""
        targets = list(live.executions.values()) if live is not None else list(self.running.values())
        for ex in targets:
            if ex.handle is not None:  # a queued command has nothing that could still end it
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(ex.done.wait(), 5.0)
            owner = (
                live
                or self._devboxes.live.get(ex.rec.devbox_id)
                or LiveDevbox(ex.rec.devbox_id, self._devboxes.data_dir)
            )
            self._finish(owner, ex, KILLED_EXIT_STATUS)
