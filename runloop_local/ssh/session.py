"""One SSH session channel attached to a devbox's sandbox: a shell, a command or SFTP.

A session with a terminal runs on a pseudo-terminal of the sandbox (``PtySandbox.open_pty``:
``bash -i``, or ``bash -c command`` for ``ssh -t host command``); one without runs as an
execution (``Sandbox.exec``, separate stdout and stderr, EOF passed on); the ``sftp`` subsystem
runs OpenSSH's ``sftp-server`` in the sandbox (``rules.sftp_command``). Everything runs as the
devbox user. Signals the client sends reach the process (its group; a terminal's foreground
group), window changes resize the terminal, and the exit status goes back to the client.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable, Coroutine, Mapping
from typing import Any

import asyncssh

from ..http.errors import ApiError
from ..sandbox import ExecHandle, PtyHandle, PtySandbox, Sandbox, SandboxError
from .rules import accepted_env, session_command, sftp_command, signal_number

__all__ = ["DevboxSession", "SandboxLookup"]

logger = logging.getLogger("runloop_local")

SandboxLookup = Callable[[str], Sandbox]
"""Finds the running sandbox of a devbox id (raises ``ApiError`` when it is not running)."""

INPUT_HIGH_WATER = 1 << 20
"""Bytes from the client not yet handed to the sandbox at which reading from it pauses."""
HANGUP_GRACE_SECONDS = 2.0
"""How long a process has after the client went away (SIGHUP) before it is killed."""


class _Process:
    """What a session runs, whichever way it was started (an execution or a terminal)."""

    def __init__(self, execution: ExecHandle | None = None, terminal: PtyHandle | None = None) -> None:
        self.execution, self.terminal = execution, terminal

    async def wait(self) -> int:
        if self.terminal is not None:
            return await self.terminal.wait()
        assert self.execution is not None
        return await self.execution.wait()

    async def write(self, data: bytes) -> None:
        if self.terminal is not None:
            await self.terminal.write(data)
        elif self.execution is not None:
            await self.execution.write_stdin(data)

    async def end_input(self) -> None:
        if self.execution is not None:  # a terminal has no end of input: ^D is the user's to type
            await self.execution.close_stdin()

    async def signal(self, signum: int) -> None:
        if self.terminal is not None:
            await self.terminal.signal(signum)
        elif self.execution is not None:
            await self.execution.signal(signum)

    async def resize(self, cols: int, rows: int) -> None:
        if self.terminal is not None:
            await self.terminal.resize(cols, rows)

    async def kill(self) -> None:
        if self.terminal is not None:
            await self.terminal.close(force=True)
        elif self.execution is not None:
            await self.execution.kill(process_group=True)


class DevboxSession(asyncssh.SSHServerSession[bytes]):
    """The server side of one session channel (made per channel by the SSH server)."""

    def __init__(self, devbox_id: str, lookup: SandboxLookup, touch: Callable[[], None]) -> None:
        self._devbox_id = devbox_id
        self._lookup = lookup
        self._touch = touch
        self._chan: asyncssh.SSHServerChannel[bytes] | None = None
        self._terminal: tuple[str, int, int] | None = None
        self._command: str | None = None
        self._subsystem = False
        self._input: asyncio.Queue[bytes | None] = asyncio.Queue()
        self._queued = 0
        self._paused = False
        self._process: _Process | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._closed = False

    # -- requests ------------------------------------------------------------------------------

    def connection_made(self, chan: asyncssh.SSHServerChannel[bytes]) -> None:  # type: ignore[override]
        self._chan = chan

    def pty_requested(
        self, term_type: str, term_size: tuple[int, int, int, int], term_modes: Mapping[int, int]
    ) -> bool:
        cols, rows = term_size[0] or 80, term_size[1] or 24
        self._terminal = (term_type or "xterm", min(cols, 1000), min(rows, 1000))
        return True

    def shell_requested(self) -> bool:
        return True

    def exec_requested(self, command: str) -> bool:
        self._command = command
        return True

    def subsystem_requested(self, subsystem: str) -> bool:
        self._subsystem = subsystem == "sftp"
        return self._subsystem

    def session_started(self) -> None:
        self._spawn(self._run())

    # -- the process ---------------------------------------------------------------------------------

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _write(self, data: bytes, stderr: bool = False) -> None:
        chan = self._chan
        if chan is None or self._closed:
            return
        self._touch()
        with contextlib.suppress(OSError):  # the channel is closing: the client went away
            if stderr:
                chan.write_stderr(data)
            else:
                chan.write(data)

    def _write_stderr(self, data: bytes) -> None:
        self._write(data, stderr=True)

    def _exit(self, status: int) -> None:
        if self._chan is not None and not self._closed:
            with contextlib.suppress(OSError):
                self._chan.exit(status)

    async def _start(self, sandbox: Sandbox) -> _Process:
        assert self._chan is not None
        env = accepted_env(self._chan.get_environment())
        if self._terminal is not None and not self._subsystem and isinstance(sandbox, PtySandbox):
            term, cols, rows = self._terminal
            terminal = await sandbox.open_pty(
                cols=cols, rows=rows, on_output=self._write, env={**env, "TERM": term}, command=self._command
            )
            return _Process(terminal=terminal)
        command = sftp_command() if self._subsystem else session_command(self._command)
        execution = await sandbox.exec(command, on_stdout=self._write, on_stderr=self._write_stderr, env=env)
        return _Process(execution=execution)

    async def _run(self) -> None:
        try:
            process = self._process = await self._start(self._lookup(self._devbox_id))
        except (ApiError, SandboxError) as exc:
            why = exc.message if isinstance(exc, ApiError) else f"cannot start the session: {exc}"
            self._write_stderr(f"runloop-local: {why}\r\n".encode())
            self._exit(255)
            return
        self._spawn(self._pump_input(process))
        self._exit(await process.wait())

    async def _pump_input(self, process: _Process) -> None:
        with contextlib.suppress(SandboxError):  # the sandbox stopped: the session ends with it
            while (data := await self._input.get()) is not None:
                self._queued -= len(data)
                if self._paused and self._queued < INPUT_HIGH_WATER // 2 and self._chan is not None:
                    self._paused = False
                    self._chan.resume_reading()
                await process.write(data)
            await process.end_input()

    # -- from the client --------------------------------------------------------------------------

    def data_received(self, data: bytes, datatype: asyncssh.DataType) -> None:
        self._touch()
        self._input.put_nowait(data)
        self._queued += len(data)
        if self._queued >= INPUT_HIGH_WATER and not self._paused and self._chan is not None:
            self._paused = True
            self._chan.pause_reading()

    def eof_received(self) -> bool:
        self._input.put_nowait(None)
        return True  # half-open: the process may still print and exit

    def signal_received(self, signal: str) -> None:
        signum = signal_number(signal)
        if signum is not None and self._process is not None:
            self._spawn(self._quietly(self._process.signal(signum)))

    def break_received(self, msec: int) -> bool:
        if self._process is not None and self._process.terminal is not None:  # a break: what Ctrl-C does
            self._spawn(self._quietly(self._process.signal(signal.SIGINT)))
            return True
        return False

    def terminal_size_changed(self, width: int, height: int, pixwidth: int, pixheight: int) -> None:
        if self._process is not None and width > 0 and height > 0:
            self._spawn(self._quietly(self._process.resize(min(width, 1000), min(height, 1000))))

    def connection_lost(self, exc: Exception | None) -> None:
        self._closed = True
        self._input.put_nowait(None)
        if self._process is not None:
            self._spawn(self._quietly(self._hang_up(self._process)))

    @staticmethod
    async def _quietly(coro: Coroutine[Any, Any, None]) -> None:
        with contextlib.suppress(SandboxError):  # the sandbox stopped meanwhile
            await coro

    @staticmethod
    async def _hang_up(process: _Process) -> None:
        """Ends what the client left running, as sshd does: SIGHUP, then SIGKILL after a grace."""
        await process.signal(signal.SIGHUP)  # nothing happens when it has ended
        try:
            await asyncio.wait_for(process.wait(), HANGUP_GRACE_SECONDS)
        except asyncio.TimeoutError:
            await process.kill()
