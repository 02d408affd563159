"""The JSON round trip every engine record shares: records are dataclasses stored as JSON."""

from __future__ import annotations

import dataclasses
import sqlite3
import threading
from pathlib import Path
from typing import Any

from typing_extensions import Self

__all__ = ["JsonRecord", "open_table"]


@dataclasses.dataclass
class JsonRecord:
    """Base of the dataclass records kept as JSON in SQLite (it has no fields of its own)."""

    def to_json(self) -> dict[str, Any]:
        """The record as plain data."""
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Self:
        """A record from :meth:`to_json` output (unknown keys ignored, so old rows still load)."""
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


def open_table(path: Path, schema: str) -> tuple[sqlite3.Connection, threading.RLock]:
    """Opens a connection of its own to the engine's database and creates a table's schema.

    Args:
        path: The database file (the engine's, already in WAL mode).
        schema: The ``CREATE ... IF NOT EXISTS`` statements of the table.

    Returns:
        The connection (usable from any thread) and the lock that serialises its use.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=10)
    lock = threading.RLock()
    with lock:
        db.executescript(schema)
    return db, lock
