"""The engine's side of a running sandbox: frames to and from its agent, one handle per execution."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Literal

from . import _procs
from . import _wire as wire
from ._bwrap import HOME
from ._execution import Execution
from ._terminal import Terminal
from ._validate import env_fields, text_field
from .contract import OutputCallback, SandboxError

__all__ = ["KILLED_EXIT_CODE", "AgentSession", "Execution", "home_on_host"]

logger = logging.getLogger("runloop_local")

KILLED_EXIT_CODE = 137
"""Exit code of executions still running when their sandbox ends (128 + SIGKILL)."""
STOP_TIMEOUT = 10.0
"""Seconds stop() waits for a SIGKILLed sandbox to close its pipes before giving up on it."""
_STDERR_TAIL = 4096


def home_on_host(path: str, host_home: str) -> str:
    """Maps a path under ``/home/user`` to the host folder that stands for it (no isolation).

    Args:
        path: A path as a devbox command would see it.
        host_home: The devbox's home folder on the host.

    Returns:
        The host path (other paths are returned unchanged).
    """
    if path == HOME or path.startswith(HOME + "/"):
        return host_home + path[len(HOME) :]
    return path


class AgentSession(asyncio.SubprocessProtocol):
    """The sandbox process (bubblewrap or the bare agent) and the conversation with its agent."""

    def __init__(
        self, isolation: Literal["bwrap", "none"], devbox_id: str, *, host_home: str | None = None
    ) -> None:
        """Prepares the session; ``start_sandbox`` then launches the process with it.

        Args:
            isolation: How the sandbox is isolated.
            devbox_id: The devbox, for messages.
            host_home: Without isolation, the host folder that stands for ``/home/user``.
        """
        self.isolation: Literal["bwrap", "none"] = isolation
        self.devbox_id = devbox_id
        self.host_home = host_home
        self._stopping = False
        self.transport: asyncio.SubprocessTransport | None = None
        loop = asyncio.get_running_loop()
        self.ready: asyncio.Future[int] = loop.create_future()
        self.closed: asyncio.Future[None] = loop.create_future()
        self._inbox = bytearray()
        self._executions: dict[int, Execution | Terminal] = {}  # and terminals: one id space
        self._next_id = 1
        self._running = True
        self._stderr = bytearray()
        self._can_write: asyncio.Event = asyncio.Event()
        self._can_write.set()
        self.on_stopped: Callable[[], None] | None = None
        """Called once when :meth:`stop` has ended every process (unmounts a writable root)."""

    # asyncio.SubprocessProtocol

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.SubprocessTransport)
        self.transport = transport

    def pipe_data_received(self, fd: int, data: bytes) -> None:
        if fd == 2:
            self._stderr += data
            del self._stderr[:-_STDERR_TAIL]
            logger.debug("sandbox %s: %s", self.devbox_id, data.decode(errors="replace").rstrip())
            return
        self._inbox += data
        for kind, exec_id, payload in wire.split_frames(self._inbox):
            execution = self._executions.get(exec_id)
            if execution is not None:
                execution.deliver(kind, payload)
                if kind in (wire.EXIT, wire.PTY_EXIT):
                    del self._executions[exec_id]
            elif kind == wire.READY and not self.ready.done():
                self.ready.set_result(int(payload))
            elif kind == wire.LOG:
                logger.warning("sandbox %s: %s", self.devbox_id, payload.decode(errors="replace"))

    def pipe_connection_lost(self, fd: int, exc: Exception | None) -> None:
        if fd == 1:  # the agent is gone: no more frames will come
            self._end()

    def process_exited(self) -> None:
        self._end()

    def connection_lost(self, exc: Exception | None) -> None:
        self._end()
        if self.transport is not None:
            self.transport.close()  # the process has exited and its pipes are closed: nothing to kill
        if not self.closed.done():
            self.closed.set_result(None)

    def pause_writing(self) -> None:
        self._can_write.clear()

    def resume_writing(self) -> None:
        self._can_write.set()

    # The sandbox

    @property
    def alive(self) -> bool:
        """False once the agent has gone (stopped or died)."""
        return self._running and not self.closed.done()

    @property
    def stderr_tail(self) -> str:
        """The last lines the sandbox process wrote to its stderr (bubblewrap's errors)."""
        return self._stderr.decode(errors="replace").strip()

    def _end(self) -> None:
        if self._running and self.ready.done() and not self._stopping:
            logger.warning(
                "the sandbox of devbox %s ended unexpectedly: %s",
                self.devbox_id,
                self.stderr_tail or "no message",
            )
        self._running = False
        self._can_write.set()
        if not self.ready.done():
            self.ready.set_exception(SandboxError(f"the sandbox of {self.devbox_id} ended while starting"))
            self.ready.exception()  # retrieved: the starter reports it with the stderr tail
        for execution in self._executions.values():
            if self.isolation == "none" and execution.pid > 0:
                # No pid namespace ends them with the agent: their groups are killed here (a group
                # id with live members cannot be reused by another process).
                with contextlib.suppress(OSError):
                    os.killpg(execution.pid, signal.SIGKILL)
            execution.finish(KILLED_EXIT_CODE)
        self._executions.clear()

    async def send(self, kind: int, exec_id: int, payload: bytes = b"") -> None:
        """Sends one frame to the agent, waiting while the pipe is full.

        Raises:
            SandboxError: The sandbox has stopped.
        """
        self.send_nowait(kind, exec_id, payload)
        await self._can_write.wait()

    def send_nowait(self, kind: int, exec_id: int, payload: bytes = b"") -> None:
        """Sends one frame to the agent without waiting.

        Raises:
            SandboxError: The sandbox has stopped.
        """
        pipe = self.transport.get_pipe_transport(0) if self.transport is not None else None
        if not self.alive or pipe is None or pipe.is_closing():
            raise SandboxError(f"the sandbox of devbox {self.devbox_id} is not running")
        assert isinstance(pipe, asyncio.WriteTransport)
        pipe.write(wire.encode_frame(kind, exec_id, payload))

    async def exec(
        self,
        command: str,
        *,
        on_stdout: OutputCallback,
        on_stderr: OutputCallback,
        cwd: str | None = None,
        env: Mapping[str, str] | None = None,
    ) -> Execution:
        """Starts ``bash -c command`` through the agent; see ``Sandbox.exec``.

        Raises:
            SandboxError: The sandbox has stopped, or the request cannot be encoded.
        """
        if cwd and self.host_home is not None:
            cwd = home_on_host(cwd, self.host_home)
        fields = [text_field(cwd or "", "the working directory"), text_field(command, "the command")]
        fields += env_fields(env)
        exec_id = self._next_id
        self._next_id += 1
        execution = Execution(self, exec_id, on_stdout, on_stderr)
        self.send_nowait(wire.EXEC, exec_id, wire.encode_fields(fields))
        self._executions[exec_id] = execution
        try:
            await asyncio.shield(execution.started)
        except asyncio.CancelledError:  # nobody will hold the handle: do not leave the command running
            with contextlib.suppress(SandboxError):
                self.send_nowait(wire.KILL, exec_id, b"g")
            raise
        return execution

    async def open_pty(
        self,
        *,
        cols: int,
        rows: int,
        on_output: OutputCallback,
        env: Mapping[str, str] | None = None,
        command: str | None = None,
    ) -> Terminal:
        """Starts ``bash -i`` (or ``bash -c command``) on a new pseudo-terminal through the agent.

        See ``PtySandbox.open_pty``.

        Raises:
            SandboxError: The sandbox has stopped, the request cannot be encoded, or bash could
                not start.
        """
        fields = [str(int(cols)), str(int(rows)), text_field(command or "", "the command"), *env_fields(env)]
        term_id = self._next_id
        self._next_id += 1
        terminal = Terminal(self, term_id, on_output)
        self.send_nowait(wire.PTY_OPEN, term_id, wire.encode_fields(fields))
        self._executions[term_id] = terminal
        try:
            pid = await asyncio.shield(terminal.started)
        except asyncio.CancelledError:  # nobody will hold the handle: do not leave the shell running
            with contextlib.suppress(SandboxError):
                self.send_nowait(wire.PTY_CLOSE, term_id, b"k")
            raise
        if pid == 0:
            raise SandboxError(f"cannot open a terminal in devbox {self.devbox_id}: bash did not start")
        return terminal

    async def stop(self) -> None:
        """Ends every process of the sandbox and waits for it to be gone."""
        transport = self.transport
        if transport is None:
            self._stopped()
            return
        self._stopping = True
        if self.isolation == "none" and self.alive:
            # The agent kills what it started (it is their subreaper); killing it would orphan them.
            with contextlib.suppress(SandboxError):
                self.send_nowait(wire.SHUTDOWN, 0)
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(asyncio.shield(self.closed), 5)
        if not self.closed.done():
            # bubblewrap's init dies with it (--die-with-parent), which ends the pid namespace;
            # the agent's pipes may close before the rest of the namespace is gone, so stop
            # also waits for that init: once it has exited, every process of the sandbox has.
            init = _procs.children(transport.get_pid()) if self.isolation == "bwrap" else []
            with contextlib.suppress(ProcessLookupError):
                transport.kill()
            try:
                # Bounded: a stop that never returns would leave its devbox stuck forever.
                await asyncio.wait_for(asyncio.shield(self.closed), STOP_TIMEOUT)
            except asyncio.TimeoutError:
                logger.warning(
                    "the sandbox of %s did not close within %s s of SIGKILL", self.devbox_id, STOP_TIMEOUT
                )
            if init and not await _procs.wait_ended(init, 5):
                logger.warning("processes of the sandbox of %s outlived it by 5 s", self.devbox_id)
        transport.close()
        self._end()
        self._stopped()

    @contextlib.asynccontextmanager
    async def paused(self) -> AsyncIterator[None]:
        """Stops every process of the sandbox for the block (see ``PausableSandbox.paused``)."""
        transport = self.transport
        stopped: list[int] = []
        try:
            if transport is not None and self.alive:
                # Until no new process appears: one may fork while the others are being stopped.
                for _ in range(20):
                    fresh = [
                        pid
                        for pid in _procs.descendants(transport.get_pid())
                        if pid not in stopped and _procs.state(pid) not in (b"T", b"t", b"Z", b"")
                    ]
                    if not fresh:
                        break
                    for pid in fresh:
                        with contextlib.suppress(OSError):
                            os.kill(pid, signal.SIGSTOP)
                            stopped.append(pid)
            yield
        finally:
            for pid in stopped:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGCONT)

    def _stopped(self) -> None:
        hook, self.on_stopped = self.on_stopped, None
        if hook is not None:
            hook()
