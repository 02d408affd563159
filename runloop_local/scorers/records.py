"""Custom scorer records."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from runloop_api.types import ScenarioScorerView

from ..db.json_record import JsonRecord
from ..db.record_table import RecordTable

__all__ = ["ScorerRecord", "ScorerStore"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS scorers (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL UNIQUE,
    data TEXT NOT NULL
);
"""


@dataclass
class ScorerRecord(JsonRecord):
    """A custom scorer: its type name (what scoring contracts name it by) and its script."""

    id: str
    type: str
    bash_script: str
    create_time_ms: int
    update_time_ms: int

    def view(self) -> ScenarioScorerView:
        """The spec's ScenarioScorerView."""
        return ScenarioScorerView(id=self.id, type=self.type, bash_script=self.bash_script)


class ScorerStore(RecordTable[ScorerRecord]):
    """The ``scorers`` table of the engine's database."""

    table = "scorers"
    record = ScorerRecord
    schema = _SCHEMA

    def columns(self, rec: ScorerRecord) -> dict[str, Any]:
        """The type name, unique."""
        return {"type": rec.type}

    def by_type(self, type: str) -> ScorerRecord | None:
        """The scorer of this type name, or None."""
        found = self.where("type = ?", (type,))
        return found[0] if found else None
