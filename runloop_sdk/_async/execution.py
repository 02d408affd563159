"""``AsyncExecution``: a command that runs in the background on a devbox."""

from __future__ import annotations

from collections.abc import AsyncIterator

from typing_extensions import Unpack

from runloop_api.types import DevboxAsyncExecutionDetailView

from .._base.options import MutationOptions, RequestOptions, WaitOptions, pick_polling
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
    ctx: AsyncClientContext,
    devbox_id: str,
    execution_id: str,
    config: PollingConfig,
    options: WaitOptions | None = None,
) -> DevboxAsyncExecutionDetailView:
    """Long-polls until the execution has completed.

    Raises:
        PollingTimeoutError: When ``config`` gives up first; carries the last view.
    """

    async def fetch(hold: int) -> DevboxAsyncExecutionDetailView:
        return await ctx.api.devboxes.executions.wait_for_status(
            execution_id, devbox_id=devbox_id, statuses=["completed"], timeout_seconds=hold, **(options or {})
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

    async def get_state(self, **options: Unpack[RequestOptions]) -> DevboxAsyncExecutionDetailView:
        """Reads the execution's current view (status, exit code, output tail) from the server."""
        return await self._ctx.api.devboxes.executions.retrieve(
            self._execution_id, devbox_id=self._devbox_id, **options
        )

    async def result(
        self,
        *,
        timeout: float | None = None,
        polling: PollingConfig | None = None,
        polling_config: PollingConfig | None = None,
        **options: Unpack[WaitOptions],
    ) -> AsyncExecutionResult:
        """Waits until the command has finished and every output line went to the callbacks.

        Args:
            timeout: Seconds to wait at most (default: the polling settings' timeout).
            polling: Polling settings for this wait.
            polling_config: ``polling`` under the official SDK's name.
            **options: Request options of each wait request (``extra_headers``, ...).

        Returns:
            The finished command's result.

        Raises:
            PollingTimeoutError: When the command did not finish in time (it keeps running).
            Exception: Whatever a ``stdout``/``stderr``/``output`` callback raised.
        """
        config = self._ctx.polling_for(pick_polling(polling, polling_config), timeout)
        if self._pumps is None:
            view = await wait_for_completion(self._ctx, self._devbox_id, self._execution_id, config, options)
            return AsyncExecutionResult(self._ctx.api, view)
        waiter = self._pumps.start(
            wait_for_completion, self._ctx, self._devbox_id, self._execution_id, config, options
        )
        await self._pumps.wait()
        return AsyncExecutionResult(self._ctx.api, waiter.result())

    async def _stop_pumps(self) -> None:
        if self._pumps is not None:
            await self._pumps.cancel()

    async def kill(
        self, *, process_group: bool = True, **options: Unpack[MutationOptions]
    ) -> DevboxAsyncExecutionDetailView:
        """Kills the command (and, by default, every process it started).

        Args:
            process_group: Also kill the processes the command started.

        Returns:
            The execution's view after the kill.
        """
        return await self._ctx.api.devboxes.executions.kill(
            self._execution_id, devbox_id=self._devbox_id, kill_process_group=process_group, **options
        )

    async def send_stdin(self, text: str, **options: Unpack[MutationOptions]) -> None:
        """Writes ``text`` to the command's standard input (start it with ``attach_stdin=True``)."""
        await self._ctx.api.devboxes.executions.send_std_in(
            self._execution_id, devbox_id=self._devbox_id, text=text, **options
        )

    async def send_std_in(self, text: str, **options: Unpack[MutationOptions]) -> None:
        """:meth:`send_stdin` under the official SDK's name."""
        await self.send_stdin(text, **options)

    async def close_stdin(self, **options: Unpack[MutationOptions]) -> None:
        """Closes the command's standard input (it reads end-of-file)."""
        await self._ctx.api.devboxes.executions.send_std_in(
            self._execution_id, devbox_id=self._devbox_id, signal="EOF", **options
        )

    async def close_std_in(self, **options: Unpack[MutationOptions]) -> None:
        """:meth:`close_stdin` under the official SDK's name."""
        await self.close_stdin(**options)

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
