"""``AsyncExecution``: a command that runs in the background on a devbox."""

from __future__ import annotations

from collections.abc import AsyncIterator

from runloop_api.types import DevboxAsyncExecutionDetailView

from .._base.output import OutputLine
from .._base.polling import PollingConfig
from .._base.states import execution_completed
from .._base.tasks import AsyncTaskGroup
from ._context import AsyncClientContext
from .output import iter_lines
from .polling import poll_until
from .result import AsyncExecutionResult

__all__ = ["AsyncExecution", "wait_for_completion"]


async def wait_for_completion(
    ctx: AsyncClientContext, devbox_id: str, execution_id: str, config: PollingConfig
) -> DevboxAsyncExecutionDetailView:
    """Long-polls until the execution has completed.

    Raises:
        PollingTimeoutError: When ``config`` gives up first; carries the last view.
    """

    async def fetch(hold: int) -> DevboxAsyncExecutionDetailView:
        return await ctx.api.devboxes.executions.wait_for_status(
            execution_id, devbox_id=devbox_id, statuses=["completed"], timeout_seconds=hold
        )

    return await poll_until(
        fetch, execution_completed, config, what=f"execution {execution_id} on {devbox_id} to complete"
    )


class AsyncExecution:
    """A running command: wait for it, kill it, feed its stdin, read its output.

    Example:
        >>> run = await devbox.cmd.exec_async("python server.py", stdout=print)
        >>> await run.kill()
    """

    def __init__(
        self,
        ctx: AsyncClientContext,
        view: DevboxAsyncExecutionDetailView,
        pumps: AsyncTaskGroup | None = None,
    ) -> None:
        self._ctx = ctx
        self._devbox_id = view.devbox_id
        self._execution_id = view.execution_id
        self._pumps = pumps

    def __repr__(self) -> str:
        return f"AsyncExecution(execution_id={self._execution_id!r}, devbox_id={self._devbox_id!r})"

    @property
    def execution_id(self) -> str:
        """The execution's id."""
        return self._execution_id

    @property
    def devbox_id(self) -> str:
        """The devbox the command runs on."""
        return self._devbox_id

    async def get_state(self) -> DevboxAsyncExecutionDetailView:
        """Reads the execution's current view (status, exit code, output tail) from the server."""
        return await self._ctx.api.devboxes.executions.retrieve(self._execution_id, devbox_id=self._devbox_id)

    async def result(
        self, *, timeout: float | None = None, polling: PollingConfig | None = None
    ) -> AsyncExecutionResult:
        """Waits until the command has finished and every output line went to the callbacks.

        Args:
            timeout: Seconds to wait at most (default: the polling settings' timeout).
            polling: Polling settings for this wait.

        Returns:
            The finished command's result.

        Raises:
            PollingTimeoutError: When the command did not finish in time (it keeps running).
            Exception: Whatever a ``stdout``/``stderr``/``output`` callback raised.
        """
        config = self._ctx.polling_for(polling, timeout)
        if self._pumps is None:
            view = await wait_for_completion(self._ctx, self._devbox_id, self._execution_id, config)
            return AsyncExecutionResult(self._ctx.api, view)
        waiter = self._pumps.start(
            wait_for_completion, self._ctx, self._devbox_id, self._execution_id, config
        )
        await self._pumps.wait()
        return AsyncExecutionResult(self._ctx.api, waiter.result())

    async def _stop_pumps(self) -> None:
        if self._pumps is not None:
            await self._pumps.cancel()

    async def kill(self, *, process_group: bool = True) -> DevboxAsyncExecutionDetailView:
        """Kills the command (and, by default, every process it started).

        Args:
            process_group: Also kill the processes the command started.

        Returns:
            The execution's view after the kill.
        """
        return await self._ctx.api.devboxes.executions.kill(
            self._execution_id, devbox_id=self._devbox_id, kill_process_group=process_group
        )

    async def send_stdin(self, text: str) -> None:
        """Writes ``text`` to the command's standard input (start it with ``attach_stdin=True``)."""
        await self._ctx.api.devboxes.executions.send_std_in(
            self._execution_id, devbox_id=self._devbox_id, text=text
        )

    async def close_stdin(self) -> None:
        """Closes the command's standard input (it reads end-of-file)."""
        await self._ctx.api.devboxes.executions.send_std_in(
            self._execution_id, devbox_id=self._devbox_id, signal="EOF"
        )

    def stdout_lines(self, offset: int | None = None) -> AsyncIterator[OutputLine]:
        """Iterates over standard output line by line, live, until the command ends.

        Args:
            offset: Resume after the line whose ``OutputLine.offset`` this is (default: the start).

        Returns:
            An iterator of lines; each carries the offset to resume after it.
        """
        return iter_lines(self._ctx.api, self._devbox_id, self._execution_id, "stdout", offset)

    def stderr_lines(self, offset: int | None = None) -> AsyncIterator[OutputLine]:
        """Iterates over standard error line by line, live, until the command ends.

        Args:
            offset: Resume after the line whose ``OutputLine.offset`` this is (default: the start).

        Returns:
            An iterator of lines; each carries the offset to resume after it.
        """
        return iter_lines(self._ctx.api, self._devbox_id, self._execution_id, "stderr", offset)
