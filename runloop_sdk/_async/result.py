"""``AsyncExecutionResult``: a finished command's exit code and its full output."""

from __future__ import annotations

from runloop_api import AsyncRunloopAPI
from runloop_api.types import DevboxAsyncExecutionDetailView

from .._base.output import needs_full_output, tail_lines
from .output import StreamName, read_all

__all__ = ["AsyncExecutionResult"]


class AsyncExecutionResult:
    """The outcome of a finished command.

    Example:
        >>> result = await devbox.cmd.exec("ls /")
        >>> print(result.exit_code, await result.stdout())
    """

    def __init__(self, api: AsyncRunloopAPI, view: DevboxAsyncExecutionDetailView) -> None:
        self._api = api
        self._view = view
        self._full: dict[StreamName, str] = {}

    def __repr__(self) -> str:
        return f"AsyncExecutionResult(execution_id={self.execution_id!r}, exit_code={self.exit_code})"

    @property
    def raw(self) -> DevboxAsyncExecutionDetailView:
        """The execution's final view exactly as the server sent it."""
        return self._view

    @property
    def result(self) -> DevboxAsyncExecutionDetailView:
        """:attr:`raw` under the official SDK's name."""
        return self._view

    @property
    def execution_id(self) -> str:
        """The execution's id."""
        return self._view.execution_id

    @property
    def devbox_id(self) -> str:
        """The devbox the command ran on."""
        return self._view.devbox_id

    @property
    def exit_code(self) -> int | None:
        """The command's exit code (``None`` if the server did not report one)."""
        return self._view.exit_status

    @property
    def success(self) -> bool:
        """True when the command exited with 0."""
        return self.exit_code == 0

    @property
    def failed(self) -> bool:
        """True when the command exited with a non-zero code."""
        return self.exit_code is not None and self.exit_code != 0

    async def stdout(self, num_lines: int | None = None) -> str:
        """The command's standard output, complete even where the server's view was cut short.

        Args:
            num_lines: Only the last ``num_lines`` lines.

        Returns:
            The text, line breaks kept.
        """
        return await self._output("stdout", self._view.stdout, self._view.stdout_truncated, num_lines)

    async def stderr(self, num_lines: int | None = None) -> str:
        """The command's standard error, complete even where the server's view was cut short.

        Args:
            num_lines: Only the last ``num_lines`` lines.

        Returns:
            The text, line breaks kept.
        """
        return await self._output("stderr", self._view.stderr, self._view.stderr_truncated, num_lines)

    async def _output(
        self, stream: StreamName, text: str | None, truncated: bool | None, num_lines: int | None
    ) -> str:
        if stream not in self._full and not needs_full_output(text, truncated, num_lines):
            return tail_lines(text or "", num_lines)
        if stream not in self._full:
            self._full[stream] = await read_all(self._api, self.devbox_id, self.execution_id, stream)
        return tail_lines(self._full[stream], num_lines)
