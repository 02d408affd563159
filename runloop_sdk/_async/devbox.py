"""``AsyncDevbox``: one devbox, its lifecycle, and its ``cmd`` / ``file`` / ``net`` / ``pty`` interfaces."""

from __future__ import annotations

from collections.abc import Mapping
from types import TracebackType
from typing import TYPE_CHECKING

from runloop_api.types import DevboxLog, DevboxResourceUsageView, DevboxView, DevboxViewStatus

from .._base.polling import PollingConfig
from .._base.states import devbox_reached
from ._context import AsyncClientContext
from .commands import AsyncCommandInterface
from .files import AsyncFileInterface
from .net import AsyncNetworkInterface
from .polling import poll_until
from .pty import AsyncPtyInterface

if TYPE_CHECKING:
    from .snapshot import AsyncSnapshot

__all__ = ["AsyncDevbox"]


class AsyncDevbox:
    """A devbox: an id plus methods. State is always read from the server.

    Use it as a context manager (``async with`` here) to shut it down when the block ends, also on error::

        async with await sdk.devbox.create(name="demo") as devbox:
            result = await devbox.cmd.exec("echo hi")
    """

    def __init__(self, ctx: AsyncClientContext, devbox_id: str) -> None:
        self._ctx = ctx
        self._id = devbox_id
        self.cmd = AsyncCommandInterface(ctx, devbox_id)
        """Run commands: ``exec`` and ``exec_async``."""
        self.file = AsyncFileInterface(ctx, devbox_id)
        """Read, write, upload and download files."""
        self.net = AsyncNetworkInterface(ctx, devbox_id)
        """SSH keys and tunnels."""
        self.pty = AsyncPtyInterface(ctx, devbox_id)
        """Interactive terminal sessions."""

    def __repr__(self) -> str:
        return f"AsyncDevbox(id={self._id!r})"

    def shell(self, name: str) -> AsyncCommandInterface:
        """A named shell of this devbox: ``exec`` / ``exec_async`` there share a working folder
        and exported variables, and run one at a time, in order (a second waits ``queued``).

        Args:
            name: The shell's name (letters, digits, ``.``, ``_``, ``-``); the same name is the
                same shell, for any client of the devbox.

        Returns:
            The shell's command interface.
        """
        return AsyncCommandInterface(self._ctx, self._id, shell_name=name)

    @property
    def id(self) -> str:
        """The devbox's id."""
        return self._id

    async def __aenter__(self) -> AsyncDevbox:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            await self.shutdown()
        except Exception as shutdown_error:
            if exc is None:
                raise
            # Never hide the body's exception; record why the devbox may still be running.
            note = f"(and shutting down devbox {self._id} failed: {shutdown_error!r})"
            if hasattr(exc, "add_note"):
                exc.add_note(note)

    async def get_info(self) -> DevboxView:
        """Reads the devbox's current view from the server."""
        return await self._ctx.api.devboxes.retrieve(self._id)

    async def await_running(self, *, polling: PollingConfig | None = None) -> DevboxView:
        """Waits until the devbox is running.

        Raises:
            DevboxFailedError: When it failed or was shut down instead; carries failure_reason.
            PollingTimeoutError: When the wait gave up; carries the last view.
        """
        return await self._await_status("running", polling)

    async def await_suspended(self, *, polling: PollingConfig | None = None) -> DevboxView:
        """Waits until the devbox is suspended.

        Raises:
            DevboxFailedError: When it failed or was shut down instead.
            PollingTimeoutError: When the wait gave up; carries the last view.
        """
        return await self._await_status("suspended", polling)

    async def _await_status(self, status: DevboxViewStatus, polling: PollingConfig | None) -> DevboxView:
        wanted = (status,)

        async def fetch(hold: int) -> DevboxView:
            return await self._ctx.api.devboxes.wait_for_status(
                self._id, statuses=[status, "failure", "shutdown"], timeout_seconds=hold
            )

        return await poll_until(
            fetch,
            lambda view: devbox_reached(view, wanted),
            self._ctx.polling_for(polling),
            what=f"devbox {self._id} to be {status}",
        )

    async def suspend(self, *, polling: PollingConfig | None = None) -> DevboxView:
        """Suspends the devbox and waits until it is suspended (its disk is kept)."""
        await self._ctx.api.devboxes.suspend(self._id)
        return await self.await_suspended(polling=polling)

    async def resume(self, *, polling: PollingConfig | None = None) -> DevboxView:
        """Resumes a suspended devbox and waits until it is running."""
        await self._ctx.api.devboxes.resume(self._id)
        return await self.await_running(polling=polling)

    async def shutdown(self) -> DevboxView:
        """Shuts the devbox down for good."""
        return await self._ctx.api.devboxes.shutdown(self._id)

    async def keep_alive(self) -> None:
        """Resets the devbox's idle timer."""
        await self._ctx.api.devboxes.keep_alive(self._id)

    async def update(
        self, *, name: str | None = None, metadata: Mapping[str, str] | None = None
    ) -> DevboxView:
        """Renames the devbox or replaces its metadata.

        Args:
            name: The new name.
            metadata: The new metadata.
        """
        return await self._ctx.api.devboxes.update(self._id, name=name, metadata=metadata)

    async def logs(self, *, execution_id: str | None = None) -> list[DevboxLog]:
        """The devbox's log entries, optionally only those of one execution."""
        view = await self._ctx.api.devboxes.logs.list(self._id, execution_id=execution_id)
        return list(view.logs)

    async def usage(self) -> DevboxResourceUsageView:
        """The devbox's resource usage so far."""
        return await self._ctx.api.devboxes.retrieve_resource_usage(self._id)

    async def snapshot_disk(
        self,
        *,
        name: str | None = None,
        commit_message: str | None = None,
        metadata: Mapping[str, str] | None = None,
        polling: PollingConfig | None = None,
    ) -> AsyncSnapshot:
        """Snapshots the devbox's disk and waits until the snapshot is complete.

        Raises:
            SnapshotFailedError: When the snapshot failed.
            PollingTimeoutError: When the wait gave up.
        """
        snapshot = await self.snapshot_disk_async(name=name, commit_message=commit_message, metadata=metadata)
        await snapshot.await_completed(polling=polling)
        return snapshot

    async def snapshot_disk_async(
        self,
        *,
        name: str | None = None,
        commit_message: str | None = None,
        metadata: Mapping[str, str] | None = None,
    ) -> AsyncSnapshot:
        """Starts a disk snapshot and returns at once (``await snapshot.await_completed()``)."""
        from .snapshot import AsyncSnapshot

        view = await self._ctx.api.devboxes.snapshot_disk_async(
            self._id, name=name, commit_message=commit_message, metadata=metadata
        )
        return AsyncSnapshot(self._ctx, view.id)
