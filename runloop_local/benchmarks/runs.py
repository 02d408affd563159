"""Benchmark runs: one scenario run per scenario, at most ``max_concurrent`` at once, to a score.

A driver task ticks every running benchmark run: it starts scenario runs while there is room
and, once every scenario's run is final, completes the benchmark run with the aggregate score
(``rules.progress`` and ``rules.aggregate_score`` decide). The record is written before any
scenario run starts and scenario runs carry the benchmark run's id, so after an engine restart
the driver picks a running benchmark run up where it was: never lost, no scenario started twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from pathlib import Path
from typing import Any

from runloop_api.types import (
    RunProfile,
    ScenarioRunView,
    StartBenchmarkRunParameters,
    StartScenarioRunParameters,
)

from ..db.clock import now_ms
from ..db.ids import new_id
from ..http.errors import ApiError, bad_request
from .logs import bundle_logs
from .ports import ScenarioHost
from .records import BenchmarkRunRecord, BenchmarkRunStore
from .rules import (
    ACTIVE_SCENARIO_RUN_STATES,
    DEFAULT_MAX_CONCURRENT,
    ScenarioRunState,
    aggregate_score,
    profile_with_requirements,
    progress,
)
from .service import BenchmarkService

__all__ = ["BenchmarkRunService"]

log = logging.getLogger("runloop_local.benchmarks")

_TICK_S = 0.25
"""How often the driver looks at running benchmark runs (scenario runs end by other requests)."""


def _state(run: ScenarioRunView) -> ScenarioRunState:
    result = run.scoring_contract_result
    return ScenarioRunState(
        id=run.id,
        scenario_id=run.scenario_id,
        state=run.state,
        score=None if result is None else result.score,
    )


class BenchmarkRunService:
    """The benchmark runs of one data dir and the task that drives them.

    Args:
        data_dir: The engine's data dir.
        benchmarks: The benchmark definitions.
        scenarios: The scenarios domain (starts, cancels and completes scenario runs).
        max_concurrent: Scenario runs one benchmark run keeps going at once, unless it says otherwise.
    """

    def __init__(
        self,
        data_dir: Path,
        benchmarks: BenchmarkService,
        scenarios: ScenarioHost,
        *,
        max_concurrent: int = DEFAULT_MAX_CONCURRENT,
    ) -> None:
        self.benchmarks = benchmarks
        self.scenarios = scenarios
        self.max_concurrent = max_concurrent
        self.store = BenchmarkRunStore(data_dir / "engine.sqlite3")
        self._locks: dict[str, asyncio.Lock] = {}
        self._wake = asyncio.Event()
        self._driver: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Starts the driver (in the engine's loop); it resumes runs a previous engine left running."""
        self._driver = asyncio.create_task(self._drive())

    async def close(self) -> None:
        """Stops the driver and closes the records (running benchmark runs stay running, to resume)."""
        if self._driver is not None:
            self._driver.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._driver
            self._driver = None
        self.store.close()

    async def start_run(
        self,
        params: StartBenchmarkRunParameters,
        *,
        max_concurrent: int | None = None,
        job_id: str | None = None,
        agent_name: str | None = None,
    ) -> BenchmarkRunRecord:
        """Starts a run of a benchmark and its first scenario runs (the rest follow as room frees).

        Raises:
            ApiError: 404 unknown benchmark; 400 archived, without scenarios, or a profile that
                lacks what the benchmark requires; the first scenario run's refusal.
        """
        bench = self.benchmarks.get(params.benchmark_id)
        if bench.status != "active":
            raise bad_request(f"benchmark {bench.id!r} is archived: unarchive it to run it")
        return await self.start_scenarios(
            bench.scenario_ids,
            benchmark_id=bench.id,
            name=params.run_name,
            metadata=params.metadata,
            profile=profile_with_requirements(
                None
                if params.runProfile is None
                else params.runProfile.model_dump(mode="json", exclude_none=True),
                bench.required_environment_variables,
                bench.required_secret_names,
            ),
            max_concurrent=max_concurrent,
            job_id=job_id,
            agent_name=agent_name,
        )

    async def start_scenarios(
        self,
        scenario_ids: list[str],
        *,
        benchmark_id: str | None,
        name: str | None,
        metadata: dict[str, str] | None,
        profile: dict[str, Any],
        max_concurrent: int | None = None,
        job_id: str | None = None,
        agent_name: str | None = None,
    ) -> BenchmarkRunRecord:
        """Starts a benchmark run over these scenarios (a benchmark's, or a job's own list).

        Raises:
            ApiError: 400 no scenarios; the first scenario run's refusal (the run is then failed).
        """
        if not scenario_ids:
            raise bad_request("there are no scenarios to run: add scenarios to the benchmark first")
        rec = BenchmarkRunRecord(
            id=new_id("bmr"),
            benchmark_id=benchmark_id,
            start_time_ms=now_ms(),
            scenario_ids=list(scenario_ids),
            max_concurrent=max_concurrent or self.max_concurrent,
            name=name,
            metadata=dict(metadata or {}),
            run_profile=profile,
            purpose=profile.get("purpose"),
            job_id=job_id,
            agent_name=agent_name,
        )
        self.store.put(rec)  # before any scenario run: a restart finds it and resumes it
        # The first scenario runs start before the answer, so the client sees them listed.
        async with self._lock(rec.id):
            refused = await self._tick(rec)
        if refused is not None:  # the same status as the scenario run's refusal (say, 501 naming a field)
            raise ApiError(refused.status, f"benchmark run {rec.id!r} failed: {rec.failure}")
        return rec

    def get(self, id: str) -> BenchmarkRunRecord:
        """A benchmark run by id.

        Raises:
            ApiError: 404 unknown.
        """
        rec = self.store.get(id)
        if rec is None:
            raise ApiError(404, f"benchmark run {id!r} not found")
        return rec

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
        """One page of benchmark runs, newest first.

        Raises:
            ApiError: 400 an unknown ``starting_after``.
        """
        if starting_after is not None and self.store.get(starting_after) is None:
            raise bad_request(
                f"invalid query parameter `starting_after`: no benchmark run {starting_after!r}"
            )
        return self.store.page(
            benchmark_id=benchmark_id,
            state=state,
            name=name,
            search=search,
            limit=limit,
            starting_after=starting_after,
        )

    def scenario_runs(self, id: str) -> list[ScenarioRunView]:
        """A benchmark run's scenario runs, oldest first.

        Raises:
            ApiError: 404 unknown benchmark run.
        """
        self.get(id)
        return self.scenarios.runs_of_benchmark_run(id)

    async def cancel(self, id: str) -> BenchmarkRunRecord:
        """Cancels a running benchmark run: its active scenario runs are canceled, no more start.

        A final run is answered as it is (canceling is idempotent).

        Raises:
            ApiError: 404 unknown.
        """
        self.get(id)
        async with self._lock(id):
            rec = self.get(id)
            if rec.state != "running":
                return rec
            await self._stop_active(rec, complete=False)
            self._finish(rec, "canceled")
            return rec

    async def complete(self, id: str) -> BenchmarkRunRecord:
        """Completes a benchmark run now: active scenario runs are scored and completed, scenarios
        not started yet are not run (they count 0 in the score).

        Raises:
            ApiError: 404 unknown; 400 it was canceled or failed.
        """
        self.get(id)
        async with self._lock(id):
            rec = self.get(id)
            if rec.state == "completed":
                return rec
            if rec.state != "running":
                raise bad_request(f"benchmark run {id!r} is {rec.state}: only a running one can complete")
            await self._stop_active(rec, complete=True)
            runs = [_state(r) for r in self.scenarios.runs_of_benchmark_run(id)]
            rec.score = aggregate_score(rec.scenario_ids, runs)
            self._finish(rec, "completed")
            return rec

    async def logs_zip(self, id: str) -> bytes:
        """The run's logs: ``benchmark_run.json`` and each scenario run's logs in a folder.

        Raises:
            ApiError: 404 unknown.
        """
        rec = self.get(id)
        runs = self.scenarios.runs_of_benchmark_run(id)
        found: dict[str, bytes | str] = {}
        for run in runs:
            try:
                found[f"{run.scenario_id}_{run.id}"] = await self.scenarios.logs_zip(run.id)
            except ApiError as exc:
                found[f"{run.scenario_id}_{run.id}"] = f"no logs: {exc.message}\n"
        summary = {
            "benchmark_run": rec.view(now_ms()).model_dump(mode="json", exclude_none=True),
            "failure": rec.failure,
            "scenario_runs": [r.model_dump(mode="json", exclude_none=True) for r in runs],
        }
        return bundle_logs(summary, found)

    def wake(self) -> None:
        """Has the driver look at the running runs now (a scenario run just ended)."""
        self._wake.set()

    async def _drive(self) -> None:
        while True:
            for rec in self.store.running():
                try:
                    async with self._lock(rec.id):
                        fresh = self.store.get(rec.id)
                        if fresh is not None and fresh.state == "running":
                            await self._tick(fresh)
                except Exception:  # one run's trouble must not stop the others
                    log.exception("benchmark run %s: the driver's tick failed", rec.id)
            self._wake.clear()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._wake.wait(), _TICK_S)

    async def _tick(self, rec: BenchmarkRunRecord) -> ApiError | None:
        """Starts what there is room for, or completes the run once everything is final.

        Returns:
            The refusal of a scenario run that did not start (the run is failed then), or None.
        """
        runs = [_state(r) for r in self.scenarios.runs_of_benchmark_run(rec.id)]
        step = progress(rec.scenario_ids, runs, rec.max_concurrent)
        if step.done:
            rec.score = aggregate_score(rec.scenario_ids, runs)
            self._finish(rec, "completed")
            return None
        if not step.to_start:
            return None
        profile = RunProfile.model_validate(rec.run_profile) if rec.run_profile else None
        results = await asyncio.gather(
            *(
                self.scenarios.start_run(
                    StartScenarioRunParameters(
                        scenario_id=s,
                        benchmark_run_id=rec.id,
                        run_name=rec.name,
                        metadata=dict(rec.metadata),
                        runProfile=profile,
                    )
                )
                for s in step.to_start
            ),
            return_exceptions=True,
        )
        errors = [(s, e) for s, e in zip(step.to_start, results, strict=True) if isinstance(e, BaseException)]
        if not errors:
            return None
        scenario, exc = errors[0]
        if not isinstance(exc, ApiError):
            log.error("benchmark run %s: scenario %s did not start", rec.id, scenario, exc_info=exc)
            exc = ApiError(500, f"{type(exc).__name__}: {exc}")
        rec.failure = f"the run of scenario {scenario!r} did not start: {exc.message}"
        await self._stop_active(rec, complete=False)
        self._finish(rec, "failed")
        return exc

    async def _stop_active(self, rec: BenchmarkRunRecord, *, complete: bool) -> None:
        """Completes (scoring them) or cancels the run's scenario runs that are not final."""
        active = [
            r for r in self.scenarios.runs_of_benchmark_run(rec.id) if r.state in ACTIVE_SCENARIO_RUN_STATES
        ]
        act = self.scenarios.complete_run if complete else self.scenarios.cancel_run
        results = await asyncio.gather(*(act(r.id) for r in active), return_exceptions=True)
        for run, result in zip(active, results, strict=True):
            if isinstance(result, BaseException):  # it ended meanwhile, or its devbox is gone
                log.warning("benchmark run %s: scenario run %s: %s", rec.id, run.id, result)

    def _finish(self, rec: BenchmarkRunRecord, state: str) -> None:
        rec.state = state
        rec.end_time_ms = now_ms()
        self.store.put(rec)
        self._locks.pop(rec.id, None)

    def _lock(self, id: str) -> asyncio.Lock:
        return self._locks.setdefault(id, asyncio.Lock())
