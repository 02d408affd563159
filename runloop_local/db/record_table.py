"""One SQLite table of JSON records: the put, get, page and metadata plumbing every store shares."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar, Generic, TypeVar

from .json_record import JsonRecord, open_table
from .sql_queries import metadata_keys, metadata_values, newest_first_page

__all__ = ["RecordTable"]

RecordT = TypeVar("RecordT", bound=JsonRecord)


class RecordTable(Generic[RecordT]):
    """A table ``(seq, id, <indexed columns>, data)`` of one kind of record, on its own connection.

    Subclasses name the table, the record class and the schema, and say which indexed columns a
    record fills (:meth:`columns`).

    Args:
        path: The database file (the engine's, already in WAL mode).
    """

    table: ClassVar[str]
    record: type[RecordT]
    schema: ClassVar[str]
    visible: ClassVar[str] = "1"
    """SQL condition of the records metadata listings count (say, not deleted)."""

    def __init__(self, path: Path) -> None:
        self._db, self._lock = open_table(path, self.schema)

    def columns(self, rec: RecordT) -> Mapping[str, Any]:
        """The indexed columns of a record, besides ``id`` and ``data``."""
        return {}

    def close(self) -> None:
        """Closes the connection."""
        with self._lock:
            self._db.close()

    def put(self, rec: RecordT) -> None:
        """Inserts or replaces a record."""
        values = {"id": getattr(rec, "id"), **self.columns(rec), "data": json.dumps(rec.to_json())}  # noqa: B009
        names = ", ".join(values)
        updates = ", ".join(f"{name} = excluded.{name}" for name in values if name != "id")
        with self._lock:
            self._db.execute(
                f"INSERT INTO {self.table} ({names}) VALUES ({', '.join('?' * len(values))}) "
                f"ON CONFLICT(id) DO UPDATE SET {updates}",
                tuple(values.values()),
            )

    def get(self, id: str) -> RecordT | None:
        """The record with this id, or None."""
        found = self.where("id = ?", (id,))
        return found[0] if found else None

    def where(self, condition: str, args: Sequence[Any] = (), *, order: str = "seq") -> list[RecordT]:
        """The records that meet an SQL condition, in ``order``."""
        with self._lock:
            rows = self._db.execute(
                f"SELECT data FROM {self.table} WHERE {condition} ORDER BY {order}", tuple(args)
            ).fetchall()
        return [self.record.from_json(json.loads(r[0])) for r in rows]

    def select_page(
        self, clauses: Sequence[str], args: Sequence[Any], *, limit: int, starting_after: str | None
    ) -> tuple[list[RecordT], bool, int]:
        """One page of the records meeting every clause, newest first: ``(page, has_more, total)``."""
        with self._lock:
            rows, has_more, total = newest_first_page(
                self._db, self.table, clauses, args, limit=limit, starting_after=starting_after
            )
        return [self.record.from_json(json.loads(r)) for r in rows], has_more, total

    def metadata_keys(self) -> list[str]:
        """Every metadata key of the visible records, sorted."""
        with self._lock:
            return metadata_keys(self._db, self.table, self.visible)

    def metadata_values(self, key: str) -> list[str]:
        """Every value of metadata ``key`` across the visible records, sorted."""
        with self._lock:
            return metadata_values(self._db, self.table, key, self.visible)
