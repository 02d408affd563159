"""Benchmark definitions: create, update, archive, their scenarios, pages and metadata."""

from __future__ import annotations

from pathlib import Path

from runloop_api.types import (
    BenchmarkCreateParameters,
    BenchmarkScenarioUpdateParameters,
    BenchmarkUpdateParameters,
    ScenarioDefinitionView,
)

from ..db.clock import now_ms
from ..db.ids import new_id
from ..http.errors import ApiError, bad_request
from .ports import ScenarioHost
from .records import BenchmarkRecord, BenchmarkStore
from .rules import check_name, check_scenario_ids, edit_scenarios, page_in_memory

__all__ = ["BenchmarkService"]


class BenchmarkService:
    """The benchmarks of one data dir.

    Args:
        data_dir: The engine's data dir.
        scenarios: The scenarios domain (scenario ids are checked against it).
    """

    def __init__(self, data_dir: Path, scenarios: ScenarioHost) -> None:
        self.scenarios = scenarios
        self.store = BenchmarkStore(data_dir / "engine.sqlite3")

    def close(self) -> None:
        """Closes the records."""
        self.store.close()

    def create(self, params: BenchmarkCreateParameters) -> BenchmarkRecord:
        """A new benchmark.

        Raises:
            ApiError: 400 a bad name, or a scenario id that is listed twice or unknown.
        """
        rec = BenchmarkRecord(
            id=new_id("bmd"),
            name=check_name(params.name),
            create_time_ms=now_ms(),
            scenario_ids=self._known(params.scenario_ids or []),
            metadata=dict(params.metadata or {}),
            description=params.description,
            attribution=params.attribution,
            required_environment_variables=list(params.required_environment_variables or []),
            required_secret_names=list(params.required_secret_names or []),
        )
        self.store.put(rec)
        return rec

    def get(self, id: str) -> BenchmarkRecord:
        """A benchmark by id.

        Raises:
            ApiError: 404 unknown.
        """
        rec = self.store.get(id)
        if rec is None:
            raise ApiError(404, f"benchmark {id!r} not found")
        return rec

    def update(self, id: str, params: BenchmarkUpdateParameters) -> BenchmarkRecord:
        """Changes the fields given (absent or null: unchanged; ``metadata`` replaces the map).

        Raises:
            ApiError: 404 unknown; 400 a bad field.
        """
        rec = self.get(id)
        if params.name is not None:
            rec.name = check_name(params.name)
        if params.scenario_ids is not None:
            rec.scenario_ids = self._known(params.scenario_ids)
        if params.metadata is not None:
            rec.metadata = dict(params.metadata)
        if params.description is not None:
            rec.description = params.description
        if params.attribution is not None:
            rec.attribution = params.attribution
        if params.required_environment_variables is not None:
            rec.required_environment_variables = list(params.required_environment_variables)
        if params.required_secret_names is not None:
            rec.required_secret_names = list(params.required_secret_names)
        self.store.put(rec)
        return rec

    def update_scenarios(self, id: str, params: BenchmarkScenarioUpdateParameters) -> BenchmarkRecord:
        """Adds and removes scenarios (runs already started keep the scenarios they started with).

        Raises:
            ApiError: 404 unknown benchmark; 400 an unknown scenario to add, or an id in both lists.
        """
        rec = self.get(id)
        add = list(params.scenarios_to_add or [])
        rec.scenario_ids = edit_scenarios(rec.scenario_ids, add, list(params.scenarios_to_remove or []))
        self._known(add, "scenarios_to_add")
        self.store.put(rec)
        return rec

    def set_status(self, id: str, status: str) -> BenchmarkRecord:
        """Archives (``archived``) or unarchives (``active``) a benchmark; an archived one starts no run.

        Raises:
            ApiError: 404 unknown.
        """
        rec = self.get(id)
        rec.status = status
        self.store.put(rec)
        return rec

    def page(
        self, *, name: str | None, search: str | None, limit: int, starting_after: str | None
    ) -> tuple[list[BenchmarkRecord], bool, int]:
        """One page of benchmarks, newest first.

        Raises:
            ApiError: 400 an unknown ``starting_after``.
        """
        if starting_after is not None and self.store.get(starting_after) is None:
            raise bad_request(f"invalid query parameter `starting_after`: no benchmark {starting_after!r}")
        return self.store.page(name=name, search=search, limit=limit, starting_after=starting_after)

    def definitions(
        self, id: str, *, limit: int, starting_after: str | None
    ) -> tuple[list[ScenarioDefinitionView], bool, int]:
        """One page of a benchmark's scenarios, in the benchmark's order.

        Raises:
            ApiError: 404 unknown benchmark; 400 a ``starting_after`` that is not one of its scenarios.
        """
        ids = self.get(id).scenario_ids
        chosen, has_more, total = page_in_memory(ids, ids, limit=limit, starting_after=starting_after)
        return [self.scenarios.scenario_view(s) for s in chosen], has_more, total

    def _known(self, ids: list[str], field: str = "scenario_ids") -> list[str]:
        """``ids`` checked: each listed once and each a scenario the engine has."""
        check_scenario_ids(ids, field)
        for s in ids:
            try:
                self.scenarios.scenario_view(s)
            except ApiError as exc:
                if exc.status != 404:
                    raise
                raise bad_request(f"invalid field `{field}`: no scenario {s!r}") from None
        return ids
