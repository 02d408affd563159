"""Blueprint records, their build logs and the build cache: dataclasses and SQLite tables.

The tables live in the engine's database file, reached through a connection of their own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from runloop_api.types import BlueprintView

from ..db.json_record import JsonRecord
from ..db.record_table import RecordTable

__all__ = ["BlueprintRecord", "BlueprintStore", "ImageConfig"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS blueprints (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS blueprints_name ON blueprints (name);
CREATE TABLE IF NOT EXISTS blueprint_logs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    blueprint_id TEXT NOT NULL,
    timestamp_ms INTEGER NOT NULL,
    level TEXT NOT NULL,
    message TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS blueprint_logs_id ON blueprint_logs (blueprint_id, seq);
CREATE TABLE IF NOT EXISTS build_cache (
    key TEXT PRIMARY KEY,
    layer TEXT NOT NULL
);
"""


@dataclass
class ImageConfig(JsonRecord):
    """What a Dockerfile says about the image beyond its files."""

    env: dict[str, str] = field(default_factory=dict)
    workdir: str | None = None
    user: str | None = None
    entrypoint: list[str] | None = None
    cmd: list[str] | None = None
    exposed_ports: list[str] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)


@dataclass
class BlueprintRecord(JsonRecord):
    """Everything kept about one blueprint (stored as JSON).

    ``status``: ``queued`` -> ``provisioning`` -> ``building`` -> ``build_complete`` or
    ``failed`` (``failure_reason``); ``state`` becomes ``deleted`` on delete.
    """

    id: str
    create_time_ms: int
    name: str
    parameters: dict[str, Any]
    status: str = "queued"
    state: str = "created"
    metadata: dict[str, str] = field(default_factory=dict)
    base_blueprint_id: str | None = None
    build_finish_time_ms: int | None = None
    failure_reason: str | None = None
    layers: list[str] = field(default_factory=list)
    """Its image's layers, top first (while building: those made so far)."""
    config: dict[str, Any] = field(default_factory=dict)
    """Its ``ImageConfig`` as data."""
    public: bool = False
    """The engine's own base image (``list_public``)."""
    host_base: bool = True
    """Its layers stand on the host system (False: ``FROM debian:<suite>`` or ``FROM scratch``)."""

    def image_config(self) -> ImageConfig:
        """The image's configuration."""
        return ImageConfig.from_json(self.config)

    def view(self) -> BlueprintView:
        """The spec's BlueprintView."""
        return BlueprintView.model_validate(
            {
                "id": self.id,
                "name": self.name,
                "create_time_ms": self.create_time_ms,
                "build_finish_time_ms": self.build_finish_time_ms,
                "status": self.status,
                "state": self.state,
                "parameters": self.parameters,
                "metadata": self.metadata,
                "base_blueprint_id": self.base_blueprint_id,
                "failure_reason": self.failure_reason,
                "is_public": self.public,
            }
        )


class BlueprintStore(RecordTable[BlueprintRecord]):
    """The blueprint tables of the engine's database (records, build logs, build cache)."""

    table = "blueprints"
    record = BlueprintRecord
    schema = _SCHEMA
    visible = "json_extract(data, '$.state') != 'deleted'"

    def columns(self, rec: BlueprintRecord) -> dict[str, Any]:
        """The name and status, indexed."""
        return {"name": rec.name, "status": rec.status}

    def newest_built(self, name: str) -> BlueprintRecord | None:
        """The newest blueprint of this name whose build completed (and is not deleted)."""
        found = self.where(
            f"name = ? AND status = 'build_complete' AND {self.visible}", (name,), order="seq DESC"
        )
        return found[0] if found else None

    def all(self) -> list[BlueprintRecord]:
        """Every blueprint, oldest first."""
        return self.where("1")

    def page(
        self, *, public: bool, name: str | None, status: str | None, limit: int, starting_after: str | None
    ) -> tuple[list[BlueprintRecord], bool, int]:
        """One page of the (public or own) blueprints that are not deleted, newest first."""
        clauses = [self.visible, "coalesce(json_extract(data, '$.public'), 0) = ?"]
        args: list[Any] = [1 if public else 0]
        if name is not None:
            clauses.append("name = ?")
            args.append(name)
        if status is not None:
            clauses.append("status = ?")
            args.append(status)
        return self.select_page(clauses, args, limit=limit, starting_after=starting_after)

    # -- build logs -----------------------------------------------------------------------------

    def add_log(self, blueprint_id: str, timestamp_ms: int, level: str, message: str) -> None:
        """Appends one line to a blueprint's build log."""
        with self._lock:
            self._db.execute(
                "INSERT INTO blueprint_logs (blueprint_id, timestamp_ms, level, message) VALUES (?, ?, ?, ?)",
                (blueprint_id, timestamp_ms, level, message),
            )

    def logs(self, blueprint_id: str) -> list[dict[str, Any]]:
        """A blueprint's build log, oldest line first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT timestamp_ms, level, message FROM blueprint_logs WHERE blueprint_id = ? ORDER BY seq",
                (blueprint_id,),
            ).fetchall()
        return [{"timestamp_ms": t, "level": level, "message": m} for t, level, m in rows]

    # -- build cache ----------------------------------------------------------------------------

    def cached_layer(self, key: str) -> str | None:
        """The layer a build step with this chain key made before, or None."""
        with self._lock:
            row = self._db.execute("SELECT layer FROM build_cache WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def cache_layer(self, key: str, layer: str) -> None:
        """Remembers the layer a build step with this chain key made."""
        with self._lock:
            self._db.execute(
                "INSERT INTO build_cache (key, layer) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET layer = excluded.layer",
                (key, layer),
            )
