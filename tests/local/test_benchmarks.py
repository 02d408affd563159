"""Benchmarks end to end on the engine: definitions, runs of their scenarios, jobs, restarts."""

from __future__ import annotations

import io
import subprocess
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from runloop_api import APIStatusError, RunloopAPI
from runloop_api.types import (
    BenchmarkDefinitionJobSpec,
    BenchmarkDefJobSource,
    BenchmarkRunView,
    HarborJobSpec,
    JobAgentConfig,
    JobOrchestratorConfig,
    ScenarioDefinitionJobSpec,
    ScenarioDefinitionView,
)
from runloop_local import LocalEngine

pytestmark = pytest.mark.bwrap

CONTRACT = {
    "scoring_function_parameters": [
        {
            "name": "exit",
            "weight": 1.0,
            "scorer": {"type": "command_scorer", "command": "test -f /home/user/done"},
        }
    ]
}


def make_scenario(api: RunloopAPI, name: str, **extra: Any) -> ScenarioDefinitionView:
    return api.scenarios.create(
        name=name, input_context={"problem_statement": f"solve {name}"}, scoring_contract=CONTRACT, **extra
    )


@pytest.fixture(scope="module")
def scenarios(api: RunloopAPI) -> list[ScenarioDefinitionView]:
    return [make_scenario(api, f"bench-scenario-{i}") for i in range(3)]


@pytest.fixture
def cleanup(api: RunloopAPI) -> Iterator[Callable[[BenchmarkRunView], BenchmarkRunView]]:
    """Cancels the benchmark runs a test leaves running (their devboxes shut down)."""
    made: list[str] = []

    def track(run: BenchmarkRunView) -> BenchmarkRunView:
        made.append(run.id)
        return run

    yield track
    for id in made:
        api.benchmark_runs.cancel(id)


def wait_run(api: RunloopAPI, id: str, states: set[str], timeout: float = 30) -> BenchmarkRunView:
    deadline = time.monotonic() + timeout
    while True:
        run = api.benchmark_runs.retrieve(id)
        if run.state in states or time.monotonic() > deadline:
            return run
        time.sleep(0.1)


def status_of(call: Callable[[], object]) -> tuple[int, str]:
    with pytest.raises(APIStatusError) as caught:
        call()
    return caught.value.status_code, str(caught.value)


def test_benchmark_definitions(api: RunloopAPI, scenarios: list[ScenarioDefinitionView]) -> None:
    a, b, c = (s.id for s in scenarios)
    bench = api.benchmarks.create(
        name="defs",
        scenario_ids=[a, b],
        metadata={"suite": "defs"},
        description="two",
        required_secret_names=[],
    )
    assert (bench.scenarioIds, bench.status, bench.is_public) == ([a, b], "active", False)
    assert api.benchmarks.retrieve(bench.id) == bench

    updated = api.benchmarks.update(bench.id, name="defs2", attribution="me")
    assert (updated.name, updated.attribution, updated.description, updated.scenarioIds) == (
        "defs2",
        "me",
        "two",
        [a, b],
    )
    edited = api.benchmarks.update_scenarios(bench.id, scenarios_to_add=[c, a], scenarios_to_remove=[b])
    assert edited.scenarioIds == [a, c]

    first = api.benchmarks.definitions(bench.id, limit=1)
    assert ([s.id for s in first.items], first.has_more, first.total_count) == ([a], True, 2)
    rest = api.benchmarks.definitions(bench.id, limit=1, starting_after=a)
    assert ([s.name for s in rest.items], rest.has_more) == ([scenarios[2].name], False)
    # listScenarios knows benchmarks now
    assert {s.id for s in api.scenarios.list(benchmark_id=bench.id).items} == {a, c}
    code, text = status_of(lambda: api.scenarios.list(benchmark_id="bmd_nope").items)
    assert code == 400 and "`benchmark_id`: no benchmark 'bmd_nope'" in text

    assert api.benchmarks.archive(bench.id).status == "archived"
    code, text = status_of(lambda: api.benchmarks.start_run(benchmark_id=bench.id))
    assert code == 400 and "archived" in text
    assert api.benchmarks.unarchive(bench.id).status == "active"

    assert "suite" in (api.benchmarks.metadata_keys().keys or [])
    assert api.benchmarks.metadata_values("suite").values == ["defs"]
    assert bench.id in [x.id for x in api.benchmarks.list(search="defs2").items]
    assert api.benchmarks.list(name="no-such-bench").items == []
    public = api.benchmarks.list_public()
    assert (public.items, public.has_more) == ([], False)

    code, text = status_of(lambda: api.benchmarks.create(name="bad", scenario_ids=["scn_nope"]))
    assert code == 400 and "scn_nope" in text
    code, _ = status_of(lambda: api.benchmarks.update_scenarios(bench.id, scenarios_to_add=["scn_nope"]))
    assert code == 400
    code, _ = status_of(lambda: api.benchmarks.retrieve("bmd_nope"))
    assert code == 404


def await_devbox(api: RunloopAPI, devbox_id: str) -> None:
    assert api.devboxes.wait_for_status(devbox_id, statuses=["running", "failure"]).status == "running"


def test_a_run_of_three_scenarios_completes_with_the_aggregate_score(
    api: RunloopAPI,
    scenarios: list[ScenarioDefinitionView],
    cleanup: Callable[[BenchmarkRunView], BenchmarkRunView],
) -> None:
    bench = api.benchmarks.create(name="three", scenario_ids=[s.id for s in scenarios])
    run = cleanup(api.benchmarks.start_run(benchmark_id=bench.id, run_name="r1", metadata={"k": "v"}))
    assert (run.state, run.benchmark_id, run.name, run.metadata) == ("running", bench.id, "r1", {"k": "v"})
    runs = api.benchmark_runs.list_scenario_runs(run.id).items
    assert sorted(r.scenario_id for r in runs) == sorted(s.id for s in scenarios)
    assert {r.benchmark_run_id for r in runs} == {run.id}
    assert [r.id for r in api.benchmarks.list_runs(bench.id).items] == [run.id]
    assert run.id in [r.id for r in api.benchmark_runs.list(benchmark_id=bench.id, state="running").items]

    # The "agent" solves two of the three scenarios; each scenario run is scored and completed.
    by_scenario = {r.scenario_id: r for r in runs}
    for n, scenario in enumerate(scenarios):
        scenario_run = by_scenario[scenario.id]
        await_devbox(api, scenario_run.devbox_id)
        if n < 2:
            assert (
                api.devboxes.execute(scenario_run.devbox_id, command="touch /home/user/done").exit_status == 0
            )
        assert api.benchmark_runs.retrieve(run.id).state == "running"
        assert api.scenarios.runs.complete(scenario_run.id).state == "completed"
    done = wait_run(api, run.id, {"completed"})
    assert done.state == "completed"
    assert done.score == pytest.approx(2 / 3)
    assert done.duration_ms is not None and done.duration_ms >= 0
    assert api.benchmark_runs.list_scenario_runs(run.id, state="completed").total_count == 3


def test_complete_scores_the_active_scenario_runs(
    api: RunloopAPI, scenarios: list[ScenarioDefinitionView]
) -> None:
    bench = api.benchmarks.create(name="complete-now", scenario_ids=[scenarios[0].id])
    run = api.benchmarks.start_run(benchmark_id=bench.id)
    (scenario_run,) = api.benchmark_runs.list_scenario_runs(run.id).items
    await_devbox(api, scenario_run.devbox_id)
    assert api.devboxes.execute(scenario_run.devbox_id, command="touch /home/user/done").exit_status == 0
    done = api.benchmark_runs.complete(run.id)
    assert (done.state, done.score) == ("completed", 1.0)
    assert api.scenarios.runs.retrieve(scenario_run.id).state == "completed"
    assert api.benchmark_runs.complete(run.id) == done  # again: as it is


def test_a_run_ends_when_its_scenario_runs_are_canceled_one_by_one(
    api: RunloopAPI, scenarios: list[ScenarioDefinitionView]
) -> None:
    bench = api.benchmarks.create(name="one-by-one", scenario_ids=[s.id for s in scenarios[:2]])
    run = api.benchmarks.start_run(benchmark_id=bench.id)
    first, second = api.benchmark_runs.list_scenario_runs(run.id).items
    api.scenarios.runs.cancel(first.id)
    assert api.benchmark_runs.retrieve(run.id).state == "running"
    api.scenarios.runs.cancel(second.id)
    done = wait_run(api, run.id, {"completed"})
    assert (done.state, done.score) == ("completed", 0.0)


def test_cancel_mid_run_cancels_its_scenario_runs_and_logs_zip(
    api: RunloopAPI, scenarios: list[ScenarioDefinitionView]
) -> None:
    bench = api.benchmarks.create(name="cancel", scenario_ids=[s.id for s in scenarios[:2]])
    run = api.benchmarks.start_run(benchmark_id=bench.id)
    canceled = api.benchmark_runs.cancel(run.id)
    assert canceled.state == "canceled" and canceled.score is None
    runs = api.benchmark_runs.list_scenario_runs(run.id).items
    assert [r.state for r in runs] == ["canceled", "canceled"]
    for r in runs:
        assert api.devboxes.retrieve(r.devbox_id).status in ("shutdown", "failure")
    assert api.benchmark_runs.cancel(run.id).state == "canceled"  # again: as it is
    code, _ = status_of(lambda: api.benchmark_runs.complete(run.id))
    assert code == 400

    logs = api.benchmark_runs.download_logs(run.id)
    with zipfile.ZipFile(io.BytesIO(logs.read())) as z:
        names = z.namelist()
    assert "benchmark_run.json" in names
    for r in runs:
        assert any(n.startswith(f"{r.scenario_id}_{r.id}/") for n in names), names


def test_the_deprecated_aliases_answer_the_same(
    api: RunloopAPI, scenarios: list[ScenarioDefinitionView]
) -> None:
    bench = api.benchmarks.create(name="alias", scenario_ids=[scenarios[0].id])
    run = api.benchmarks.start_run(benchmark_id=bench.id)
    with pytest.warns(DeprecationWarning):
        old = api.benchmarks.runs.retrieve(run.id)
    assert old.id == run.id and old.benchmark_id == bench.id
    with pytest.warns(DeprecationWarning):
        listed = api.benchmarks.runs.list_scenario_runs(run.id)
    assert [r.scenario_id for r in listed.items] == [scenarios[0].id]
    with pytest.warns(DeprecationWarning):
        assert api.benchmarks.runs.cancel(run.id).state == "canceled"
    with pytest.warns(DeprecationWarning):
        assert run.id in [r.id for r in api.benchmarks.runs.list(benchmark_id=bench.id).items]


def test_jobs_the_engine_cannot_run_answer_501(
    api: RunloopAPI, scenarios: list[ScenarioDefinitionView]
) -> None:
    code, text = status_of(
        lambda: api.benchmark_jobs.create(spec=HarborJobSpec(type="harbor", inline_yaml="a: 1"))
    )
    assert code == 501 and "harbor" in text
    agent = JobAgentConfig(type="job_agent", name="claude", model_name="claude-x")
    spec = ScenarioDefinitionJobSpec(type="scenarios", scenario_ids=[scenarios[0].id], agent_configs=[agent])
    code, text = status_of(lambda: api.benchmark_jobs.create(spec=spec))
    assert code == 501 and "model_name" in text


def test_a_restart_resumes_a_benchmark_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # One scenario run at a time: the second scenario starts only after the restart.
    monkeypatch.setenv("RUNLOOP_LOCAL_BENCHMARK_CONCURRENCY", "1")
    data_dir = tmp_path / "engine"
    with LocalEngine(data_dir) as first, RunloopAPI(base_url=first.base_url, bearer_token=first.token) as api:
        token = first.token
        ids = [make_scenario(api, f"restart-{i}").id for i in range(2)]
        bench = api.benchmarks.create(name="restart", scenario_ids=ids)
        run = api.benchmarks.start_run(benchmark_id=bench.id)
        before = api.benchmark_runs.list_scenario_runs(run.id).items
        assert [r.scenario_id for r in before] == [ids[0]]
    with (
        LocalEngine(data_dir, token=token) as second,
        RunloopAPI(base_url=second.base_url, bearer_token=token) as api,
    ):
        assert api.benchmark_runs.retrieve(run.id).state == "running"  # never lost
        first_run = api.scenarios.runs.retrieve(before[0].id)
        assert first_run.state in ("running", "failed")  # kept with its devbox, or failed
        if first_run.state == "running":
            api.scenarios.runs.cancel(first_run.id)
        deadline = time.monotonic() + 30
        while len(api.benchmark_runs.list_scenario_runs(run.id).items) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        after = api.benchmark_runs.list_scenario_runs(run.id).items
        assert sorted(r.scenario_id for r in after) == sorted(ids)  # the rest started, none twice
        api.benchmark_runs.cancel(run.id)


def test_a_scenario_run_that_is_refused_fails_the_benchmark_run(api: RunloopAPI) -> None:
    scenario = make_scenario(api, "archived-later")
    bench = api.benchmarks.create(name="refused", scenario_ids=[scenario.id])
    api.scenarios.archive(scenario.id)
    code, text = status_of(lambda: api.benchmarks.start_run(benchmark_id=bench.id, run_name="refused"))
    assert code == 400 and "did not start" in text and scenario.id in text
    (failed,) = api.benchmarks.list_runs(bench.id).items
    assert (failed.name, failed.state) == ("refused", "failed")


def test_a_job_whose_agent_cannot_be_mounted_fails_saying_why(
    api: RunloopAPI, scenarios: list[ScenarioDefinitionView]
) -> None:
    agent = JobAgentConfig(type="job_agent", name="no-such-agent")
    spec = ScenarioDefinitionJobSpec(type="scenarios", scenario_ids=[scenarios[0].id], agent_configs=[agent])
    job = api.benchmark_jobs.create(name="broken", spec=spec)
    assert (job.name, job.state) == ("broken", "failed")
    assert job.failure_reason is not None and "no-such-agent" in job.failure_reason
    assert job.job_spec is not None and job.job_spec.scenario_ids == [scenarios[0].id]
    assert api.benchmark_jobs.retrieve(job.id) == job
    assert job.id in [j.id for j in api.benchmark_jobs.list(name="broken").items]


def test_a_job_runs_its_scenarios_with_the_agent_mounted_one_at_a_time(
    api: RunloopAPI, scenarios: list[ScenarioDefinitionView], tmp_path: Path
) -> None:
    repo = tmp_path / "agent"
    repo.mkdir()
    (repo / "solve.sh").write_text("touch /home/user/done\n")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-C", str(repo)]
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "agent"], check=True)
    agent = api.agents.create(
        name=f"solver-{time.monotonic_ns()}", source={"type": "git", "git": {"repository": f"file://{repo}"}}
    )
    bench = api.benchmarks.create(name="job-bench", scenario_ids=[s.id for s in scenarios[:2]])
    spec = BenchmarkDefinitionJobSpec(
        type="benchmark",
        benchmark_id=bench.id,
        agent_configs=[JobAgentConfig(type="job_agent", name=agent.name)],
        orchestrator_config=JobOrchestratorConfig(n_concurrent_trials=1),
    )
    job = api.benchmark_jobs.create(name="solver-job", spec=spec)
    assert (job.state, job.failure_reason) == ("running", None)
    assert job.in_progress_runs is not None and len(job.in_progress_runs) == 1
    run_id = job.in_progress_runs[0].benchmark_run_id
    assert isinstance(job.job_source, BenchmarkDefJobSource) and job.job_source.benchmark_id == bench.id

    # n_concurrent_trials=1: one scenario run at a time; the agent solves the first only.
    for solve in (True, False):
        deadline = time.monotonic() + 30
        while True:
            active = api.benchmark_runs.list_scenario_runs(run_id, state="running").items
            if active or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        assert len(active) == 1
        devbox = active[0].devbox_id
        await_devbox(api, devbox)
        if solve:
            ran = api.devboxes.execute(devbox, command=f"bash /home/user/agents/{agent.name}/solve.sh")
            assert ran.exit_status == 0, ran
        assert api.scenarios.runs.complete(active[0].id).state == "completed"

    assert wait_run(api, run_id, {"completed"}).score == 0.5
    done = api.benchmark_jobs.retrieve(job.id)
    assert (done.state, done.in_progress_runs) == ("completed", [])
    (outcome,) = done.benchmark_outcomes or []
    assert (outcome.agent_name, outcome.n_completed, outcome.n_failed, outcome.average_score) == (
        agent.name,
        2,
        0,
        0.5,
    )
    assert sorted(o.score or 0.0 for o in outcome.scenario_outcomes) == [0.0, 1.0]
