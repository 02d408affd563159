"""The evaluation objects' pure parts: request shaping and the decisions their waits make."""

from __future__ import annotations

from typing import Any

import pytest

from runloop_api.types import BenchmarkRunView, ScenarioRunView
from runloop_sdk import BenchmarkRunFailedError, ScenarioRunFailedError
from runloop_sdk._base.eval_params import agent_mount, agent_source, ids_of, one_of, run_profile
from runloop_sdk._base.eval_states import benchmark_run_reached, new_scenario_runs, scenario_run_reached


def _run(state: str, id: str = "scr_1", start: int | None = 0) -> ScenarioRunView:
    return ScenarioRunView(
        id=id, devbox_id="dbx_1", metadata={}, scenario_id="scn_1", state=state, start_time_ms=start
    )


def _bench(state: str) -> BenchmarkRunView:
    return BenchmarkRunView(id="bmr_1", metadata={}, start_time_ms=0, state=state)


def test_agent_source_leaves_out_what_is_not_given() -> None:
    assert agent_source("npm", {"package_name": "cowsay", "registry_url": None}, None) == {
        "type": "npm",
        "npm": {"package_name": "cowsay"},
    }
    assert agent_source("git", {"repository": "/r", "ref": "v1"}, ("make",)) == {
        "type": "git",
        "git": {"repository": "/r", "ref": "v1", "agent_setup": ["make"]},
    }


def test_agent_mount_is_the_apis_agent_mount() -> None:
    assert agent_mount("agt_1") == {"type": "agent_mount", "agent_id": "agt_1", "agent_name": None}
    assert agent_mount("agt_1", "/home/user/agent", auth_token="t") == {
        "type": "agent_mount",
        "agent_id": "agt_1",
        "agent_name": None,
        "agent_path": "/home/user/agent",
        "auth_token": "t",
    }


def test_run_profile_appends_mounts_and_keeps_the_rest() -> None:
    profile: dict[str, Any] = {"envVars": {"A": "1"}, "mounts": [{"type": "object_mount"}]}
    merged = run_profile(profile, [agent_mount("agt_1")])
    assert merged == {"envVars": {"A": "1"}, "mounts": [{"type": "object_mount"}, agent_mount("agt_1")]}
    assert profile["mounts"] == [{"type": "object_mount"}]  # the caller's profile is not changed
    assert run_profile(profile, None) is profile
    assert run_profile(None, [agent_mount("a")]) == {"mounts": [agent_mount("a")]}
    assert run_profile(None, None) is None


def test_one_of_wants_exactly_one_spelling() -> None:
    assert one_of("input_context", None, "problem_statement", "fix it") == "fix it"
    with pytest.raises(TypeError, match="exactly one"):
        one_of("input_context", {"problem_statement": "x"}, "problem_statement", "y")
    with pytest.raises(TypeError, match="exactly one"):
        one_of("input_context", None, "problem_statement", None)


def test_ids_of_objects_and_strings() -> None:
    class Thing:
        id = "scn_2"

    assert ids_of(["scn_1", Thing()]) == ["scn_1", "scn_2"]


@pytest.mark.parametrize(
    ("state", "reached"), [("running", False), ("scoring", False), ("scored", True), ("completed", True)]
)
def test_a_scored_wait(state: str, reached: bool) -> None:
    assert scenario_run_reached(_run(state), {"scored", "completed"}) is reached


@pytest.mark.parametrize("state", ["canceled", "timeout", "failed"])
def test_a_run_that_ended_unscored_ends_the_wait(state: str) -> None:
    with pytest.raises(ScenarioRunFailedError) as failed:
        scenario_run_reached(_run(state), {"scored", "completed"})
    assert failed.value.state == state
    assert f"scenario run scr_1 is {state}" == str(failed.value)
    assert scenario_run_reached(_run(state), {state}) is True  # unless that state was wanted


def test_benchmark_run_waits() -> None:
    assert benchmark_run_reached(_bench("completed"), {"completed"}) is True
    assert benchmark_run_reached(_bench("running"), {"completed"}) is False
    with pytest.raises(BenchmarkRunFailedError, match="benchmark run bmr_1 is canceled"):
        benchmark_run_reached(_bench("canceled"), {"completed"})


def test_new_scenario_runs_in_start_order() -> None:
    views = [_run("running", "scr_b", 20), _run("running", "scr_a", 10), _run("running", "scr_c", None)]
    assert [view.id for view in new_scenario_runs(views, {"scr_a"})] == ["scr_c", "scr_b"]
    assert new_scenario_runs(views, {"scr_a", "scr_b", "scr_c"}) == []
