"""Storage object records: the dataclass, its API view, and their SQLite table.

The table lives in the engine's database file, reached through a connection of its own (as the
snapshot records), so the object code needs nothing from :class:`..devboxes.store.Store`. A deleted object's
row is removed: the service says "deleted" once, in the answer of the delete, then 404.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from runloop_api.types import ObjectView

from ..db.json_record import JsonRecord
from ..db.record_table import RecordTable

__all__ = ["ObjectFilter", "ObjectRecord", "ObjectStore"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS objects (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    state TEXT NOT NULL,
    delete_after_time_ms INTEGER,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS objects_expiry ON objects (delete_after_time_ms)
    WHERE delete_after_time_ms IS NOT NULL;
"""


@dataclass
class ObjectRecord(JsonRecord):
    """Everything kept about one storage object (stored as JSON).

    ``state`` is ``UPLOADING`` (bytes may be PUT to the upload URL) or ``READ_ONLY`` (completed;
    ``size_bytes`` set). ``DELETED`` appears only in the answer of a delete.
    """

    id: str
    name: str
    content_type: str
    create_time_ms: int
    state: str = "UPLOADING"
    metadata: dict[str, str] = field(default_factory=dict)
    size_bytes: int | None = None
    delete_after_time_ms: int | None = None

    def view(self, *, upload_url: str | None = None) -> ObjectView:
        """The spec's ObjectView (``upload_url`` only in the answer of create)."""
        return ObjectView.model_validate(
            {
                "id": self.id,
                "name": self.name,
                "content_type": self.content_type,
                "create_time_ms": self.create_time_ms,
                "state": self.state,
                "metadata": dict(self.metadata),
                "size_bytes": self.size_bytes,
                "delete_after_time_ms": self.delete_after_time_ms,
                "upload_url": upload_url,
            }
        )


@dataclass(frozen=True)
class ObjectFilter:
    """The filters of a list request (None: no filter)."""

    name: str | None = None
    """Part of the name."""
    content_type: str | None = None
    state: str | None = None
    search: str | None = None
    """The whole id, or part of the name."""


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class ObjectStore(RecordTable[ObjectRecord]):
    """The ``objects`` table of the engine's database."""

    table = "objects"
    record = ObjectRecord
    schema = _SCHEMA
    visible = "state != 'DELETED'"

    def columns(self, rec: ObjectRecord) -> dict[str, Any]:
        """The name, content type, state and expiry, indexed."""
        return {
            "name": rec.name,
            "content_type": rec.content_type,
            "state": rec.state,
            "delete_after_time_ms": rec.delete_after_time_ms,
        }

    def ids(self, *, live_only: bool = False) -> set[str]:
        """The id of every object (with ``live_only``, of every object not deleted)."""
        condition = "state != 'DELETED'" if live_only else "1"
        with self._lock:
            return {
                str(r[0]) for r in self._db.execute(f"SELECT id FROM objects WHERE {condition}").fetchall()
            }

    def expired(self, now_ms: int) -> list[str]:
        """The ids of objects whose ``delete_after_time_ms`` has passed."""
        with self._lock:
            rows = self._db.execute(
                "SELECT id FROM objects WHERE state != 'DELETED' AND delete_after_time_ms IS NOT NULL "
                "AND delete_after_time_ms <= ?",
                (now_ms,),
            ).fetchall()
        return [str(r[0]) for r in rows]

    def page(
        self, where: ObjectFilter, *, limit: int, starting_after: str | None
    ) -> tuple[list[ObjectRecord], bool, int]:
        """One page of objects, newest first.

        Args:
            where: The filters (all must hold).
            limit: Page size.
            starting_after: The id of the last object of the previous page.

        Returns:
            ``(page, has_more, total_count)``; the total counts every match, not only this page.
        """
        clauses, args = list[str](), list[Any]()
        if where.state is None:  # deleted objects are listed only when asked for by state
            clauses.append("state != 'DELETED'")
        if where.name is not None:
            clauses.append("name LIKE ? ESCAPE '\\'")
            args.append(_like(where.name))
        if where.content_type is not None:
            clauses.append("content_type = ?")
            args.append(where.content_type)
        if where.state is not None:
            clauses.append("state = ?")
            args.append(where.state)
        if where.search is not None:
            clauses.append("(id = ? OR name LIKE ? ESCAPE '\\')")
            args += [where.search, _like(where.search)]
        return self.select_page(clauses, args, limit=limit, starting_after=starting_after)
