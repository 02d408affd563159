"""Custom scorers: records in the engine's database, run by :mod:`..scoring` in a devbox."""

from __future__ import annotations

from pathlib import Path

from ..db.clock import now_ms
from ..db.ids import new_id
from ..http.errors import ApiError, bad_request
from .records import ScorerRecord, ScorerStore
from .rules import check_script, check_type

__all__ = ["ScorerService"]


class ScorerService:
    """The custom scorers of one data dir.

    Args:
        data_dir: The engine's data dir.
    """

    def __init__(self, data_dir: Path) -> None:
        self._path = data_dir / "engine.sqlite3"
        self._store: ScorerStore | None = None

    @property
    def store(self) -> ScorerStore:
        """The records (opened on first use)."""
        if self._store is None:
            self._store = ScorerStore(self._path)
        return self._store

    def close(self) -> None:
        """Closes the records."""
        if self._store is not None:
            self._store.close()
            self._store = None

    def create(self, type: str, bash_script: str) -> ScorerRecord:
        """Registers a custom scorer.

        Raises:
            ApiError: 400 bad type or script, or a scorer of that type exists (as the spec says).
        """
        check_type(type)
        check_script(bash_script)
        if self.store.by_type(type) is not None:
            raise bad_request(f"custom scorer type {type!r} already exists: update that scorer instead")
        now = now_ms()
        rec = ScorerRecord(
            id=new_id("scs"), type=type, bash_script=bash_script, create_time_ms=now, update_time_ms=now
        )
        self.store.put(rec)
        return rec

    def by_id(self, id: str) -> ScorerRecord:
        """A scorer by id.

        Raises:
            ApiError: 404 unknown.
        """
        rec = self.store.get(id)
        if rec is None:
            raise ApiError(404, f"scorer {id!r} not found")
        return rec

    def by_type(self, type: str) -> ScorerRecord | None:
        """The scorer a scoring contract's ``custom_scorer_type`` names, or None."""
        return self.store.by_type(type)

    def update(self, rec: ScorerRecord, type: str, bash_script: str) -> ScorerRecord:
        """Replaces a scorer's type name and script.

        Raises:
            ApiError: 400 bad type or script, or another scorer has that type.
        """
        check_type(type)
        check_script(bash_script)
        other = self.store.by_type(type)
        if other is not None and other.id != rec.id:
            raise bad_request(f"custom scorer type {type!r} already exists (scorer {other.id})")
        rec.type, rec.bash_script, rec.update_time_ms = type, bash_script, now_ms()
        self.store.put(rec)
        return rec

    def page(
        self, *, limit: int, starting_after: str | None, search: str | None = None
    ) -> tuple[list[ScorerRecord], bool, int]:
        """One page of scorers, newest first (``search``: an id, or part of a type name)."""
        clauses, args = [], []
        if search is not None:
            clauses.append("(id = ? OR instr(lower(type), lower(?)) > 0)")
            args += [search, search]
        return self.store.select_page(clauses, args, limit=limit, starting_after=starting_after)
