"""Agent records."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from runloop_api.types import AgentView

from ..db.json_record import JsonRecord
from ..db.record_table import RecordTable

__all__ = ["AgentRecord", "AgentStore"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS agents (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS agents_name ON agents (name);
"""


@dataclass
class AgentRecord(JsonRecord):
    """An agent: its name, version and where its package comes from."""

    id: str
    name: str
    create_time_ms: int
    version: str | None = None
    source: dict[str, Any] | None = None
    """The spec's AgentSource as JSON (None: an agent with nothing to install)."""

    def view(self) -> AgentView:
        """The spec's AgentView (never public: the engine has no public agents)."""
        return AgentView.model_validate(
            {
                "id": self.id,
                "name": self.name,
                "create_time_ms": self.create_time_ms,
                "is_public": False,
                "version": self.version,
                "source": self.source,
            }
        )


class AgentStore(RecordTable[AgentRecord]):
    """The ``agents`` table of the engine's database."""

    table = "agents"
    record = AgentRecord
    schema = _SCHEMA

    def columns(self, rec: AgentRecord) -> dict[str, Any]:
        """The name (several agents may share one: versions)."""
        return {"name": rec.name}

    def newest_named(self, name: str) -> AgentRecord | None:
        """The newest agent of this name, or None."""
        found = self.where("name = ?", (name,), order="seq DESC")
        return found[0] if found else None

    def remove(self, id: str) -> None:
        """Forgets an agent."""
        with self._lock:
            self._db.execute("DELETE FROM agents WHERE id = ?", (id,))
