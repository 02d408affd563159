"""Scenario and scenario-run records (stored as JSON) and the API views built from them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from runloop_api.types import ScenarioDefinitionView, ScenarioRunView

from ..db.json_record import JsonRecord
from ..db.record_table import RecordTable

__all__ = ["ScenarioRecord", "ScenarioRunRecord", "ScenarioRunStore", "ScenarioStore"]

_SCENARIOS = """
CREATE TABLE IF NOT EXISTS scenarios (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    data TEXT NOT NULL
);
"""

_RUNS = """
CREATE TABLE IF NOT EXISTS scenario_runs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    scenario_id TEXT NOT NULL,
    state TEXT NOT NULL,
    benchmark_run_id TEXT,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS scenario_runs_scenario ON scenario_runs (scenario_id);
CREATE INDEX IF NOT EXISTS scenario_runs_state ON scenario_runs (state);
CREATE INDEX IF NOT EXISTS scenario_runs_benchmark_run ON scenario_runs (benchmark_run_id);
"""


@dataclass
class ScenarioRecord(JsonRecord):
    """Everything kept about one scenario (its fields as the spec names them)."""

    id: str
    name: str
    create_time_ms: int
    input_context: dict[str, Any]
    scoring_contract: dict[str, Any]
    status: str = "active"
    environment: dict[str, Any] | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    reference_output: str | None = None
    required_environment_variables: list[str] = field(default_factory=list)
    required_secret_names: list[str] = field(default_factory=list)
    scorer_timeout_sec: int | None = None
    validation_type: str | None = None

    def view(self) -> ScenarioDefinitionView:
        """The spec's ScenarioDefinitionView (local scenarios are never public)."""
        return ScenarioDefinitionView.model_validate(
            {
                "id": self.id,
                "name": self.name,
                "input_context": self.input_context,
                "scoring_contract": self.scoring_contract,
                "status": self.status,
                "environment": self.environment,
                "metadata": self.metadata,
                "is_public": False,
                "reference_output": self.reference_output,
                "required_environment_variables": self.required_environment_variables,
                "required_secret_names": self.required_secret_names,
                "scorer_timeout_sec": self.scorer_timeout_sec,
                "validation_type": self.validation_type,
            }
        )


@dataclass
class ScenarioRunRecord(JsonRecord):
    """Everything kept about one run of a scenario."""

    id: str
    scenario_id: str
    devbox_id: str
    start_time_ms: int
    state: str = "running"
    name: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    benchmark_run_id: str | None = None
    purpose: str | None = None
    environment_variables: dict[str, str] = field(default_factory=dict)
    secrets_provided: dict[str, str] = field(default_factory=dict)
    """Environment variable -> the user's secret name (never a value)."""
    scoring_contract_result: dict[str, Any] | None = None
    """The ScoringContractResultView of the last scoring, as JSON."""
    scoring_contract: dict[str, Any] = field(default_factory=dict)
    """The scenario's ScoringContract when the run started (later updates do not change a run)."""
    scorer_timeout_sec: int | None = None
    working_directory: str | None = None
    """Where its scoring functions run (the scenario's ``working_directory``; None: the home)."""
    end_time_ms: int | None = None
    failure_reason: str | None = None
    """Why the run failed or timed out (shown in its logs)."""
    events: list[dict[str, Any]] = field(default_factory=list)
    """State changes and notes (``{"time_ms", "state"?, "message"}``), for the logs zip."""

    @property
    def duration_ms(self) -> int | None:
        """Start to end, once the run ended."""
        return None if self.end_time_ms is None else self.end_time_ms - self.start_time_ms

    def view(self) -> ScenarioRunView:
        """The spec's ScenarioRunView."""
        return ScenarioRunView.model_validate(
            {
                "id": self.id,
                "scenario_id": self.scenario_id,
                "devbox_id": self.devbox_id,
                "state": self.state,
                "metadata": self.metadata,
                "name": self.name,
                "benchmark_run_id": self.benchmark_run_id,
                "purpose": self.purpose,
                "start_time_ms": self.start_time_ms,
                "duration_ms": self.duration_ms,
                "environment_variables": self.environment_variables,
                "secrets_provided": self.secrets_provided,
                "scoring_contract_result": self.scoring_contract_result,
            }
        )


class ScenarioStore(RecordTable[ScenarioRecord]):
    """The ``scenarios`` table of the engine's database."""

    table = "scenarios"
    record = ScenarioRecord
    schema = _SCENARIOS

    def columns(self, rec: ScenarioRecord) -> dict[str, Any]:
        """Name and status, for filters."""
        return {"name": rec.name, "status": rec.status}


class ScenarioRunStore(RecordTable[ScenarioRunRecord]):
    """The ``scenario_runs`` table of the engine's database."""

    table = "scenario_runs"
    record = ScenarioRunRecord
    schema = _RUNS
    ACTIVE: ClassVar[tuple[str, ...]] = ("running", "scoring", "scored")

    def columns(self, rec: ScenarioRunRecord) -> dict[str, Any]:
        """Scenario, state and benchmark run, for filters."""
        return {"scenario_id": rec.scenario_id, "state": rec.state, "benchmark_run_id": rec.benchmark_run_id}

    def active(self) -> list[ScenarioRunRecord]:
        """Runs that have not ended (running, scoring or scored), oldest first."""
        marks = ", ".join("?" * len(self.ACTIVE))
        return self.where(f"state IN ({marks})", self.ACTIVE)

    def of_devbox(self, devbox_id: str) -> list[ScenarioRunRecord]:
        """The runs on a devbox (one, normally)."""
        return self.where("json_extract(data, '$.devbox_id') = ?", (devbox_id,))
