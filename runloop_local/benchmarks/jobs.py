"""Benchmark jobs: one benchmark run per agent config, the agent mounted in every scenario's devbox.

The engine runs what needs only devboxes: the scenarios, each agent installed by its mount,
the scorers. It cannot run a model, so model-backed agent configs and Harbor jobs are refused
with 501 naming what (``job_rules.check_job_spec``); who drives the agent in the devbox (a
person, a script, an agent of their own) completes the scenario runs as with any benchmark run.
"""

from __future__ import annotations

from pathlib import Path

from runloop_api.types import (
    BenchmarkDefinitionJobSpec,
    BenchmarkDefJobSource,
    BenchmarkJobCreateParameters,
    BenchmarkJobView,
    BenchmarkOutcomeView,
    InProgressRunView,
    JobSpec,
    ScenarioOutcomeView,
    ScenariosJobSource,
)

from ..db.clock import now_ms
from ..db.ids import new_id
from ..http.errors import ApiError, bad_request
from .job_rules import agent_profile, check_job_spec, job_state, outcome_state
from .records import BenchmarkJobRecord, BenchmarkJobStore, BenchmarkRunRecord
from .rules import check_name, check_scenario_ids, profile_with_requirements
from .runs import BenchmarkRunService

__all__ = ["BenchmarkJobService"]


class BenchmarkJobService:
    """The benchmark jobs of one data dir.

    Args:
        data_dir: The engine's data dir.
        runs: The benchmark runs (a job's runs are ordinary benchmark runs).
    """

    def __init__(self, data_dir: Path, runs: BenchmarkRunService) -> None:
        self.runs = runs
        self.store = BenchmarkJobStore(data_dir / "engine.sqlite3")

    def close(self) -> None:
        """Closes the records."""
        self.store.close()

    async def create(self, params: BenchmarkJobCreateParameters) -> BenchmarkJobRecord:
        """Starts a job: a benchmark run per agent config.

        Raises:
            ApiError: 400 a bad spec, an unknown benchmark or scenario; 501 what the engine cannot
                run. A run that fails to start fails the job (its view says why).
        """
        spec, bound = check_job_spec(params.spec)
        rec = BenchmarkJobRecord(
            id=new_id("bmj"),
            name="",
            create_time_ms=now_ms(),
            spec=spec.model_dump(mode="json", by_alias=True, exclude_none=True),
        )
        rec.name = check_name(params.name) if params.name is not None else f"job {rec.id}"
        benchmarks = self.runs.benchmarks
        if isinstance(spec, BenchmarkDefinitionJobSpec):
            bench = benchmarks.get(spec.benchmark_id)
            if bench.status != "active":
                raise bad_request(f"benchmark {bench.id!r} is archived: unarchive it to run it")
            scenario_ids, benchmark_id = bench.scenario_ids, bench.id
            required = (bench.required_environment_variables, bench.required_secret_names)
        else:
            scenario_ids, benchmark_id = check_scenario_ids(spec.scenario_ids, "spec.scenario_ids"), None
            required = ([], [])
            for s in scenario_ids:
                benchmarks.scenarios.scenario_view(s)
        profiles = [profile_with_requirements(agent_profile(a), *required) for a in spec.agent_configs]
        self.store.put(rec)
        for agent, profile in zip(spec.agent_configs, profiles, strict=True):
            try:
                run = await self.runs.start_scenarios(
                    scenario_ids,
                    benchmark_id=benchmark_id,
                    name=f"{rec.name}: {agent.name}",
                    metadata={"benchmark_job_id": rec.id, "agent": agent.name},
                    profile=profile,
                    max_concurrent=bound,
                    job_id=rec.id,
                    agent_name=agent.name,
                )
            except ApiError as exc:
                rec.failure_reason = f"the run of agent {agent.name!r} did not start: {exc.message}"
                for started in rec.run_ids:
                    await self.runs.cancel(started)
                break
            rec.run_ids.append(run.id)
            self.store.put(rec)
        self.store.put(rec)
        return rec

    def get(self, id: str) -> BenchmarkJobRecord:
        """A job by id.

        Raises:
            ApiError: 404 unknown.
        """
        rec = self.store.get(id)
        if rec is None:
            raise ApiError(404, f"benchmark job {id!r} not found")
        return rec

    def page(
        self, *, name: str | None, search: str | None, limit: int, starting_after: str | None
    ) -> tuple[list[BenchmarkJobRecord], bool, int]:
        """One page of jobs, newest first.

        Raises:
            ApiError: 400 an unknown ``starting_after``.
        """
        if starting_after is not None and self.store.get(starting_after) is None:
            raise bad_request(
                f"invalid query parameter `starting_after`: no benchmark job {starting_after!r}"
            )
        return self.store.page(name=name, search=search, limit=limit, starting_after=starting_after)

    def view(self, rec: BenchmarkJobRecord) -> BenchmarkJobView:
        """The spec's BenchmarkJobView: the state and outcomes follow from the job's runs."""
        spec, _ = check_job_spec(BenchmarkJobCreateParameters.model_validate({"spec": rec.spec}).spec)
        runs = [self.runs.get(id) for id in rec.run_ids]
        agents = {a.name: a for a in spec.agent_configs}
        now = now_ms()
        state = "failed" if rec.failure_reason is not None else job_state([r.state for r in runs])
        scenario_ids = runs[0].scenario_ids if runs else []
        if isinstance(spec, BenchmarkDefinitionJobSpec):
            source: BenchmarkDefJobSource | ScenariosJobSource = BenchmarkDefJobSource(
                type="benchmark", benchmark_id=spec.benchmark_id
            )
        else:
            source = ScenariosJobSource(type="scenarios", scenario_ids=spec.scenario_ids)
            scenario_ids = list(spec.scenario_ids)
        return BenchmarkJobView(
            id=rec.id,
            create_time_ms=rec.create_time_ms,
            name=rec.name,
            state=state,
            failure_reason=rec.failure_reason,
            benchmark_outcomes=[self._outcome(r) for r in runs if r.state != "running"],
            in_progress_runs=[
                InProgressRunView(
                    benchmark_run_id=r.id,
                    start_time_ms=r.start_time_ms,
                    state=r.state,
                    agent_config=agents.get(r.agent_name or ""),
                    duration_ms=now - r.start_time_ms,
                )
                for r in runs
                if r.state == "running"
            ],
            job_source=source,
            job_spec=JobSpec(
                agent_configs=list(spec.agent_configs),
                scenario_ids=scenario_ids,
                orchestrator_config=spec.orchestrator_config,
            ),
        )

    def _outcome(self, run: BenchmarkRunRecord) -> BenchmarkOutcomeView:
        outcomes: list[ScenarioOutcomeView] = []
        for sr in self.runs.scenarios.runs_of_benchmark_run(run.id):
            state = outcome_state(sr.state)
            if state is None:
                continue
            try:
                name = self.runs.scenarios.scenario_view(sr.scenario_id).name
            except ApiError:
                name = sr.scenario_id
            result = sr.scoring_contract_result
            outcomes.append(
                ScenarioOutcomeView(
                    scenario_definition_id=sr.scenario_id,
                    scenario_name=name,
                    state=state,
                    duration_ms=sr.duration_ms,
                    scenario_run_id=sr.id,
                    score=None if result is None or state != "COMPLETED" else result.score,
                )
            )
        scores = [o.score for o in outcomes if o.score is not None]
        return BenchmarkOutcomeView(
            agent_name=run.agent_name or "",
            benchmark_run_id=run.id,
            n_completed=sum(o.state == "COMPLETED" for o in outcomes),
            n_failed=sum(o.state in ("FAILED", "CANCELED") for o in outcomes),
            n_timeout=sum(o.state == "TIMEOUT" for o in outcomes),
            scenario_outcomes=outcomes,
            average_score=sum(scores) / len(scores) if scores else None,
            duration_ms=None if run.end_time_ms is None else run.end_time_ms - run.start_time_ms,
        )
