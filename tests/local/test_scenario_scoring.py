"""Scenario runs scored by the scoring runner: score, complete, timeouts, a restart while scoring."""

from __future__ import annotations

import contextlib
import io
import json
import time
import uuid
import zipfile
from pathlib import Path
from typing import Any

import httpx
import pytest

from runloop_api import RunloopAPI
from runloop_api.types import ScenarioRunView
from runloop_local import LocalEngine

from ._objects import stored_object


def _scenario(api: RunloopAPI, functions: list[dict[str, Any]], **params: Any) -> Any:
    return api.scenarios.create(
        name=f"scored-{uuid.uuid4().hex[:8]}",
        input_context={"problem_statement": "write hello.txt"},
        scoring_contract={"scoring_function_parameters": functions},
        **params,
    )


def _started(api: RunloopAPI, scenario_id: str) -> ScenarioRunView:
    run = api.scenarios.start_run(scenario_id=scenario_id)
    view = api.devboxes.wait_for_status(run.devbox_id, statuses=["running", "failure", "shutdown"])
    assert view.status == "running", view.failure_reason
    return run


def _wait_state(api: RunloopAPI, run_id: str, state: str, seconds: float = 60) -> ScenarioRunView:
    deadline = time.monotonic() + seconds
    view = api.scenarios.runs.retrieve(run_id)
    while view.state != state and time.monotonic() < deadline:
        time.sleep(0.05)
        view = api.scenarios.runs.retrieve(run_id)
    return view


HELLO = {
    "name": "hello",
    "weight": 3.0,
    "scorer": {"type": "command_scorer", "command": "test -f /home/user/hello.txt"},
}
HALF = {"name": "half", "weight": 1.0, "scorer": {"type": "bash_script_scorer", "bash_script": 'echo "0.5"'}}


def test_score_then_complete_keeps_each_scorers_result_and_ends_the_devbox(api: RunloopAPI) -> None:
    run = _started(api, _scenario(api, [HELLO, HALF]).id)
    api.devboxes.execute(
        run.devbox_id, command="echo hi > /home/user/hello.txt", command_id=str(uuid.uuid4())
    )
    scored = api.scenarios.runs.score(run.id)
    if scored.state == "scoring":
        scored = _wait_state(api, run.id, "scored")
    assert scored.state == "scored"
    result = scored.scoring_contract_result
    assert result is not None
    assert abs(result.score - (3 * 1.0 + 1 * 0.5) / 4) < 1e-6
    by_name = {r.scoring_function_name: r for r in result.scoring_function_results}
    assert (by_name["hello"].score, by_name["hello"].state) == (1.0, "complete")
    assert (by_name["half"].score, by_name["half"].state) == (0.5, "complete")
    assert api.devboxes.retrieve(run.devbox_id).status == "running"  # scoring leaves the devbox up

    done = api.scenarios.runs.complete(run.id)
    assert done.state == "completed"
    assert done.scoring_contract_result == result
    assert done.duration_ms is not None and done.duration_ms > 0
    assert api.devboxes.retrieve(run.devbox_id).status == "shutdown"
    with zipfile.ZipFile(io.BytesIO(api.scenarios.runs.download_logs(run.id).read())) as zf:
        assert json.loads(zf.read("scoring/result.json"))["score"] == result.score
        assert "scoring/00-hello.log" in zf.namelist() and "scoring/01-half.log" in zf.namelist()


def test_the_issues_run_a_blueprint_environment_an_agent_from_a_storage_object(
    api: RunloopAPI, engine: LocalEngine
) -> None:
    if engine.writable_roots is not None:
        pytest.skip(f"no writable roots on this machine: {engine.writable_roots}")
    bp = api.blueprints.create(
        name=f"scn-agent-{uuid.uuid4().hex[:6]}",
        dockerfile="FROM x\nRUN mkdir -p /srv/repo && chmod 777 /srv/repo\n",
    )
    deadline = time.monotonic() + 120
    while bp.status not in ("build_complete", "failed") and time.monotonic() < deadline:
        time.sleep(0.05)
        bp = api.blueprints.retrieve(bp.id)
    assert bp.status == "build_complete", bp.failure_reason
    script = stored_object(api, "solve.sh", "text", b"#!/bin/sh\necho solved > hello.txt\n")
    agent = api.agents.create(
        name=f"solver-{uuid.uuid4().hex[:6]}", source={"type": "object", "object": {"object_id": script}}
    )
    in_repo = {
        "name": "solved",
        "weight": 1.0,
        "scorer": {
            "type": "bash_script_scorer",
            "bash_script": "grep -q solved hello.txt && echo 1.0 || echo 0.0",
        },
    }
    scenario = _scenario(
        api, [in_repo, HALF], environment_parameters={"blueprint_id": bp.id, "working_directory": "/srv/repo"}
    )
    run = api.scenarios.start_run(
        scenario_id=scenario.id,
        runProfile={
            "mounts": [
                {"type": "agent_mount", "agent_id": agent.id, "agent_name": None, "agent_path": "/tmp/agent"}
            ]
        },
    )
    view = api.devboxes.wait_for_status(run.devbox_id, statuses=["running", "failure", "shutdown"])
    assert view.status == "running", view.failure_reason
    ran = api.devboxes.execute(
        run.devbox_id, command="/tmp/agent/solve.sh && pwd", command_id=str(uuid.uuid4())
    )
    assert (ran.exit_status, ran.stdout) == (0, "/srv/repo\n")
    done = api.scenarios.runs.complete(run.id)  # score_and_complete
    assert done.state == "completed"
    assert done.scoring_contract_result is not None
    assert abs(done.scoring_contract_result.score - 0.75) < 1e-6  # (1.0 + 0.5) / 2


def test_complete_scores_a_run_not_scored_yet(api: RunloopAPI) -> None:
    # At once after the start: scoring waits for the devbox to boot. The agent wrote nothing: 0.
    run = api.scenarios.start_run(scenario_id=_scenario(api, [HELLO]).id)
    done = api.scenarios.runs.complete(run.id)
    assert done.state == "completed"
    assert done.scoring_contract_result is not None and done.scoring_contract_result.score == 0.0


def test_scoring_that_overruns_the_scorer_timeout_does_not_hang_the_run(api: RunloopAPI) -> None:
    slow = {
        "name": "slow",
        "weight": 1.0,
        "scorer": {"type": "bash_script_scorer", "bash_script": "sleep 60; echo 1"},
    }
    run = _started(api, _scenario(api, [slow], scorer_timeout_sec=1).id)
    began = time.monotonic()
    done = api.scenarios.runs.complete(run.id)
    assert time.monotonic() - began < 15
    # The runner kills what overruns scorer_timeout_sec and reports it as an error result.
    assert done.state == "completed"
    assert done.scoring_contract_result is not None
    assert done.scoring_contract_result.score == 0.0
    assert done.scoring_contract_result.scoring_function_results[0].state == "error"
    assert api.devboxes.retrieve(run.devbox_id).status == "shutdown"


def test_a_run_cut_while_scoring_is_scored_again_after_a_restart(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    # The first scoring never ends (the engine stops under it); the second answers at once.
    script = 'n=$(cat ~/.tries 2>/dev/null || echo 0); echo $((n + 1)) > ~/.tries; [ "$n" = 0 ] && sleep 60; echo 1'
    slowish = {
        "name": "slowish",
        "weight": 1.0,
        "scorer": {"type": "bash_script_scorer", "bash_script": script},
    }
    with LocalEngine(data_dir) as first, RunloopAPI(base_url=first.base_url, bearer_token=first.token) as api:
        run = _started(api, _scenario(api, [slowish]).id)
        auth = {"Authorization": f"Bearer {first.token}"}
        # The engine holds the answer while it scores: the client gives up first.
        with (
            httpx.Client(base_url=first.base_url, headers=auth) as raw,
            contextlib.suppress(httpx.ReadTimeout),
        ):
            raw.post(f"/v1/scenarios/runs/{run.id}/score", timeout=0.5)
        assert api.scenarios.runs.retrieve(run.id).state == "scoring"
        token = first.token
    with (
        LocalEngine(data_dir, token=token) as second,
        RunloopAPI(base_url=second.base_url, bearer_token=token) as api,
    ):
        assert api.scenarios.runs.retrieve(run.id).state in ("scoring", "running")  # never lost
        scored = _wait_state(api, run.id, "scored")
        assert scored.state == "scored"
        assert scored.scoring_contract_result is not None and scored.scoring_contract_result.score == 1.0
        with zipfile.ZipFile(io.BytesIO(api.scenarios.runs.download_logs(run.id).read())) as zf:
            assert "the engine restarted while scoring: scoring again" in zf.read("run_events.log").decode()
        api.scenarios.runs.cancel(run.id)
