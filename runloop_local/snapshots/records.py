"""Disk snapshot records: the dataclass, its API views, and their SQLite table.

The table lives in the engine's database file, reached through a connection of its own, so the
snapshot code needs nothing from :class:`..devboxes.store.Store`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from runloop_api.types import DevboxDiskSnapshotView, DevboxSnapshotAsyncStatusView

from ..db.json_record import JsonRecord
from ..db.record_table import RecordTable

__all__ = ["MetadataFilter", "SnapshotRecord", "SnapshotStore"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS disk_snapshots (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    devbox_id TEXT NOT NULL,
    status TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS disk_snapshots_devbox ON disk_snapshots (devbox_id);
CREATE INDEX IF NOT EXISTS disk_snapshots_status ON disk_snapshots (status);
"""

MetadataFilter = tuple[str, tuple[str, ...]]
"""A metadata key and the values it may have (any of them)."""


@dataclass
class SnapshotRecord(JsonRecord):
    """Everything kept about one disk snapshot (stored as JSON).

    ``status`` is ``in_progress``, ``complete``, ``error`` (``error_message`` says why) or
    ``deleted`` (the files are gone, the record stays so the status query can say so).
    """

    id: str
    create_time_ms: int
    source_devbox_id: str
    status: str = "in_progress"
    name: str | None = None
    commit_message: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    size_bytes: int | None = None
    error_message: str | None = None
    source_blueprint_id: str | None = None
    image_env: dict[str, str] = field(default_factory=dict)
    """The source devbox's image environment and working folder, which its forks keep."""
    workdir: str | None = None
    host_base: bool = True
    layers: list[str] = field(default_factory=list)
    """A whole-disk snapshot: its image layers, top first (the devbox's writes over the layers
    its root stood on). Empty: a snapshot of ``/home/user`` only, in ``snapshots/<id>/home``."""

    def view(self) -> DevboxDiskSnapshotView:
        """The spec's DevboxDiskSnapshotView of this snapshot."""
        return DevboxDiskSnapshotView(
            id=self.id,
            create_time_ms=self.create_time_ms,
            metadata=dict(self.metadata),
            source_devbox_id=self.source_devbox_id,
            name=self.name,
            commit_message=self.commit_message,
            size_bytes=self.size_bytes,
            source_blueprint_id=self.source_blueprint_id,
        )

    def status_view(self) -> DevboxSnapshotAsyncStatusView:
        """The spec's DevboxSnapshotAsyncStatusView: the details only once complete."""
        return DevboxSnapshotAsyncStatusView.model_validate(
            {
                "status": self.status,
                "error_message": self.error_message,
                "snapshot": self.view() if self.status == "complete" else None,
            }
        )


class SnapshotStore(RecordTable[SnapshotRecord]):
    """The ``disk_snapshots`` table of the engine's database."""

    table = "disk_snapshots"
    record = SnapshotRecord
    schema = _SCHEMA
    visible = "status != 'deleted'"

    def columns(self, rec: SnapshotRecord) -> dict[str, Any]:
        """The source devbox and the status, indexed."""
        return {"devbox_id": rec.source_devbox_id, "status": rec.status}

    def with_status(self, status: str) -> list[SnapshotRecord]:
        """Every snapshot with this status, oldest first."""
        return self.where("status = ?", (status,))

    def page(
        self,
        *,
        devbox_id: str | None,
        metadata: list[MetadataFilter],
        limit: int,
        starting_after: str | None,
        blueprint_id: str | None = None,
    ) -> tuple[list[SnapshotRecord], bool, int]:
        """One page of snapshots that are not deleted, newest first.

        Args:
            devbox_id: Only the snapshots of this devbox.
            metadata: Only snapshots whose metadata has each key with one of its values.
            limit: Page size.
            starting_after: The id of the last snapshot of the previous page (it must exist).
            blueprint_id: Only the snapshots of devboxes made from this blueprint.

        Returns:
            ``(page, has_more, total_count)``; the total counts every match, not only this page.
        """
        clauses, args = [self.visible], list[Any]()
        if devbox_id is not None:
            clauses.append("devbox_id = ?")
            args.append(devbox_id)
        if blueprint_id is not None:
            clauses.append("json_extract(data, '$.source_blueprint_id') = ?")
            args.append(blueprint_id)
        for key, values in metadata:
            marks = ",".join("?" * len(values))
            clauses.append(
                "EXISTS (SELECT 1 FROM json_each(disk_snapshots.data, '$.metadata') AS j "
                f"WHERE j.key = ? AND j.value IN ({marks}))"
            )
            args += [key, *values]
        return self.select_page(clauses, args, limit=limit, starting_after=starting_after)
