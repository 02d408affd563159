"""Benchmark, benchmark run and benchmark job records, as the spec's views have them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from runloop_api.types import BenchmarkDefinitionView, BenchmarkRunView

from ..db.json_record import JsonRecord
from ..db.record_table import RecordTable

__all__ = [
    "BenchmarkJobRecord",
    "BenchmarkJobStore",
    "BenchmarkRecord",
    "BenchmarkRunRecord",
    "BenchmarkRunStore",
    "BenchmarkStore",
]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS benchmarks (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS benchmark_runs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    benchmark_id TEXT,
    name TEXT,
    state TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS benchmark_runs_state ON benchmark_runs (state);
CREATE TABLE IF NOT EXISTS benchmark_jobs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    data TEXT NOT NULL
);
"""


def _name_clauses(name: str | None, search: str | None) -> tuple[list[str], list[Any]]:
    """SQL for the ``name`` (part of the name) and ``search`` (the id, or part of the name) filters."""
    clauses: list[str] = []
    args: list[Any] = []
    if name is not None:
        clauses.append("instr(lower(coalesce(name, '')), lower(?)) > 0")
        args.append(name)
    if search is not None:
        clauses.append("(id = ? OR instr(lower(coalesce(name, '')), lower(?)) > 0)")
        args += [search, search]
    return clauses, args


@dataclass
class BenchmarkRecord(JsonRecord):
    """A benchmark definition: a named, ordered set of scenario ids."""

    id: str
    name: str
    create_time_ms: int
    scenario_ids: list[str] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)
    description: str | None = None
    attribution: str | None = None
    required_environment_variables: list[str] = field(default_factory=list)
    required_secret_names: list[str] = field(default_factory=list)
    status: str = "active"

    def view(self) -> BenchmarkDefinitionView:
        """The spec's BenchmarkDefinitionView (a local benchmark is never public)."""
        return BenchmarkDefinitionView(
            id=self.id,
            name=self.name,
            metadata=dict(self.metadata),
            scenarioIds=list(self.scenario_ids),
            status=self.status,
            description=self.description,
            attribution=self.attribution,
            is_public=False,
            required_environment_variables=list(self.required_environment_variables),
            required_secret_names=list(self.required_secret_names),
        )


class BenchmarkStore(RecordTable[BenchmarkRecord]):
    """The ``benchmarks`` table of the engine's database."""

    table = "benchmarks"
    record = BenchmarkRecord
    schema = _SCHEMA

    def columns(self, rec: BenchmarkRecord) -> dict[str, Any]:
        """The name (filters and searches match it)."""
        return {"name": rec.name}

    def page(
        self, *, name: str | None, search: str | None, limit: int, starting_after: str | None
    ) -> tuple[list[BenchmarkRecord], bool, int]:
        """One page of benchmarks, newest first."""
        clauses, args = _name_clauses(name, search)
        return self.select_page(clauses, args, limit=limit, starting_after=starting_after)


@dataclass
class BenchmarkRunRecord(JsonRecord):
    """A run of a benchmark's scenarios (the scenario ids are fixed when it starts).

    Which scenarios have a scenario run is not kept here: the scenario runs carry the
    benchmark run's id, so a run that resumes after a restart never starts one twice.
    """

    id: str
    benchmark_id: str | None
    start_time_ms: int
    scenario_ids: list[str]
    max_concurrent: int
    state: str = "running"
    name: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    run_profile: dict[str, Any] | None = None
    purpose: str | None = None
    end_time_ms: int | None = None
    score: float | None = None
    failure: str | None = None
    job_id: str | None = None
    agent_name: str | None = None

    def view(self, now_ms: int | None = None) -> BenchmarkRunView:
        """The spec's BenchmarkRunView; ``duration_ms`` runs up to ``now_ms`` while it runs."""
        end = self.end_time_ms if self.end_time_ms is not None else now_ms
        profile = self.run_profile or {}
        return BenchmarkRunView(
            id=self.id,
            metadata=dict(self.metadata),
            start_time_ms=self.start_time_ms,
            state=self.state,
            benchmark_id=self.benchmark_id,
            duration_ms=None if end is None else max(0, end - self.start_time_ms),
            environment_variables=profile.get("envVars"),
            name=self.name,
            purpose=self.purpose,
            score=self.score,
            secrets_provided=profile.get("secrets"),
        )


class BenchmarkRunStore(RecordTable[BenchmarkRunRecord]):
    """The ``benchmark_runs`` table of the engine's database."""

    table = "benchmark_runs"
    record = BenchmarkRunRecord
    schema = _SCHEMA

    def columns(self, rec: BenchmarkRunRecord) -> dict[str, Any]:
        """The benchmark, name and state (list filters)."""
        return {"benchmark_id": rec.benchmark_id, "name": rec.name, "state": rec.state}

    def running(self) -> list[BenchmarkRunRecord]:
        """Every run still running, oldest first."""
        return self.where("state = 'running'")

    def page(
        self,
        *,
        benchmark_id: str | None,
        state: str | None,
        name: str | None,
        search: str | None,
        limit: int,
        starting_after: str | None,
    ) -> tuple[list[BenchmarkRunRecord], bool, int]:
        """One page of runs, newest first."""
        clauses, args = _name_clauses(name, search)
        if benchmark_id is not None:
            clauses.append("benchmark_id = ?")
            args.append(benchmark_id)
        if state is not None:
            clauses.append("state = ?")
            args.append(state)
        return self.select_page(clauses, args, limit=limit, starting_after=starting_after)


@dataclass
class BenchmarkJobRecord(JsonRecord):
    """A benchmark job: one benchmark run per agent configuration, over the same scenarios.

    Its state and outcomes are not kept: they follow from its runs (see ``rules.job_state``).
    """

    id: str
    name: str
    create_time_ms: int
    spec: dict[str, Any]
    run_ids: list[str] = field(default_factory=list)
    failure_reason: str | None = None


class BenchmarkJobStore(RecordTable[BenchmarkJobRecord]):
    """The ``benchmark_jobs`` table of the engine's database."""

    table = "benchmark_jobs"
    record = BenchmarkJobRecord
    schema = _SCHEMA

    def columns(self, rec: BenchmarkJobRecord) -> dict[str, Any]:
        """The name (filters and searches match it)."""
        return {"name": rec.name}

    def page(
        self, *, name: str | None, search: str | None, limit: int, starting_after: str | None
    ) -> tuple[list[BenchmarkJobRecord], bool, int]:
        """One page of jobs, newest first."""
        clauses, args = _name_clauses(name, search)
        return self.select_page(clauses, args, limit=limit, starting_after=starting_after)
