"""Pure decisions on server views: has a wait succeeded, is it still pending, or has it failed."""

from __future__ import annotations

from collections.abc import Collection
from typing import Literal

from runloop_api.types import (
    BlueprintView,
    DevboxAsyncExecutionDetailView,
    DevboxSnapshotAsyncStatusView,
    DevboxView,
)

from .errors import DevboxFailedError, SnapshotFailedError

__all__ = [
    "DEVBOX_DEAD",
    "devbox_reached",
    "execution_completed",
    "snapshot_completed",
    "blueprint_outcome",
]

DEVBOX_DEAD = frozenset({"failure", "shutdown"})
"""Statuses a devbox never leaves."""


def devbox_reached(view: DevboxView, wanted: Collection[str]) -> bool:
    """True when the devbox is in one of ``wanted``.

    Raises:
        DevboxFailedError: When it is in a status it never leaves and that was not wanted.
    """
    if view.status in wanted:
        return True
    if view.status in DEVBOX_DEAD:
        raise DevboxFailedError(view.id, status=view.status, failure_reason=view.failure_reason, view=view)
    return False


def execution_completed(view: DevboxAsyncExecutionDetailView) -> bool:
    """True when the command has finished."""
    return view.status == "completed"


def snapshot_completed(view: DevboxSnapshotAsyncStatusView, snapshot_id: str) -> bool:
    """True when the snapshot is complete.

    Raises:
        SnapshotFailedError: When it ended in ``error`` or was deleted.
    """
    if view.status == "complete":
        return True
    if view.status in ("error", "deleted"):
        raise SnapshotFailedError(snapshot_id, status=view.status, error_message=view.error_message)
    return False


def blueprint_outcome(view: BlueprintView) -> Literal["built", "failed", "building"]:
    """Where a blueprint build stands."""
    if view.status == "build_complete":
        return "built"
    if view.status == "failed" or view.state == "deleted":
        return "failed"
    return "building"
