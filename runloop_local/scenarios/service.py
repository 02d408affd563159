"""Scenario definitions: create, read, update, archive, list (runs are :mod:`.runs`' job)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from runloop_api.types import ScenarioCreateParameters, ScenarioUpdateParameters

from ..db.clock import now_ms
from ..db.ids import new_id
from ..http.errors import ApiError, bad_request, not_found
from ..scoring.rules import check_contract as check_scoring_functions
from .records import ScenarioRecord, ScenarioStore
from .rules import new_scenario_fields, updated_fields

__all__ = ["ScenarioService"]


class ScenarioService:
    """The scenarios of one data dir.

    Args:
        data_dir: The engine's data dir.
    """

    def __init__(self, data_dir: Path) -> None:
        self._path = data_dir / "engine.sqlite3"
        self._store: ScenarioStore | None = None
        self.benchmark_scenarios: Callable[[str], list[str]] | None = None
        """The scenario ids of a benchmark (set by the benchmark service), for ``?benchmark_id=``."""

    @property
    def store(self) -> ScenarioStore:
        """The records (opened on first use)."""
        if self._store is None:
            self._store = ScenarioStore(self._path)
        return self._store

    def close(self) -> None:
        """Closes the records."""
        if self._store is not None:
            self._store.close()
            self._store = None

    def create(self, params: ScenarioCreateParameters) -> ScenarioRecord:
        """Records a new scenario.

        Raises:
            ApiError: 400 naming a bad field.
        """
        fields = new_scenario_fields(params)
        check_scoring_functions(fields["scoring_contract"])  # each scorer has what its type needs
        rec = ScenarioRecord(id=new_id("scn"), create_time_ms=now_ms(), **fields)
        self.store.put(rec)
        return rec

    def get(self, id: str) -> ScenarioRecord:
        """A scenario by id.

        Raises:
            ApiError: 404 unknown.
        """
        rec = self.store.get(id)
        if rec is None:
            raise not_found("scenario", id)
        return rec

    def update(self, id: str, params: ScenarioUpdateParameters) -> ScenarioRecord:
        """Changes the fields ``params`` gives (runs already started keep what they started with).

        Raises:
            ApiError: 404 unknown; 400 a bad field.
        """
        rec = self.get(id)
        changes = updated_fields(rec, params)
        if "scoring_contract" in changes:
            check_scoring_functions(changes["scoring_contract"])
        for name, value in changes.items():
            setattr(rec, name, value)
        self.store.put(rec)
        return rec

    def set_status(self, id: str, status: str) -> ScenarioRecord:
        """Archives (``archived``) or unarchives (``active``) a scenario; idempotent."""
        rec = self.get(id)
        rec.status = status
        self.store.put(rec)
        return rec

    def page(
        self,
        *,
        limit: int,
        starting_after: str | None = None,
        name: str | None = None,
        search: str | None = None,
        validation_type: str | None = None,
        benchmark_id: str | None = None,
    ) -> tuple[list[ScenarioRecord], bool, int]:
        """A page of scenarios, newest first, filtered.

        Args:
            limit: Page size.
            starting_after: The last id of the previous page.
            name: Exactly this name.
            search: Ids or names containing this text.
            validation_type: Exactly this validation type.
            benchmark_id: Only the scenarios of this benchmark.
        """
        clauses: list[str] = []
        args: list[object] = []
        if name:
            clauses.append("name = ?")
            args.append(name)
        if search:
            clauses.append("(instr(id, ?) > 0 OR instr(name, ?) > 0)")
            args += [search, search]
        if validation_type:
            clauses.append("json_extract(data, '$.validation_type') = ?")
            args.append(validation_type)
        if benchmark_id:
            ids = self._benchmark_scenarios(benchmark_id)
            clauses.append(f"id IN ({', '.join('?' * len(ids))})" if ids else "0")
            args += ids
        return self.store.select_page(clauses, args, limit=limit, starting_after=starting_after)

    def _benchmark_scenarios(self, benchmark_id: str) -> list[str]:
        """The scenario ids of a benchmark named by the ``benchmark_id`` filter.

        Raises:
            ApiError: 400 when no benchmark has that id (a filter naming nothing is a mistake,
                as a page cursor naming nothing is, not an empty list).
        """
        missing = bad_request(f"invalid query parameter `benchmark_id`: no benchmark {benchmark_id!r}")
        if self.benchmark_scenarios is None:  # no benchmark service: no benchmark exists
            raise missing
        try:
            return self.benchmark_scenarios(benchmark_id)
        except ApiError as exc:
            if exc.status != 404:
                raise
            raise missing from None

    def check_runnable(self, rec: ScenarioRecord) -> None:
        """Raises 400 for an archived scenario (it keeps its runs, but starts no new one)."""
        if rec.status == "archived":
            raise bad_request(f"cannot start a run of scenario {rec.id}: it is archived (unarchive it first)")
