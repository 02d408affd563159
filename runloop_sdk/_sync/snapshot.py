# Generated from runloop_sdk/_async/snapshot.py by scripts/unasync.py. Do not edit.
"""``Snapshot``: a disk snapshot of a devbox, and new devboxes forked from it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from typing_extensions import Unpack

from runloop_api._sync.resources.devboxes import DevboxesResource
from runloop_api.types import DevboxDiskSnapshotView, DevboxSnapshotAsyncStatusView

from .._base.forwarding import forwards_to
from .._base.options import MutationOptions, RequestOptions, pick_polling
from .._base.polling import PollingConfig
from .._base.states import snapshot_completed
from ._context import ClientContext
from .polling import poll_until

if TYPE_CHECKING:
    from .devbox import Devbox

__all__ = ["Snapshot"]


class Snapshot:
    """A disk snapshot.

    Example:
        >>> snap = devbox.snapshot_disk(name="base")
        >>> fork = snap.create_devbox(name="fork")
    """

    def __init__(self, ctx: ClientContext, snapshot_id: str) -> None:
        self._ctx = ctx
        self._id = snapshot_id

    def __repr__(self) -> str:
        return f"Snapshot(id={self._id!r})"

    @property
    def id(self) -> str:
        """The snapshot's id."""
        return self._id

    def get_info(self, **options: Unpack[RequestOptions]) -> DevboxSnapshotAsyncStatusView:
        """Reads the snapshot's status (and, once complete, its details) from the server."""
        return self._ctx.api.devboxes.disk_snapshots.query_status(self._id, **options)

    def await_completed(
        self,
        *,
        polling: PollingConfig | None = None,
        polling_config: PollingConfig | None = None,
        **options: Unpack[RequestOptions],
    ) -> DevboxSnapshotAsyncStatusView:
        """Waits until the snapshot is complete.

        Args:
            polling: Polling settings for the wait (default: the SDK's).
            polling_config: ``polling`` under the official SDK's name.
            **options: Request options of each status request.

        Raises:
            SnapshotFailedError: When it failed; carries the server's message.
            PollingTimeoutError: When the wait gave up; carries the last status.
        """

        def fetch(hold: int) -> DevboxSnapshotAsyncStatusView:
            return self.get_info(**options)

        return poll_until(
            fetch,
            lambda view: snapshot_completed(view, self._id),
            self._ctx.polling_for(pick_polling(polling, polling_config)),
            what=f"snapshot {self._id} to complete",
        )

    def update(
        self,
        *,
        name: str | None = None,
        commit_message: str | None = None,
        metadata: Mapping[str, str] | None = None,
        **options: Unpack[MutationOptions],
    ) -> DevboxDiskSnapshotView:
        """Changes the snapshot's name, commit message or metadata."""
        return self._ctx.api.devboxes.disk_snapshots.update(
            self._id, name=name, commit_message=commit_message, metadata=metadata, **options
        )

    def delete(self, **options: Unpack[MutationOptions]) -> None:
        """Deletes the snapshot."""
        self._ctx.api.devboxes.disk_snapshots.delete(self._id, **options)

    @forwards_to(DevboxesResource.create)
    def create_devbox(
        self,
        *,
        polling: PollingConfig | None = None,
        polling_config: PollingConfig | None = None,
        **params: Any,
    ) -> Devbox:
        """Creates a devbox from this snapshot and waits until it is running.

        Args:
            polling: Polling settings for the wait.
            polling_config: ``polling`` under the official SDK's name.
            **params: What ``sdk.devbox.create`` accepts (``name``, ``metadata``, ...).
        """
        from .devbox_ops import DevboxOps

        return DevboxOps(self._ctx).create(
            snapshot_id=self._id, polling=pick_polling(polling, polling_config), **params
        )
