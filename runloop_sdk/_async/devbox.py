"""``AsyncDevbox``: one devbox, its lifecycle, and its ``cmd`` / ``file`` / ``net`` / ``pty`` interfaces."""

from __future__ import annotations

from collections.abc import Mapping
from types import TracebackType
from typing import TYPE_CHECKING

from typing_extensions import Unpack

from runloop_api.types import DevboxLog, DevboxResourceUsageView, DevboxView, DevboxViewStatus, TunnelView

from .._base.options import MutationOptions, RequestOptions, pick_polling
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
        self._cmd = AsyncCommandInterface(ctx, devbox_id)
        self._file = AsyncFileInterface(ctx, devbox_id)
        self._net = AsyncNetworkInterface(ctx, devbox_id)
        self._pty = AsyncPtyInterface(ctx, devbox_id)

    @property
    def cmd(self) -> AsyncCommandInterface:
        """Run commands: ``exec`` and ``exec_async``."""
        return self._cmd

    @property
    def file(self) -> AsyncFileInterface:
        """Read, write, upload and download files."""
        return self._file

    @property
    def net(self) -> AsyncNetworkInterface:
        """SSH keys and tunnels."""
        return self._net

    @property
    def pty(self) -> AsyncPtyInterface:
        """Interactive terminal sessions."""
        return self._pty

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

    async def close(self) -> None:
        """Shuts the devbox down (the official SDK's alias of :meth:`shutdown`)."""
        await self.shutdown()

    async def get_info(self, **options: Unpack[RequestOptions]) -> DevboxView:
        """Reads the devbox's current view from the server."""
        return await self._ctx.api.devboxes.retrieve(self._id, **options)

    async def get_tunnel(self, **options: Unpack[RequestOptions]) -> TunnelView | None:
        """The devbox's tunnel, or None when it has none."""
        return (await self.get_info(**options)).tunnel

    async def get_tunnel_url(self, port: int, **options: Unpack[RequestOptions]) -> str | None:
        """The public URL of ``port``, or None when the devbox has no tunnel (``net.tunnel_url``)."""
        return await self._net.tunnel_url(port, **options)

    async def await_running(
        self, *, polling: PollingConfig | None = None, polling_config: PollingConfig | None = None
    ) -> DevboxView:
        """Waits until the devbox is running.

        Args:
            polling: Polling settings for the wait (default: the SDK's).
            polling_config: ``polling`` under the official SDK's name.

        Raises:
            DevboxFailedError: When it failed or was shut down instead; carries failure_reason.
            PollingTimeoutError: When the wait gave up; carries the last view.
        """
        return await self._await_status("running", pick_polling(polling, polling_config))

    async def await_suspended(
        self, *, polling: PollingConfig | None = None, polling_config: PollingConfig | None = None
    ) -> DevboxView:
        """Waits until the devbox is suspended.

        Args:
            polling: Polling settings for the wait (default: the SDK's).
            polling_config: ``polling`` under the official SDK's name.

        Raises:
            DevboxFailedError: When it failed or was shut down instead.
            PollingTimeoutError: When the wait gave up; carries the last view.
        """
        return await self._await_status("suspended", pick_polling(polling, polling_config))

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

    async def suspend(
        self,
        *,
        polling: PollingConfig | None = None,
        polling_config: PollingConfig | None = None,
        **options: Unpack[MutationOptions],
    ) -> DevboxView:
        """Suspends the devbox and waits until it is suspended (its disk is kept)."""
        await self._ctx.api.devboxes.suspend(self._id, **options)
        return await self.await_suspended(polling=pick_polling(polling, polling_config))

    async def resume(
        self,
        *,
        polling: PollingConfig | None = None,
        polling_config: PollingConfig | None = None,
        **options: Unpack[MutationOptions],
    ) -> DevboxView:
        """Resumes a suspended devbox and waits until it is running."""
        await self._ctx.api.devboxes.resume(self._id, **options)
        return await self.await_running(polling=pick_polling(polling, polling_config))

    async def resume_async(self, **options: Unpack[MutationOptions]) -> DevboxView:
        """Starts resuming a suspended devbox and returns at once (``await_running`` waits)."""
        return await self._ctx.api.devboxes.resume(self._id, **options)

    async def shutdown(self, **options: Unpack[MutationOptions]) -> DevboxView:
        """Shuts the devbox down for good."""
        return await self._ctx.api.devboxes.shutdown(self._id, **options)

    async def keep_alive(self, **options: Unpack[MutationOptions]) -> None:
        """Resets the devbox's idle timer."""
        await self._ctx.api.devboxes.keep_alive(self._id, **options)

    async def update(
        self, *, name: str | None = None, metadata: Mapping[str, str] | None = None
    ) -> DevboxView:
        """Renames the devbox or replaces its metadata.

        Args:
            name: The new name.
            metadata: The new metadata.
        """
        return await self._ctx.api.devboxes.update(self._id, name=name, metadata=metadata)

    async def logs(
        self, *, execution_id: str | None = None, **options: Unpack[RequestOptions]
    ) -> list[DevboxLog]:
        """The devbox's log entries, optionally only those of one execution."""
        view = await self._ctx.api.devboxes.logs.list(self._id, execution_id=execution_id, **options)
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
        polling_config: PollingConfig | None = None,
        **options: Unpack[MutationOptions],
    ) -> AsyncSnapshot:
        """Snapshots the devbox's disk and waits until the snapshot is complete.

        Raises:
            SnapshotFailedError: When the snapshot failed.
            PollingTimeoutError: When the wait gave up.
        """
        snapshot = await self.snapshot_disk_async(
            name=name, commit_message=commit_message, metadata=metadata, **options
        )
        await snapshot.await_completed(polling=pick_polling(polling, polling_config))
        return snapshot

    async def snapshot_disk_async(
        self,
        *,
        name: str | None = None,
        commit_message: str | None = None,
        metadata: Mapping[str, str] | None = None,
        **options: Unpack[MutationOptions],
    ) -> AsyncSnapshot:
        """Starts a disk snapshot and returns at once (``await snapshot.await_completed()``)."""
        from .snapshot import AsyncSnapshot

        view = await self._ctx.api.devboxes.snapshot_disk_async(
            self._id, name=name, commit_message=commit_message, metadata=metadata, **options
        )
        return AsyncSnapshot(self._ctx, view.id)
