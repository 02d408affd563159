# Generated from runloop_sdk/_async/devbox.py by scripts/unasync.py. Do not edit.
"""``Devbox``: one devbox, its lifecycle, and its ``cmd`` / ``file`` / ``net`` / ``pty`` interfaces."""

from __future__ import annotations

from collections.abc import Mapping
from types import TracebackType
from typing import TYPE_CHECKING

from runloop_api.types import DevboxLog, DevboxResourceUsageView, DevboxView, DevboxViewStatus

from .._base.polling import PollingConfig
from .._base.states import devbox_reached
from ._context import ClientContext
from .commands import CommandInterface
from .files import FileInterface
from .net import NetworkInterface
from .polling import poll_until
from .pty import PtyInterface

if TYPE_CHECKING:
    from .snapshot import Snapshot

__all__ = ["Devbox"]


class Devbox:
    """A devbox: an id plus methods. State is always read from the server.

    Use it as a context manager (``with`` here) to shut it down when the block ends, also on error::

        with sdk.devbox.create(name="demo") as devbox:
            result = devbox.cmd.exec("echo hi")
    """

    def __init__(self, ctx: ClientContext, devbox_id: str) -> None:
        self._ctx = ctx
        self._id = devbox_id
        self.cmd = CommandInterface(ctx, devbox_id)
        """Run commands: ``exec`` and ``exec_async``."""
        self.file = FileInterface(ctx, devbox_id)
        """Read, write, upload and download files."""
        self.net = NetworkInterface(ctx, devbox_id)
        """SSH keys and tunnels."""
        self.pty = PtyInterface(ctx, devbox_id)
        """Interactive terminal sessions."""

    def __repr__(self) -> str:
        return f"Devbox(id={self._id!r})"

    def shell(self, name: str) -> CommandInterface:
        """A named shell of this devbox: ``exec`` / ``exec_async`` there share a working folder
        and exported variables, and run one at a time, in order (a second waits ``queued``).

        Args:
            name: The shell's name (letters, digits, ``.``, ``_``, ``-``); the same name is the
                same shell, for any client of the devbox.

        Returns:
            The shell's command interface.
        """
        return CommandInterface(self._ctx, self._id, shell_name=name)

    @property
    def id(self) -> str:
        """The devbox's id."""
        return self._id

    def __enter__(self) -> Devbox:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            self.shutdown()
        except Exception as shutdown_error:
            if exc is None:
                raise
            # Never hide the body's exception; record why the devbox may still be running.
            note = f"(and shutting down devbox {self._id} failed: {shutdown_error!r})"
            if hasattr(exc, "add_note"):
                exc.add_note(note)

    def get_info(self) -> DevboxView:
        """Reads the devbox's current view from the server."""
        return self._ctx.api.devboxes.retrieve(self._id)

    def await_running(self, *, polling: PollingConfig | None = None) -> DevboxView:
        """Waits until the devbox is running.

        Raises:
            DevboxFailedError: When it failed or was shut down instead; carries failure_reason.
            PollingTimeoutError: When the wait gave up; carries the last view.
        """
        return self._await_status("running", polling)

    def await_suspended(self, *, polling: PollingConfig | None = None) -> DevboxView:
        """Waits until the devbox is suspended.

        Raises:
            DevboxFailedError: When it failed or was shut down instead.
            PollingTimeoutError: When the wait gave up; carries the last view.
        """
        return self._await_status("suspended", polling)

    def _await_status(self, status: DevboxViewStatus, polling: PollingConfig | None) -> DevboxView:
        wanted = (status,)

        def fetch(hold: int) -> DevboxView:
            return self._ctx.api.devboxes.wait_for_status(
                self._id, statuses=[status, "failure", "shutdown"], timeout_seconds=hold
            )

        return poll_until(
            fetch,
            lambda view: devbox_reached(view, wanted),
            self._ctx.polling_for(polling),
            what=f"devbox {self._id} to be {status}",
        )

    def suspend(self, *, polling: PollingConfig | None = None) -> DevboxView:
        """Suspends the devbox and waits until it is suspended (its disk is kept)."""
        self._ctx.api.devboxes.suspend(self._id)
        return self.await_suspended(polling=polling)

    def resume(self, *, polling: PollingConfig | None = None) -> DevboxView:
        """Resumes a suspended devbox and waits until it is running."""
        self._ctx.api.devboxes.resume(self._id)
        return self.await_running(polling=polling)

    def shutdown(self) -> DevboxView:
        """Shuts the devbox down for good."""
        return self._ctx.api.devboxes.shutdown(self._id)

    def keep_alive(self) -> None:
        """Resets the devbox's idle timer."""
        self._ctx.api.devboxes.keep_alive(self._id)

    def update(self, *, name: str | None = None, metadata: Mapping[str, str] | None = None) -> DevboxView:
        """Renames the devbox or replaces its metadata.

        Args:
            name: The new name.
            metadata: The new metadata.
        """
        return self._ctx.api.devboxes.update(self._id, name=name, metadata=metadata)

    def logs(self, *, execution_id: str | None = None) -> list[DevboxLog]:
        """The devbox's log entries, optionally only those of one execution."""
        view = self._ctx.api.devboxes.logs.list(self._id, execution_id=execution_id)
        return list(view.logs)

    def usage(self) -> DevboxResourceUsageView:
        """The devbox's resource usage so far."""
        return self._ctx.api.devboxes.retrieve_resource_usage(self._id)

    def snapshot_disk(
        self,
        *,
        name: str | None = None,
        commit_message: str | None = None,
        metadata: Mapping[str, str] | None = None,
        polling: PollingConfig | None = None,
    ) -> Snapshot:
        """Snapshots the devbox's disk and waits until the snapshot is complete.

        Raises:
            SnapshotFailedError: When the snapshot failed.
            PollingTimeoutError: When the wait gave up.
        """
        snapshot = self.snapshot_disk_async(name=name, commit_message=commit_message, metadata=metadata)
        snapshot.await_completed(polling=polling)
        return snapshot

    def snapshot_disk_async(
        self,
        *,
        name: str | None = None,
        commit_message: str | None = None,
        metadata: Mapping[str, str] | None = None,
    ) -> Snapshot:
        """Starts a disk snapshot and returns at once (``snapshot.await_completed()``)."""
        from .snapshot import Snapshot

        view = self._ctx.api.devboxes.snapshot_disk_async(
            self._id, name=name, commit_message=commit_message, metadata=metadata
        )
        return Snapshot(self._ctx, view.id)
