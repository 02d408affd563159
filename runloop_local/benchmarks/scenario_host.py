"""The scenarios domain as benchmark runs use it (:class:`.ports.ScenarioHost`)."""

from __future__ import annotations

from runloop_api.types import ScenarioDefinitionView, ScenarioRunView, StartScenarioRunParameters

from ..scenarios.runs import ScenarioRunService

__all__ = ["ScenarioRunsHost"]


class ScenarioRunsHost:
    """:class:`.ports.ScenarioHost` over the engine's scenario run service.

    Args:
        runs: The scenario run service (it holds the scenario definitions too).
    """

    def __init__(self, runs: ScenarioRunService) -> None:
        self.runs = runs

    def scenario_view(self, scenario_id: str) -> ScenarioDefinitionView:
        """A scenario (404 unknown)."""
        return self.runs.scenarios.get(scenario_id).view()

    async def start_run(self, params: StartScenarioRunParameters) -> ScenarioRunView:
        """Starts a scenario run; its devbox boots meanwhile."""
        rec = await self.runs.start(
            params.scenario_id,
            run_name=params.run_name,
            metadata=params.metadata,
            run_profile=params.runProfile,
            benchmark_run_id=params.benchmark_run_id,
        )
        return rec.view()

    def runs_of_benchmark_run(self, benchmark_run_id: str) -> list[ScenarioRunView]:
        """The scenario runs of a benchmark run, oldest first."""
        return [r.view() for r in self.runs.of_benchmark_run(benchmark_run_id)]

    async def cancel_run(self, run_id: str) -> ScenarioRunView:
        """Cancels a scenario run."""
        return (await self.runs.cancel(run_id)).view()

    async def complete_run(self, run_id: str) -> ScenarioRunView:
        """Completes a scenario run, scoring it first unless scored."""
        return (await self.runs.complete(run_id)).view()

    async def logs_zip(self, run_id: str) -> bytes:
        """A scenario run's logs zip."""
        return self.runs.logs(run_id)
