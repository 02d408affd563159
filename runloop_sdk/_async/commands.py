"""``devbox.cmd``: running commands, waiting for them or in the background."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Sequence

import httpx
from typing_extensions import Unpack

from runloop_api import RequestTimeoutError
from runloop_api._base.ids import uuid7
from runloop_api.types import DevboxAsyncExecutionDetailView

from .._base.errors import PollingTimeoutError
from .._base.options import MutationOptions, WaitOptions, pick_polling
from .._base.polling import LONG_POLL_MAX_SECONDS, PollingConfig
from .._base.tasks import AsyncCallbackLock, AsyncTaskGroup
from ._context import AsyncClientContext
from .execution import AsyncExecution, wait_for_completion
from .output import LineCallback, StreamName, iter_line_texts, pump_lines
from .result import AsyncExecutionResult

__all__ = ["AsyncCommandInterface"]


class AsyncCommandInterface:
    """Runs shell commands on one devbox (``devbox.cmd``), or in one of its named shells
    (``devbox.shell(name)``: the working folder and exported variables carry over from one
    command to the next, and its commands run one at a time, in order)."""

    def __init__(self, ctx: AsyncClientContext, devbox_id: str, shell_name: str | None = None) -> None:
        self._ctx = ctx
        self._devbox_id = devbox_id
        self.shell_name = shell_name
        """The named shell the commands run in (None: each command on its own)."""

    async def exec(
        self,
        command: str,
        *,
        stdout: LineCallback | None = None,
        stderr: LineCallback | None = None,
        output: LineCallback | None = None,
        timeout: float | None = None,
        polling: PollingConfig | None = None,
        polling_config: PollingConfig | None = None,
        attach_stdin: bool = False,
        **options: Unpack[WaitOptions],
    ) -> AsyncExecutionResult:
        """Runs ``command`` with ``bash -c`` and returns once it has finished.

        Without callbacks a short command costs one HTTP round trip (the optimistic ``execute``
        endpoint); a longer one continues with long-polls. With callbacks the output is streamed
        live and this returns only after every line was handed to them.

        Args:
            command: The shell command.
            stdout: Called with each line of standard output (without its line break).
            stderr: Called with each line of standard error.
            output: Called with each line of either stream.
            timeout: Seconds to wait at most (default: no limit); the command is killed then.
                Unlike the official SDK's ``timeout`` (one HTTP request's), this bounds the whole run.
            polling: Polling settings for the wait (default: the SDK's).
            polling_config: ``polling`` under the official SDK's name.
            attach_stdin: Keep the command's standard input open (``exec_async`` is where it is fed).
            **options: Request options of the starting request (``idempotency_key``, ``extra_headers``, ...).

        Returns:
            The result: exit code and full output.

        Raises:
            PollingTimeoutError: When ``timeout`` passed first; carries the last view.
            Exception: Whatever a callback raised.
        """
        config = (pick_polling(polling, polling_config) or self._ctx.polling).with_timeout(timeout)
        if stdout is None and stderr is None and output is None and not attach_stdin:
            return await self._exec_optimistic(command, config, options)
        execution = await self.exec_async(
            command, stdout=stdout, stderr=stderr, output=output, attach_stdin=attach_stdin, **options
        )
        try:
            return await execution.result(polling=config)
        except BaseException as error:
            # Nobody will read this execution's output any more: stop its pumps.
            await execution._stop_pumps()
            if isinstance(error, PollingTimeoutError):
                await _kill_quietly(execution)
            raise

    async def _exec_optimistic(
        self, command: str, config: PollingConfig, options: WaitOptions
    ) -> AsyncExecutionResult:
        started = time.monotonic()
        hold = LONG_POLL_MAX_SECONDS
        if config.timeout is not None:
            hold = max(1, min(hold, int(config.timeout)))
        command_id = uuid7()
        view = await self._execute(command, command_id, hold, options)
        if view is None:
            # The server stopped holding the request (408). The command id makes sending it
            # again safe: the server answers with the execution it already started.
            view = await self._execute(command, command_id, 0, options)
        execution_id = command_id if view is None else view.execution_id
        if view is not None and view.status == "completed":
            return AsyncExecutionResult(self._ctx.api, view)
        if config.timeout is not None:
            config = config.with_timeout(max(0.0, config.timeout - (time.monotonic() - started)))
        try:
            final = await wait_for_completion(self._ctx, self._devbox_id, execution_id, config)
        except PollingTimeoutError:
            await _kill_quietly(AsyncExecution(self._ctx, _placeholder(self._devbox_id, execution_id)))
            raise
        return AsyncExecutionResult(self._ctx.api, final)

    async def _execute(
        self, command: str, command_id: str, hold: int, options: WaitOptions
    ) -> DevboxAsyncExecutionDetailView | None:
        try:
            return await self._ctx.api.devboxes.execute(
                self._devbox_id,
                command=command,
                command_id=command_id,
                shell_name=self.shell_name,
                optimistic_timeout=hold,
                timeout=httpx.Timeout(hold + 15.0, connect=10.0),
                **options,
            )
        except RequestTimeoutError:
            return None

    async def exec_async(
        self,
        command: str,
        *,
        stdout: LineCallback | None = None,
        stderr: LineCallback | None = None,
        output: LineCallback | None = None,
        attach_stdin: bool = False,
        **options: Unpack[MutationOptions],
    ) -> AsyncExecution:
        """Starts ``command`` in the background and returns at once.

        Args:
            command: The shell command.
            stdout: Called with each line of standard output (without its line break).
            stderr: Called with each line of standard error.
            output: Called with each line of either stream.
            attach_stdin: Keep the command's standard input open for ``send_stdin``.
            **options: Request options (``timeout``, ``idempotency_key``, ``extra_headers``, ...).

        Returns:
            The running execution; ``await execution.result()`` waits for it.
        """
        view = await self._ctx.api.devboxes.execute_async(
            self._devbox_id,
            command=command,
            shell_name=self.shell_name,
            attach_stdin=True if attach_stdin else None,
            **options,
        )
        pumps = self._start_pumps(view, stdout=stdout, stderr=stderr, output=output)
        return AsyncExecution(self._ctx, view, pumps)

    def _start_pumps(
        self,
        view: DevboxAsyncExecutionDetailView,
        *,
        stdout: LineCallback | None,
        stderr: LineCallback | None,
        output: LineCallback | None,
    ) -> AsyncTaskGroup | None:
        wanted: dict[StreamName, Sequence[LineCallback]] = {
            "stdout": [cb for cb in (stdout, output) if cb is not None],
            "stderr": [cb for cb in (stderr, output) if cb is not None],
        }
        if not any(wanted.values()):
            return None
        group = AsyncTaskGroup()
        lock = AsyncCallbackLock()
        for stream, callbacks in wanted.items():
            if callbacks:
                batches = iter_line_texts(self._ctx.api, view.devbox_id, view.execution_id, stream)
                group.start(pump_lines, batches, callbacks, lock, group)
        return group


def _placeholder(devbox_id: str, execution_id: str) -> DevboxAsyncExecutionDetailView:
    return DevboxAsyncExecutionDetailView(devbox_id=devbox_id, execution_id=execution_id, status="running")


async def _kill_quietly(execution: AsyncExecution) -> None:
    # The timeout is the error to report; the command may have ended meanwhile.
    with contextlib.suppress(Exception):
        await execution.kill()
