"""Acting on running executions: waiting for a status, killing them, their stdin and signals."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from signal import SIGINT

from ..http.errors import bad_request
from ..sandbox.contract import SandboxError
from .live import LiveExecution
from .records import ExecutionRecord
from .rules import stdin_actions, wait_is_over

__all__ = ["ExecutionControl"]


class ExecutionControl:
    """Waits, kills and stdin of running executions.

    Args:
        running: The live executions by id (shared with the service that starts them).
    """

    def __init__(
        self, running: dict[str, LiveExecution], cancel_queued: Callable[[LiveExecution], None]
    ) -> None:
        self.running = running
        self._cancel_queued = cancel_queued

    async def wait(self, rec: ExecutionRecord, statuses: list[str], timeout: float) -> ExecutionRecord | None:
        """Waits until the execution has one of ``statuses``; None if ``timeout`` passed first."""
        ex = self.running.get(rec.id)
        if ex is not None:
            rec = ex.rec
        if wait_is_over(rec.status, statuses):
            return rec
        if ex is None:
            return None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not wait_is_over(ex.rec.status, statuses):
            left = deadline - loop.time()
            if left <= 0 or not await ex.changed.wait(left):
                return None
        return ex.rec

    async def kill(self, rec: ExecutionRecord, *, process_group: bool) -> ExecutionRecord:
        """Kills a running execution and waits (briefly) until it is recorded as completed."""
        ex = self.running.get(rec.id)
        if ex is not None and ex.handle is None:  # still waiting for its shell: it never runs
            self._cancel_queued(ex)
            return ex.rec
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

        INTERRUPT is Ctrl-C: SIGINT to the command's process group (a command that does not
        handle it ends with exit status 130).
        """
        actions = stdin_actions(text, signal)
        ex = self.running.get(rec.id)
        if ex is not None and ex.handle is None:
            raise bad_request(
                f"execution {rec.id} is queued behind its shell's previous command; send input once it runs"
            )
        if ex is None or ex.handle is None:
            if "write" not in actions:
                # EOF or Ctrl-C to a command that has ended changes nothing: a client that sends
                # input and then EOF must not fail when the input alone let the command finish.
                return
            raise bad_request(f"execution {rec.id} has completed; it takes no more input")
        try:
            for action in actions:
                if action == "write":
                    await ex.handle.write_stdin((text or "").encode())
                elif action == "close":
                    await ex.handle.close_stdin()
                else:
                    await ex.handle.signal(SIGINT, process_group=True)
        except (SandboxError, OSError) as exc:
            raise bad_request(f"could not send to the stdin of execution {rec.id}: {exc}") from exc
