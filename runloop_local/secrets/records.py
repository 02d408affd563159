"""Secret records (their values are kept apart, in files only the engine's user may read)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from runloop_api.types import SecretView

from ..db.json_record import JsonRecord
from ..db.record_table import RecordTable

__all__ = ["SecretRecord", "SecretStore"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS secrets (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL UNIQUE,
    data TEXT NOT NULL
);
"""


@dataclass
class SecretRecord(JsonRecord):
    """A secret's name and times (never its value)."""

    id: str
    name: str
    create_time_ms: int
    update_time_ms: int

    def view(self) -> SecretView:
        """The spec's SecretView (it has no value: a value is never shown after it is stored)."""
        return SecretView(
            id=self.id, name=self.name, create_time_ms=self.create_time_ms, update_time_ms=self.update_time_ms
        )


class SecretStore(RecordTable[SecretRecord]):
    """The ``secrets`` table of the engine's database."""

    table = "secrets"
    record = SecretRecord
    schema = _SCHEMA

    def columns(self, rec: SecretRecord) -> dict[str, Any]:
        """The name, unique."""
        return {"name": rec.name}

    def by_name(self, name: str) -> SecretRecord | None:
        """The secret of this name, or None."""
        found = self.where("name = ?", (name,))
        return found[0] if found else None

    def remove(self, id: str) -> None:
        """Forgets a secret."""
        with self._lock:
            self._db.execute("DELETE FROM secrets WHERE id = ?", (id,))
