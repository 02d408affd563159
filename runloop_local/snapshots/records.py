"""Disk snapshot records: the dataclass, its API views, and their SQLite table.

The table lives in the engine's database file, reached through a connection of its own, so the
snapshot code needs nothing from :class:`..devboxes.store.Store`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from runloop_api.types import DevboxDiskSnapshotView, DevboxSnapshotAsyncStatusView

from ..db.json_record import JsonRecord, open_table
from ..db.sql_queries import metadata_keys, metadata_values, newest_first_page

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


class SnapshotStore:
    """The ``disk_snapshots`` table of the engine's database.

    Args:
        path: The database file (the engine's, already in WAL mode).
    """

    def __init__(self, path: Path) -> None:
        self._db, self._lock = open_table(path, _SCHEMA)

    def close(self) -> None:
        """Closes the connection."""
        with self._lock:
            self._db.close()

    def put(self, rec: SnapshotRecord) -> None:
        """Inserts or replaces a snapshot record."""
        with self._lock:
            self._db.execute(
                "INSERT INTO disk_snapshots (id, devbox_id, status, data) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET status = excluded.status, data = excluded.data",
                (rec.id, rec.source_devbox_id, rec.status, json.dumps(rec.to_json())),
            )

    def get(self, id: str) -> SnapshotRecord | None:
        """The snapshot with this id, or None."""
        with self._lock:
            row = self._db.execute("SELECT data FROM disk_snapshots WHERE id = ?", (id,)).fetchone()
        return None if row is None else SnapshotRecord.from_json(json.loads(row[0]))

    def with_status(self, status: str) -> list[SnapshotRecord]:
        """Every snapshot with this status, oldest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT data FROM disk_snapshots WHERE status = ? ORDER BY seq", (status,)
            ).fetchall()
        return [SnapshotRecord.from_json(json.loads(r[0])) for r in rows]

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
            blueprint_id: Only the snapshots of devboxes made from this blueprint.
            metadata: Only snapshots whose metadata has each key with one of its values.
            limit: Page size.
            starting_after: The id of the last snapshot of the previous page (it must exist).

        Returns:
            ``(page, has_more, total_count)``; the total counts every match, not only this page.
        """
        clauses, args = ["status != 'deleted'"], list[Any]()
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
        with self._lock:
            rows, has_more, total = newest_first_page(
                self._db, "disk_snapshots", clauses, args, limit=limit, starting_after=starting_after
            )
        return [SnapshotRecord.from_json(json.loads(r)) for r in rows], has_more, total

    def metadata_keys(self) -> list[str]:
        """Every metadata key of a snapshot that is not deleted, sorted."""
        with self._lock:
            return metadata_keys(self._db, "disk_snapshots", "status != 'deleted'")

    def metadata_values(self, key: str) -> list[str]:
        """Every value of metadata ``key`` across snapshots that are not deleted, sorted."""
        with self._lock:
            return metadata_values(self._db, "disk_snapshots", key, "status != 'deleted'")
