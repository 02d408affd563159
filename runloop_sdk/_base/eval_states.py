"""Pure decisions on scenario-run and benchmark-run views: has a wait succeeded, or has it failed."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from runloop_api.types import BenchmarkRunView, ScenarioRunView

from .errors import BenchmarkRunFailedError, ScenarioRunFailedError

__all__ = [
    "BENCHMARK_RUN_ENDED",
    "SCENARIO_RUN_ENDED",
    "SCENARIO_RUN_SCORED",
    "benchmark_run_reached",
    "new_scenario_runs",
    "scenario_run_reached",
]

SCENARIO_RUN_ENDED = frozenset({"canceled", "timeout", "failed"})
"""States a scenario run never leaves without having been scored."""

SCENARIO_RUN_SCORED = frozenset({"scored", "completed"})
"""States of a scenario run that has its scoring result (``completed`` comes after ``scored``)."""

BENCHMARK_RUN_ENDED = frozenset({"canceled", "failed"})
"""States a benchmark run never leaves without having completed."""


def scenario_run_reached(view: ScenarioRunView, wanted: Collection[str]) -> bool:
    """True when the scenario run is in one of ``wanted``.

    Raises:
        ScenarioRunFailedError: When it is in a state it never leaves (``canceled``, ``timeout``,
            ``failed``) that was not wanted.
    """
    if view.state in wanted:
        return True
    if view.state in SCENARIO_RUN_ENDED:
        raise ScenarioRunFailedError(view.id, state=str(view.state), view=view)
    return False


def benchmark_run_reached(view: BenchmarkRunView, wanted: Collection[str]) -> bool:
    """True when the benchmark run is in one of ``wanted``.

    Raises:
        BenchmarkRunFailedError: When it is ``canceled`` or ``failed`` and that was not wanted.
    """
    if view.state in wanted:
        return True
    if view.state in BENCHMARK_RUN_ENDED:
        raise BenchmarkRunFailedError(view.id, state=str(view.state), view=view)
    return False


def new_scenario_runs(views: Sequence[ScenarioRunView], seen: Collection[str]) -> list[ScenarioRunView]:
    """The runs of ``views`` whose ids are not in ``seen``, oldest start first (ties: by id)."""
    fresh = [view for view in views if view.id not in seen]
    return sorted(fresh, key=lambda view: (view.start_time_ms or 0, view.id))
