"""One command running in a sandbox, as the engine sees it (implements ``ExecHandle``)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from . import _wire as wire
from ._link import AgentLink
from .contract import OutputCallback

__all__ = ["Execution"]

logger = logging.getLogger("runloop_local")


class Execution:
    """A command running in a sandbox (implements ``ExecHandle``)."""

    def __init__(
        self, session: AgentLink, exec_id: int, on_stdout: OutputCallback, on_stderr: OutputCallback
    ) -> None:
        self._session = session
        self.id = exec_id
        self._callbacks = {wire.STDOUT: on_stdout, wire.STDERR: on_stderr}
        loop = asyncio.get_running_loop()
        self.started: asyncio.Future[int] = loop.create_future()
        self.done: asyncio.Future[int] = loop.create_future()

    @property
    def pid(self) -> int:
        """The command's process id in the sandbox (0 when it could not start)."""
        return self.started.result() if self.started.done() else 0

    async def wait(self) -> int:
        """Waits for the command to end and returns its exit code (128 + N when killed by signal N).

        Returns:
            The exit code, after every byte of output was handed to the callbacks.
        """
        return await asyncio.shield(self.done)

    def add_exit_callback(self, callback: Callable[[int], None]) -> None:
        """Calls ``callback(exit code)`` on the event loop once the command has ended."""

        self.done.add_done_callback(lambda done: callback(done.result()))  # never cancelled

    async def write_stdin(self, data: bytes) -> None:
        """Writes to the command's standard input (ignored once the command has ended).

        Args:
            data: The bytes to write.

        Raises:
            SandboxError: The sandbox has stopped.
        """
        if data and not self.done.done():
            await self._session.send(wire.STDIN, self.id, bytes(data))

    async def close_stdin(self) -> None:
        """Closes the command's standard input once what was written is delivered.

        Raises:
            SandboxError: The sandbox has stopped.
        """
        if not self.done.done():
            await self._session.send(wire.EOF, self.id)

    async def kill(self, *, process_group: bool = True) -> None:
        """Kills the command with SIGKILL (ignored once the command has ended).

        Args:
            process_group: Also kill every process of its group (what it started, unless they
                made their own session).
        """
        if not self.done.done() and self._session.alive:
            await self._session.send(wire.KILL, self.id, b"g" if process_group else b"p")

    async def signal(self, signum: int, *, process_group: bool = True) -> None:
        """Sends signal ``signum`` to the command (ignored once the command has ended).

        Args:
            signum: The signal number, such as ``signal.SIGINT``.
            process_group: Send it to every process of its group, as a terminal does.
        """
        if not self.done.done() and self._session.alive:
            await self._session.send(wire.SIGNAL, self.id, wire.encode_signal(signum, process_group))

    def deliver(self, kind: int, payload: bytes) -> None:
        """Handles one frame from the agent about this execution."""
        if kind in self._callbacks:
            try:
                self._callbacks[kind](payload)
            except Exception:
                logger.exception("output callback of execution %s failed", self.id)
        elif kind == wire.STARTED:
            if not self.started.done():
                self.started.set_result(int(payload))
        elif kind == wire.EXIT:
            self.finish(int(payload))

    def finish(self, code: int) -> None:
        """Completes the execution (and its start) with an exit code."""
        if not self.started.done():
            self.started.set_result(0)
        if not self.done.done():
            self.done.set_result(code)
