"""Pure decisions of benchmarks and their runs: names, scenario lists, progress and the score."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from ..http.errors import bad_request

__all__ = [
    "ACTIVE_SCENARIO_RUN_STATES",
    "DEFAULT_MAX_CONCURRENT",
    "MAX_CONCURRENT_LIMIT",
    "Progress",
    "ScenarioRunState",
    "aggregate_score",
    "CONCURRENCY_ENV",
    "check_name",
    "concurrency_setting",
    "check_scenario_ids",
    "edit_scenarios",
    "profile_with_requirements",
    "page_in_memory",
    "progress",
    "state_counts",
]

DEFAULT_MAX_CONCURRENT = 4
"""Scenario runs a benchmark run keeps going at once, unless a job's ``n_concurrent_trials`` says
otherwise: each is a devbox, so the bound keeps a large benchmark from starting hundreds."""
MAX_CONCURRENT_LIMIT = 64
"""The largest bound a job may ask for."""
CONCURRENCY_ENV = "RUNLOOP_LOCAL_BENCHMARK_CONCURRENCY"
"""The environment variable that sets :data:`DEFAULT_MAX_CONCURRENT` for an engine."""
ACTIVE_SCENARIO_RUN_STATES = frozenset({"running", "scoring", "scored"})
"""Scenario run states that hold a devbox: they count against the bound. The rest are final."""
_MAX_NAME = 256
ItemT = TypeVar("ItemT")


def check_name(name: str) -> str:
    """A benchmark (or run, or job) name: 1 to 256 characters, not blank.

    Raises:
        ApiError: 400 naming the field.
    """
    if not name.strip() or len(name) > _MAX_NAME:
        raise bad_request(f"invalid field `name` {name!r}: give 1 to {_MAX_NAME} characters, not only spaces")
    return name


def check_scenario_ids(ids: Sequence[str], field: str = "scenario_ids") -> list[str]:
    """A benchmark's scenario ids: no empty id, no id twice (a scenario runs once per run).

    Raises:
        ApiError: 400 naming the field and the id.
    """
    seen: set[str] = set()
    for id in ids:
        if not id:
            raise bad_request(f"invalid field `{field}`: an empty scenario id")
        if id in seen:
            raise bad_request(f"invalid field `{field}`: scenario {id!r} is listed twice")
        seen.add(id)
    return list(ids)


def edit_scenarios(current: Sequence[str], add: Sequence[str], remove: Sequence[str]) -> list[str]:
    """The scenario ids after ``updateBenchmarkScenarios``: ``remove`` dropped, then ``add`` appended
    (ids already there stay where they are).

    Raises:
        ApiError: 400 when an id is both added and removed, or listed twice.
    """
    check_scenario_ids(add, "scenarios_to_add")
    check_scenario_ids(remove, "scenarios_to_remove")
    both = sorted(set(add) & set(remove))
    if both:
        raise bad_request(f"scenario {both[0]!r} is in both `scenarios_to_add` and `scenarios_to_remove`")
    gone = set(remove)
    kept = [id for id in current if id not in gone]
    return kept + [id for id in add if id not in kept]


@dataclass(frozen=True)
class ScenarioRunState:
    """What a benchmark run needs to know of one of its scenario runs."""

    id: str
    scenario_id: str
    state: str
    score: float | None = None


@dataclass(frozen=True)
class Progress:
    """A benchmark run's next step.

    Attributes:
        to_start: Scenario ids to start a run for now, in the benchmark's order.
        done: Every scenario has a run and every run is final: the benchmark run completes.
    """

    to_start: list[str]
    done: bool


def progress(scenario_ids: Sequence[str], runs: Iterable[ScenarioRunState], max_concurrent: int) -> Progress:
    """Which scenarios to start next so that at most ``max_concurrent`` runs are active, and
    whether the benchmark run is done.

    A scenario with any run (final or not) is never started again: after a restart the run goes
    on with the scenarios that never started, and a failed one counts as failed.
    """
    runs = list(runs)
    started = {r.scenario_id for r in runs}
    active = sum(1 for r in runs if r.state in ACTIVE_SCENARIO_RUN_STATES)
    waiting = [id for id in scenario_ids if id not in started]
    room = max(0, max_concurrent - active)
    return Progress(to_start=waiting[:room], done=not waiting and active == 0)


def aggregate_score(scenario_ids: Sequence[str], runs: Iterable[ScenarioRunState]) -> float | None:
    """A benchmark run's score: the mean over its scenarios of each one's score.

    A scenario counts its completed run's score; one without a completed, scored run (failed,
    canceled, timed out or never started) counts 0. None for a benchmark of no scenarios.
    """
    if not scenario_ids:
        return None
    best: dict[str, float] = {}
    for r in runs:
        if r.state == "completed" and r.score is not None:
            best[r.scenario_id] = max(best.get(r.scenario_id, 0.0), r.score)
    return sum(best.get(id, 0.0) for id in scenario_ids) / len(scenario_ids)


def state_counts(runs: Iterable[ScenarioRunState]) -> Mapping[str, int]:
    """How many scenario runs are in each state."""
    counts: dict[str, int] = {}
    for r in runs:
        counts[r.state] = counts.get(r.state, 0) + 1
    return counts


def profile_with_requirements(
    profile: Mapping[str, Any] | None, required_env: Sequence[str], required_secrets: Sequence[str]
) -> dict[str, Any]:
    """A run profile (as JSON) that meets a benchmark's requirements.

    Each required secret name not yet mapped becomes an environment variable of the same name
    holding the user secret of that name (as the spec describes ``required_secret_names``).

    Raises:
        ApiError: 400 naming the required environment variables the profile's ``envVars`` lack.
    """
    found = dict(profile or {})
    env = dict(found.get("envVars") or {})
    missing = [name for name in required_env if name not in env]
    if missing:
        raise bad_request(
            f"the benchmark requires environment variables {missing}: give them in `runProfile.envVars`"
        )
    secrets = dict(found.get("secrets") or {})
    for name in required_secrets:
        secrets.setdefault(name, name)
    if secrets:
        found["secrets"] = secrets
    return found


def page_in_memory(
    items: Sequence[ItemT], ids: Sequence[str], *, limit: int, starting_after: str | None
) -> tuple[list[ItemT], bool, int]:
    """One page of ``items`` (ids ``ids``, in page order) after the item ``starting_after``.

    Returns:
        ``(page, has_more, total)`` like the stores' pages.

    Raises:
        ApiError: 400 ``starting_after`` is none of the ids.
    """
    start = 0
    if starting_after is not None:
        if starting_after not in ids:
            raise bad_request(
                f"invalid query parameter `starting_after`: {starting_after!r} is not in this list"
            )
        start = list(ids).index(starting_after) + 1
    return list(items[start : start + limit]), start + limit < len(items), len(items)


def concurrency_setting(raw: str | None) -> int:
    """The engine's bound from :data:`CONCURRENCY_ENV` (unset or empty: the default).

    Raises:
        ValueError: Not an integer from 1 to :data:`MAX_CONCURRENT_LIMIT` (the message names the variable).
    """
    if not raw:
        return DEFAULT_MAX_CONCURRENT
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_CONCURRENT_LIMIT:
        raise ValueError(f"{CONCURRENCY_ENV}={raw!r}: give an integer from 1 to {MAX_CONCURRENT_LIMIT}")
    return value
