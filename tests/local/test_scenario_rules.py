"""Pure decisions of scenarios and runs: state changes, a run's devbox, recovery, the logs zip."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from runloop_api.types import RunProfile
from runloop_local.http.errors import ApiError
from runloop_local.scenarios.logs_zip import logs_zip, scorer_entry
from runloop_local.scenarios.records import ScenarioRecord
from runloop_local.scenarios.rules import (
    check_contract,
    check_requirements,
    check_run_change,
    devbox_request,
    recovery,
)


def _scenario(**fields: object) -> ScenarioRecord:
    base: dict[str, object] = {
        "id": "scn_1",
        "name": "s",
        "create_time_ms": 1,
        "input_context": {"problem_statement": "p"},
        "scoring_contract": {"scoring_function_parameters": []},
    }
    return ScenarioRecord(**{**base, **fields})  # type: ignore[arg-type]


def test_ended_runs_never_change_and_scoring_needs_a_live_run() -> None:
    check_run_change("r", "running", "scoring")
    check_run_change("r", "scored", "scoring")  # scored again
    check_run_change("r", "scored", "completed")
    for ended in ("completed", "canceled", "timeout", "failed"):
        for new in ("scoring", "completed", "canceled"):
            with pytest.raises(ApiError, match=f"it is {ended}"):
                check_run_change("r", ended, new)
    with pytest.raises(ApiError, match="cannot score scenario run r: it is scoring"):
        check_run_change("r", "scoring", "scoring")


def test_contracts_need_named_unique_functions_with_positive_weight() -> None:
    fn = {"name": "a", "weight": 1.0, "scorer": {"type": "command_scorer"}}
    check_contract({"scoring_function_parameters": [fn]})
    for contract, words in (
        ({"scoring_function_parameters": []}, "at least one"),
        ({"scoring_function_parameters": [fn, fn]}, "used twice"),
        ({"scoring_function_parameters": [{**fn, "weight": 0}]}, "sum to 0"),
        ({"scoring_function_parameters": [{**fn, "weight": -1}]}, "negative"),
        ({"scoring_function_parameters": [{**fn, "name": " "}]}, "empty"),
    ):
        with pytest.raises(ApiError, match=words):
            check_contract(contract)


def test_a_runs_devbox_is_the_environment_with_the_profile_on_top() -> None:
    scenario = _scenario(
        environment={
            "blueprint_id": "bpt_1",
            "launch_parameters": {"resource_size_request": "SMALL", "launch_commands": ["echo a"]},
        }
    )
    profile = RunProfile.model_validate(
        {
            "envVars": {"A": "1"},
            "secrets": {"TOKEN": "my-token"},
            "launchParameters": {"launch_commands": ["echo b"]},
            "mounts": [{"type": "file_mount", "target": "/home/user/f", "content": "x"}],
        }
    )
    body = devbox_request("scr_1", scenario, profile)
    assert body["blueprint_id"] == "bpt_1"
    assert body["launch_parameters"] == {"resource_size_request": "SMALL", "launch_commands": ["echo b"]}
    assert body["environment_variables"] == {"A": "1"}
    assert body["secrets"] == {"TOKEN": "my-token"}
    assert body["mounts"] == [{"type": "file_mount", "target": "/home/user/f", "content": "x"}]
    assert body["metadata"] == {"scenario_id": "scn_1", "scenario_run_id": "scr_1"}
    assert "snapshot_id" not in devbox_request("scr_1", _scenario(), None)


def test_a_profile_must_give_what_the_scenario_requires() -> None:
    scenario = _scenario(required_environment_variables=["A"], required_secret_names=["TOKEN"])
    with pytest.raises(ApiError, match="requires A"):
        check_requirements(scenario, None)
    with pytest.raises(ApiError, match="TOKEN"):
        check_requirements(scenario, RunProfile(envVars={"A": "1"}))
    check_requirements(scenario, RunProfile(envVars={"A": "1"}, secrets={"TOKEN": "mine"}))


def test_recovery_keeps_resumes_or_fails() -> None:
    assert recovery("running", "running") == "keep"
    assert recovery("scoring", "provisioning") == "keep"
    assert recovery("scored", "suspended") == "resume"
    for gone in ("shutdown", "failure", None):
        assert recovery("running", gone) == "fail"


def test_the_logs_zip_holds_the_run_its_devbox_log_and_each_scorers_output() -> None:
    result = {
        "score": 0.5,
        "scoring_function_results": [
            {"scoring_function_name": "unit tests/1", "score": 0.5, "state": "complete", "output": "3 of 6"}
        ],
    }
    data = logs_zip(
        {"id": "scr_1", "state": "scored", "scoring_contract_result": result},
        {"id": "scn_1"},
        [{"time_ms": 5, "state": "running", "message": "started"}],
        [{"timestamp_ms": 7, "level": "info", "source": "entrypoint", "message": "hello\n"}],
    )
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = set(zf.namelist())
        assert scorer_entry(0, "unit tests/1") == "scoring/00-unit_tests_1.log"
        assert names == {
            "scenario_run.json",
            "scenario.json",
            "run_events.log",
            "devbox.log",
            "devbox_logs.jsonl",
            "scoring/result.json",
            "scoring/00-unit_tests_1.log",
        }
        assert zf.read("devbox.log").decode() == "7 info entrypoint hello\n"
        assert json.loads(zf.read("scoring/result.json"))["score"] == 0.5
        assert zf.read("scoring/00-unit_tests_1.log").decode().endswith("3 of 6")
        assert zf.read("run_events.log").decode() == "5 running started\n"
