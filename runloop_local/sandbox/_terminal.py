"""A terminal (``bash -i`` on a pseudo-terminal) in a sandbox, as the engine sees it (``PtyHandle``)."""

from __future__ import annotations

import asyncio
import logging

from . import _wire as wire
from ._link import AgentLink
from .contract import OutputCallback

__all__ = ["Terminal"]

logger = logging.getLogger("runloop_local")


class Terminal:
    """A shell on a pseudo-terminal in a sandbox (implements ``PtyHandle``)."""

    def __init__(self, session: AgentLink, term_id: int, on_output: OutputCallback) -> None:
        self._session = session
        self.id = term_id
        self._on_output = on_output
        loop = asyncio.get_running_loop()
        self.started: asyncio.Future[int] = loop.create_future()
        self.done: asyncio.Future[int] = loop.create_future()

    @property
    def pid(self) -> int:
        """The shell's process id in the sandbox (0 when it could not start)."""
        return self.started.result() if self.started.done() else 0

    async def wait(self) -> int:
        """Waits for the shell to end; returns its exit code, after all it printed was delivered."""
        return await asyncio.shield(self.done)

    async def write(self, data: bytes) -> None:
        """Types ``data`` into the terminal (ignored once the shell has ended).

        Raises:
            SandboxError: The sandbox has stopped.
        """
        if data and not self.done.done():
            await self._session.send(wire.PTY_INPUT, self.id, bytes(data))

    async def resize(self, cols: int, rows: int) -> None:
        """Sets the terminal's size; the kernel sends SIGWINCH to its foreground process group."""
        if not self.done.done() and self._session.alive:
            await self._session.send(wire.PTY_RESIZE, self.id, wire.encode_fields([str(cols), str(rows)]))

    async def signal(self, signum: int) -> None:
        """Sends ``signum`` to the terminal's foreground process group (what Ctrl-C reaches)."""
        if not self.done.done() and self._session.alive:
            await self._session.send(wire.PTY_SIGNAL, self.id, str(int(signum)).encode())

    async def close(self, *, force: bool = False) -> None:
        """Hangs the terminal up (SIGHUP to the shell and its foreground group; SIGKILL if ``force``)."""
        if not self.done.done() and self._session.alive:
            await self._session.send(wire.PTY_CLOSE, self.id, b"k" if force else b"h")

    def deliver(self, kind: int, payload: bytes) -> None:
        """Handles one frame from the agent about this terminal."""
        if kind == wire.PTY_OUTPUT:
            try:
                self._on_output(payload)
            except Exception:
                logger.exception("output callback of terminal %s failed", self.id)
        elif kind == wire.STARTED:
            if not self.started.done():
                self.started.set_result(int(payload))
        elif kind == wire.PTY_EXIT:
            self.finish(int(payload))

    def finish(self, code: int) -> None:
        """Ends the terminal (and its start) with an exit code."""
        if not self.started.done():
            self.started.set_result(0)
        if not self.done.done():
            self.done.set_result(code)
