"""Scenario runs on the engine, through the raw client: their devbox, cancel, failures, logs, restarts."""

from __future__ import annotations

import io
import time
import uuid
import zipfile
from typing import Any

import pytest

from runloop_api import BadRequestError, RunloopAPI
from runloop_api.types import ScenarioRunView
from runloop_local import LocalEngine
from runloop_local.devboxes.store import Store


def _scenario(api: RunloopAPI, **params: Any) -> Any:
    base: dict[str, Any] = {
        "name": f"run-{uuid.uuid4().hex[:8]}",
        "input_context": {"problem_statement": "write hello.txt"},
        "scoring_contract": {
            "scoring_function_parameters": [
                {
                    "name": "hello",
                    "weight": 1.0,
                    "scorer": {"type": "command_scorer", "command": "test -f hello.txt"},
                }
            ]
        },
    }
    return api.scenarios.create(**{**base, **params})


def _running(api: RunloopAPI, run: ScenarioRunView) -> None:
    view = api.devboxes.wait_for_status(run.devbox_id, statuses=["running", "failure", "shutdown"])
    assert view.status == "running", view.failure_reason


def _exec(api: RunloopAPI, devbox_id: str, command: str) -> str:
    result = api.devboxes.execute(devbox_id, command=command, command_id=str(uuid.uuid4()))
    assert result.exit_status == 0, result.stderr
    return result.stdout or ""


def _wait_state(api: RunloopAPI, run_id: str, state: str, seconds: float = 30) -> ScenarioRunView:
    deadline = time.monotonic() + seconds
    view = api.scenarios.runs.retrieve(run_id)
    while view.state != state and time.monotonic() < deadline:
        time.sleep(0.05)
        view = api.scenarios.runs.retrieve(run_id)
    return view


def test_a_runs_devbox_has_the_blueprint_environment_and_the_profile(
    api: RunloopAPI, engine: LocalEngine
) -> None:
    if engine.writable_roots is not None:
        pytest.skip(f"no writable roots on this machine: {engine.writable_roots}")
    bp = api.blueprints.create(
        name=f"scn-env-{uuid.uuid4().hex[:6]}", dockerfile="FROM x\nENV IMAGE=yes\nRUN mkdir -p /srv/work\n"
    )
    deadline = time.monotonic() + 120
    while bp.status not in ("build_complete", "failed") and time.monotonic() < deadline:
        time.sleep(0.05)
        bp = api.blueprints.retrieve(bp.id)
    assert bp.status == "build_complete", bp.failure_reason
    secret = f"scn_secret_{uuid.uuid4().hex[:6]}"
    api.secrets.create(name=secret, value="s3cret")
    scenario = _scenario(
        api,
        environment_parameters={
            "blueprint_id": bp.id,
            "working_directory": "/srv/work",
            "launch_parameters": {"launch_commands": ["echo from-env > /tmp/launched"]},
        },
        required_environment_variables=["A"],
        required_secret_names=["TOKEN"],
    )
    run = api.scenarios.start_run(
        scenario_id=scenario.id,
        run_name="with profile",
        metadata={"who": "test"},
        runProfile={"envVars": {"A": "1"}, "secrets": {"TOKEN": secret}, "purpose": "check"},
    )
    assert (run.state, run.name, run.metadata, run.purpose) == (
        "running",
        "with profile",
        {"who": "test"},
        "check",
    )
    assert (run.environment_variables, run.secrets_provided) == ({"A": "1"}, {"TOKEN": secret})
    assert run.duration_ms is None and run.start_time_ms
    _running(api, run)
    devbox = api.devboxes.retrieve(run.devbox_id)
    assert devbox.blueprint_id == bp.id
    assert devbox.metadata == {"scenario_id": scenario.id, "scenario_run_id": run.id}
    out = _exec(api, run.devbox_id, "pwd; echo $A $TOKEN $IMAGE; cat /tmp/launched")
    assert out == "/srv/work\n1 s3cret yes\nfrom-env\n"
    api.scenarios.runs.cancel(run.id)


def test_a_run_can_start_from_a_snapshot(api: RunloopAPI) -> None:
    source = api.devboxes.create_and_await_running(name="scn-snap-src")
    _exec(api, source.id, "echo from-snapshot > ~/given.txt")
    snap = api.devboxes.snapshot_disk(source.id, name="scn-snap")
    api.devboxes.shutdown(source.id)
    run = api.scenarios.start_run(
        scenario_id=_scenario(api, environment_parameters={"snapshot_id": snap.id}).id
    )
    _running(api, run)
    assert _exec(api, run.devbox_id, "cat ~/given.txt") == "from-snapshot\n"
    api.scenarios.runs.cancel(run.id)


def test_a_run_needs_what_its_scenario_requires(api: RunloopAPI) -> None:
    scenario = _scenario(api, required_environment_variables=["NEEDED"])
    with pytest.raises(BadRequestError, match="requires NEEDED"):
        api.scenarios.start_run(scenario_id=scenario.id)
    assert api.scenarios.runs.list(scenario_id=scenario.id).items == []  # nothing recorded


def test_cancel_ends_the_run_and_its_devbox_and_the_logs_say_so(api: RunloopAPI) -> None:
    scenario = _scenario(api)
    run = api.scenarios.start_run(scenario_id=scenario.id, run_name="to cancel", benchmark_run_id="bmr_x1")
    _running(api, run)
    _exec(api, run.devbox_id, "echo agent at work")
    canceled = api.scenarios.runs.cancel(run.id)
    assert canceled.state == "canceled"
    assert canceled.duration_ms is not None and canceled.duration_ms >= 0
    assert api.devboxes.retrieve(run.devbox_id).status == "shutdown"
    for again in (api.scenarios.runs.cancel, api.scenarios.runs.complete, api.scenarios.runs.score):
        with pytest.raises(BadRequestError, match="it is canceled"):
            again(run.id)

    assert [r.id for r in api.scenarios.runs.list(scenario_id=scenario.id).items] == [run.id]
    assert run.id in {r.id for r in api.scenarios.runs.list(state="canceled", limit=5000).items}
    assert [r.id for r in api.scenarios.runs.list(benchmark_run_id="bmr_x1").items] == [run.id]
    assert [r.id for r in api.scenarios.runs.list(search=run.id).items] == [run.id]
    assert api.scenarios.runs.list(state="sleeping").items == []
    runs_of = api.scenarios.list_runs(scenario.id)
    assert runs_of.id == scenario.id  # the spec types it as the scenario; the runs come beside
    assert [r["id"] for r in (runs_of.model_extra or {})["runs"]] == [run.id]

    data = api.scenarios.runs.download_logs(run.id).read()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = set(zf.namelist())
        assert {
            "scenario_run.json",
            "scenario.json",
            "run_events.log",
            "devbox.log",
            "devbox_logs.jsonl",
        } <= names
        assert "agent at work" in zf.read("devbox.log").decode()
        assert " canceled " in zf.read("run_events.log").decode()


def test_a_devbox_ended_by_someone_else_fails_its_run(api: RunloopAPI) -> None:
    run = api.scenarios.start_run(scenario_id=_scenario(api).id)
    _running(api, run)
    api.devboxes.shutdown(run.devbox_id)
    failed = _wait_state(api, run.id, "failed")
    assert failed.state == "failed" and failed.duration_ms is not None
    with zipfile.ZipFile(io.BytesIO(api.scenarios.runs.download_logs(run.id).read())) as zf:
        assert f"its devbox {run.devbox_id} ended: shutdown" in zf.read("run_events.log").decode()


def test_a_restart_keeps_runs_whose_devbox_survived_and_fails_the_others(tmp_path: Any) -> None:
    data_dir = tmp_path / "data"
    with LocalEngine(data_dir) as first, RunloopAPI(base_url=first.base_url, bearer_token=first.token) as api:
        scenario = _scenario(api)
        kept = api.scenarios.start_run(scenario_id=scenario.id, run_name="kept")
        lost = api.scenarios.start_run(scenario_id=scenario.id, run_name="lost")
        for run in (kept, lost):
            _running(api, run)
        _exec(api, kept.devbox_id, "echo survived > ~/mark")
        token = first.token
    # The engine was killed after the second devbox ended and before its run heard of it (the
    # window between two writes): its record says shutdown, the run still says running.
    store = Store(data_dir / "engine.sqlite3")
    ended = store.get_devbox(lost.devbox_id)
    assert ended is not None
    ended.status = "shutdown"
    store.put_devbox(ended)
    store.close()

    with (
        LocalEngine(data_dir, token=token) as second,
        RunloopAPI(base_url=second.base_url, bearer_token=token) as api,
    ):
        again = api.scenarios.runs.retrieve(kept.id)
        assert again.state == "running"
        _running(api, again)
        assert _exec(api, kept.devbox_id, "cat ~/mark") == "survived\n"
        failed = api.scenarios.runs.retrieve(lost.id)
        assert failed.state == "failed"  # at once: never reported running by the new engine
        with zipfile.ZipFile(io.BytesIO(api.scenarios.runs.download_logs(lost.id).read())) as zf:
            assert "did not survive (it is shutdown)" in zf.read("run_events.log").decode()
        api.scenarios.runs.cancel(kept.id)
