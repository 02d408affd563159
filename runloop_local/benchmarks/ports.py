"""What benchmark runs need of the scenarios domain, named as a protocol.

The scenarios domain's service provides it (``app.py`` hands it over); benchmarks code against
this protocol so their decisions can be tested apart from devboxes.
"""

from __future__ import annotations

from typing import Protocol

from runloop_api.types import ScenarioDefinitionView, ScenarioRunView, StartScenarioRunParameters

__all__ = ["ScenarioHost"]


class ScenarioHost(Protocol):
    """Scenarios and scenario runs, as benchmarks use them."""

    def scenario_view(self, scenario_id: str) -> ScenarioDefinitionView:
        """A scenario.

        Raises:
            ApiError: 404 unknown.
        """
        ...

    async def start_run(self, params: StartScenarioRunParameters) -> ScenarioRunView:
        """Starts a scenario run (its devbox, from the scenario's environment and the run profile).

        Raises:
            ApiError: The request is refused (say, an archived scenario or a missing secret).
        """
        ...

    def runs_of_benchmark_run(self, benchmark_run_id: str) -> list[ScenarioRunView]:
        """Every scenario run that carries this benchmark run's id, oldest first."""
        ...

    async def cancel_run(self, run_id: str) -> ScenarioRunView:
        """Cancels a scenario run that is not final (its devbox shuts down)."""
        ...

    async def complete_run(self, run_id: str) -> ScenarioRunView:
        """Completes a scenario run (scoring it first unless it is scored)."""
        ...

    async def logs_zip(self, run_id: str) -> bytes:
        """A scenario run's logs, as the zip ``downloadScenarioRunLogs`` answers."""
        ...
