"""The pure decisions of benchmarks: scenario lists, progress under a bound, scores, jobs, logs."""

from __future__ import annotations

import io
import zipfile

import pytest

from runloop_api.types import BenchmarkJobCreateParameters
from runloop_local.benchmarks.job_rules import agent_profile, check_job_spec, job_state, outcome_state
from runloop_local.benchmarks.logs import bundle_logs
from runloop_local.benchmarks.rules import (
    DEFAULT_MAX_CONCURRENT,
    ScenarioRunState,
    aggregate_score,
    check_name,
    concurrency_setting,
    edit_scenarios,
    page_in_memory,
    profile_with_requirements,
    progress,
)
from runloop_local.http.errors import ApiError


def run(scenario: str, state: str, score: float | None = None) -> ScenarioRunState:
    return ScenarioRunState(id=f"scr_{scenario}", scenario_id=scenario, state=state, score=score)


def test_edit_scenarios_removes_then_appends_keeping_order() -> None:
    assert edit_scenarios(["a", "b", "c"], ["d", "a"], ["b"]) == ["a", "c", "d"]
    with pytest.raises(ApiError, match="both"):
        edit_scenarios(["a"], ["b"], ["b"])
    with pytest.raises(ApiError, match="twice"):
        edit_scenarios([], ["b", "b"], [])


def test_check_name() -> None:
    assert check_name("bench") == "bench"
    for bad in ("", "   ", "x" * 257):
        with pytest.raises(ApiError, match="`name`"):
            check_name(bad)


def test_progress_keeps_at_most_the_bound_active() -> None:
    ids = ["a", "b", "c", "d"]
    assert progress(ids, [], 2).to_start == ["a", "b"]
    step = progress(ids, [run("a", "running"), run("b", "scored")], 2)
    assert step.to_start == [] and not step.done
    step = progress(ids, [run("a", "completed", 1.0), run("b", "scoring")], 2)
    assert step.to_start == ["c"]
    # a failed run is final: its scenario is not started again (a restart resumes, never repeats)
    step = progress(ids, [run("a", "failed"), run("b", "canceled"), run("c", "running")], 3)
    assert step.to_start == ["d"]
    finals = [run(s, "completed", 0.5) for s in ids]
    assert progress(ids, finals, 2) == type(step)(to_start=[], done=True)


def test_aggregate_score_counts_unfinished_scenarios_zero() -> None:
    ids = ["a", "b", "c", "d"]
    runs = [
        run("a", "completed", 1.0),
        run("b", "completed", 0.5),
        run("c", "failed", 0.9),
        run("d", "canceled"),
    ]
    assert aggregate_score(ids, runs) == pytest.approx(1.5 / 4)
    assert aggregate_score(["a"], []) == 0.0
    assert aggregate_score([], []) is None


def test_profile_with_requirements() -> None:
    got = profile_with_requirements({"envVars": {"A": "1"}, "secrets": {"X": "mine"}}, ["A"], ["X", "TOKEN"])
    assert got == {"envVars": {"A": "1"}, "secrets": {"X": "mine", "TOKEN": "TOKEN"}}
    with pytest.raises(ApiError, match=r"\['B'\]"):
        profile_with_requirements(None, ["B"], [])


def test_concurrency_setting() -> None:
    assert concurrency_setting(None) == DEFAULT_MAX_CONCURRENT
    assert concurrency_setting("2") == 2
    for bad in ("0", "x", "65"):
        with pytest.raises(ValueError, match="RUNLOOP_LOCAL_BENCHMARK_CONCURRENCY"):
            concurrency_setting(bad)


def test_page_in_memory() -> None:
    items = ["a", "b", "c"]
    assert page_in_memory(items, items, limit=2, starting_after=None) == (["a", "b"], True, 3)
    assert page_in_memory(items, items, limit=2, starting_after="b") == (["c"], False, 3)
    with pytest.raises(ApiError, match="starting_after"):
        page_in_memory(items, items, limit=2, starting_after="z")


def _spec(**spec: object) -> BenchmarkJobCreateParameters:
    return BenchmarkJobCreateParameters.model_validate({"spec": spec})


AGENT = {"type": "job_agent", "name": "tool"}


def test_job_specs_the_engine_cannot_run_answer_501_naming_what() -> None:
    cases = {
        "harbor": _spec(type="harbor", inline_yaml="x: 1"),
        "model_name": _spec(
            type="scenarios", scenario_ids=["s"], agent_configs=[{**AGENT, "model_name": "gpt"}]
        ),
        "kwargs": _spec(
            type="scenarios", scenario_ids=["s"], agent_configs=[{**AGENT, "kwargs": {"a": "b"}}]
        ),
        "timeout_seconds": _spec(
            type="scenarios", scenario_ids=["s"], agent_configs=[{**AGENT, "timeout_seconds": 5}]
        ),
        "n_attempts": _spec(
            type="benchmark", benchmark_id="b", agent_configs=[AGENT], orchestrator_config={"n_attempts": 2}
        ),
    }
    for word, params in cases.items():
        with pytest.raises(ApiError) as caught:
            check_job_spec(params.spec)
        assert caught.value.status == 501 and word in caught.value.message, word
    with pytest.raises(ApiError) as caught:
        check_job_spec(_spec(type="scenarios", scenario_ids=["s"], agent_configs=[]).spec)
    assert caught.value.status == 400


def test_job_spec_bound_and_agent_profile() -> None:
    params = _spec(
        type="scenarios",
        scenario_ids=["s"],
        agent_configs=[
            {**AGENT, "agent_environment": {"environment_variables": {"A": "1"}, "secrets": {"K": "key"}}}
        ],
        orchestrator_config={"n_concurrent_trials": 3, "quiet": True},
    )
    spec, bound = check_job_spec(params.spec)
    assert bound == 3
    assert agent_profile(spec.agent_configs[0]) == {
        "mounts": [{"type": "agent_mount", "agent_id": None, "agent_name": "tool"}],
        "envVars": {"A": "1"},
        "secrets": {"K": "key"},
    }
    by_id = check_job_spec(
        _spec(type="scenarios", scenario_ids=["s"], agent_configs=[{**AGENT, "agent_id": "agt_1"}]).spec
    )
    assert by_id[1] == 1  # the spec's default
    assert agent_profile(by_id[0].agent_configs[0])["mounts"][0] == {
        "type": "agent_mount",
        "agent_id": "agt_1",
        "agent_name": None,
    }


def test_job_state() -> None:
    assert job_state(["running", "completed"]) == "running"
    assert job_state(["completed", "failed"]) == "failed"
    assert job_state(["completed", "canceled"]) == "cancelled"
    assert job_state(["completed"]) == "completed"
    assert job_state([]) == "failed"
    assert outcome_state("timeout") == "TIMEOUT" and outcome_state("scoring") is None


def test_bundle_logs_nests_each_run_and_keeps_names_inside() -> None:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as z:
        z.writestr("devbox.log", "hello")
        z.writestr("../../escape.txt", "x")
    data = bundle_logs(
        {"id": "bmr_1"}, {"s1_scr1": inner.getvalue(), "s2_scr2": "no logs: gone", "s3": b"nope"}
    )
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = set(z.namelist())
        assert names == {
            "benchmark_run.json",
            "s1_scr1/devbox.log",
            "s1_scr1/escape.txt",
            "s2_scr2/error.txt",
            "s3/error.txt",
        }
        assert z.read("s1_scr1/devbox.log") == b"hello"
        assert b"not a zip" in z.read("s3/error.txt")
