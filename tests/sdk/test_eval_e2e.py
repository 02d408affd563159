"""Agents, scorers, scenarios and benchmarks end to end on the embedded engine (sync SDK).

What each test needs of the engine: scorers, ``validate``, agent mounts and scoring come from
branch ``evala``; scenarios and scenario runs from ``evalb1``; benchmarks from ``evalb2``.
"""

from __future__ import annotations

import io
import uuid
import zipfile
from pathlib import Path
from typing import Any

import pytest

from runloop_api import BadRequestError
from runloop_sdk import (
    BenchmarkRun,
    Devbox,
    DevboxFailedError,
    RunloopSDK,
    Scenario,
    ScenarioRun,
    ScenarioRunFailedError,
)

REPO = "/home/user/repo"
BUGGY_CALC = "def add(a, b):\n    return a - b\n"
# The agent: fixes the bug it was asked to fix, and says so.
AGENT_MAIN = (
    "import pathlib\n"
    f"calc = pathlib.Path('{REPO}/calc.py')\n"
    "calc.write_text(calc.read_text().replace('a - b', 'a + b'))\n"
    "print('agent: fixed add')\n"
)
# -B: the fix keeps the file's size and may land in the same second, so a cached .pyc would
# still look current.
ADD_WORKS = f"cd {REPO} && python3 -B -c 'from calc import add; print(1.0 if add(2, 3) == 5 else 0.0)'"


def _unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def _command(name: str, command: str, weight: float = 1.0) -> dict[str, Any]:
    return {"name": name, "weight": weight, "scorer": {"type": "command_scorer", "command": command}}


def test_seed_004_scorer_example(local_sdk: RunloopSDK) -> None:
    """The TypeScript README's scorer example, in Python (needs evala)."""
    kind = _unique("my_scorer")
    scorer = local_sdk.scorer.create(type=kind, bash_script='echo "1.0"')
    view = scorer.update(bash_script='echo "0.5"')  # the type is kept though not given
    assert (view.type, view.bash_script) == (kind, 'echo "0.5"')
    result = scorer.validate(scoring_context={"output": "hello"})
    assert result.scoring_result.score == 0.5
    assert local_sdk.scorer.from_id(scorer.id).get_info().bash_script == 'echo "0.5"'
    assert scorer.id in [listed.id for listed in local_sdk.scorer.list()]


def test_a_scorer_reads_its_context(local_sdk: RunloopSDK) -> None:
    """``$RL_SCORER_CONTEXT`` carries the scoring context (needs evala)."""
    scorer = local_sdk.scorer.create(
        type=_unique("ctx"), bash_script='echo "$RL_SCORER_CONTEXT" | grep -q hello && echo 1.0 || echo 0.0'
    )
    assert scorer.validate(scoring_context={"output": "hello"}).scoring_result.score == 1.0
    assert scorer.validate(scoring_context={"output": "bye"}).scoring_result.score == 0.0
    with pytest.raises(TypeError, match="bash_script= or type="):
        scorer.update()


@pytest.mark.bwrap
def test_scenario_from_a_blueprint_with_an_agent_from_a_storage_object(
    local_sdk: RunloopSDK, engine: Any, tmp_path: Path
) -> None:
    """Issue 9's main flow: blueprint environment, agent mounted from a storage object, the
    agent run in ``run.devbox``, ``score_and_complete`` -> the weighted score (needs evala, evalb1)."""
    if engine.writable_roots is not None:
        pytest.skip(f"no writable roots on this machine: {engine.writable_roots}")
    blueprint = local_sdk.blueprint.create(
        name=_unique("eval-bp"),
        dockerfile=(
            "FROM ubuntu:22.04\n"
            f"RUN mkdir -p {REPO} && printf '{BUGGY_CALC.replace(chr(10), chr(92) + 'n')}' > {REPO}/calc.py"
            f" && chmod -R a+rwX {REPO}\n"
        ),
    )
    agent_dir = tmp_path / "agent"
    agent_dir.mkdir()
    (agent_dir / "main.py").write_text(AGENT_MAIN)
    agent = local_sdk.agent.create_from_object(
        name=_unique("fixer"), storage_object=local_sdk.storage_object.upload_from_dir(agent_dir)
    )
    assert agent.get_info().source.type == "object"  # type: ignore[union-attr]
    checker = local_sdk.scorer.create(type=_unique("add_works"), bash_script=ADD_WORKS)
    scenario = local_sdk.scenario.create(
        name=_unique("fix-add"),
        problem_statement="add() subtracts; make it add",
        environment_parameters={"blueprint_id": blueprint.id, "working_directory": REPO},
        scoring_functions=[
            {
                "name": "add",
                "weight": 3.0,
                "scorer": {"type": "custom_scorer", "custom_scorer_type": checker.get_info().type},
            },
            _command("notes", f"test -f {REPO}/NOTES.md"),  # the agent writes none: 0
        ],
    )
    assert scenario.id in [listed.id for listed in local_sdk.scenario.list(name=scenario.get_info().name)]

    run = scenario.run(run_name="fix-add-1", mounts=[agent.mount("/home/user/agent")])
    assert isinstance(run.devbox, Devbox) and run.devbox.id == run.get_info().devbox_id
    assert run.get_info().state == "running"
    assert run.devbox.cmd.exec("pwd").stdout() == f"{REPO}\n"
    assert run.devbox.cmd.exec(ADD_WORKS).stdout() == "0.0\n"  # the bug is there
    assert run.devbox.cmd.exec("python3 /home/user/agent/main.py").stdout() == "agent: fixed add\n"

    view = run.score_and_complete()
    assert view.state == "completed"
    result = view.scoring_contract_result
    assert result is not None and result.score == pytest.approx(0.75)
    assert {r.scoring_function_name: r.score for r in result.scoring_function_results} == {
        "add": 1.0,
        "notes": 0.0,
    }
    assert run.get_score() == result
    assert run.devbox.get_info().status == "shutdown"
    logs = zipfile.ZipFile(io.BytesIO(run.logs()))
    assert logs.namelist()
    assert zipfile.ZipFile(run.download_logs(tmp_path / "run.zip")).namelist() == logs.namelist()
    assert [listed.id for listed in scenario.list_runs()] == [run.id]


def test_cancel_mid_run(local_sdk: RunloopSDK) -> None:
    """A canceled run shuts its devbox down and ends any wait for its score (needs evalb1)."""
    scenario = local_sdk.scenario.create(
        name=_unique("cancel-me"),
        problem_statement="never finished",
        scoring_functions=[_command("ok", "true")],
    )
    run = scenario.run(run_name="canceled")
    assert local_sdk.scenario.run_from_id(run.id).devbox_id == run.devbox_id
    run.devbox.cmd.exec_async("sleep 300")
    assert run.cancel().state == "canceled"
    assert run.devbox.get_info().status == "shutdown"
    with pytest.raises(ScenarioRunFailedError) as failed:
        run.await_scored()
    assert failed.value.state == "canceled"
    assert zipfile.ZipFile(io.BytesIO(run.logs())).namelist()  # a canceled run keeps its logs


def test_a_run_whose_agent_does_not_install_fails_with_the_reason(local_sdk: RunloopSDK) -> None:
    """An agent mount that cannot install fails the run's devbox; ``run()`` raises the reason and
    leaves no run going (needs evala, evalb1)."""
    agent = local_sdk.agent.create_from_git(name=_unique("nowhere"), repository="/nonexistent/repo.git")
    scenario = local_sdk.scenario.create(
        name=_unique("no-agent"), problem_statement="x", scoring_functions=[_command("ok", "true")]
    )
    with pytest.raises(DevboxFailedError):
        scenario.run(mounts=[agent.mount("/home/user/agent")])
    runs = scenario.list_runs()
    assert len(runs) == 1 and runs[0].get_info().state in ("failed", "canceled")


def test_agents_from_each_source_list_and_delete(local_sdk: RunloopSDK) -> None:
    """Registering agents needs no install; mounting them does (needs evala)."""
    npm = local_sdk.agent.create_from_npm(name=_unique("npm"), package_name="left-pad", agent_setup=["true"])
    pip = local_sdk.agent.create_from_pip(name=_unique("pip"), package_name="six", version="1")
    git = local_sdk.agent.create_from_git(name=_unique("git"), repository="file:///srv/agent.git", ref="v1")
    sources = {agent.id: agent.get_info().source for agent in (npm, pip, git)}
    assert sources[npm.id].npm.package_name == "left-pad"  # type: ignore[union-attr]
    assert sources[npm.id].npm.agent_setup == ["true"]  # type: ignore[union-attr]
    assert sources[pip.id].pip.package_name == "six"  # type: ignore[union-attr]
    assert sources[git.id].git.ref == "v1"  # type: ignore[union-attr]
    assert pip.get_info().version == "1"
    assert {npm.id, pip.id, git.id} <= {agent.id for agent in local_sdk.agent.list()}
    with pytest.raises(TypeError, match="exactly one"):
        local_sdk.agent.create_from_object(name="x")
    npm.delete()
    assert npm.id not in {agent.id for agent in local_sdk.agent.list()}


def _benchmark_of_three(local_sdk: RunloopSDK) -> tuple[list[Scenario], Any]:
    scenarios = [
        local_sdk.scenario.create(
            name=_unique(f"bench-{i}"),
            problem_statement=f"create /home/user/done-{i}",
            scoring_functions=[_command("done", f"test -f /home/user/done-{i}")],
        )
        for i in range(3)
    ]
    benchmark = local_sdk.benchmark.create(name=_unique("three"), scenarios=scenarios[:2])
    benchmark.add_scenarios([scenarios[2]])
    return scenarios, benchmark


def test_a_benchmark_of_three_scenarios_run_to_completion(local_sdk: RunloopSDK) -> None:
    """Each scenario run as the server starts it; the agent solves two of three -> 2/3 (needs
    evala, evalb1, evalb2)."""
    scenarios, benchmark = _benchmark_of_three(local_sdk)
    assert [s.id for s in benchmark.scenarios()] == [s.id for s in scenarios]
    assert benchmark.get_info().scenarioIds == [s.id for s in scenarios]
    run = benchmark.run(run_name="nightly")
    assert isinstance(run, BenchmarkRun)
    solved: list[str] = []
    for scenario_run in run.stream_scenario_runs():
        assert isinstance(scenario_run, ScenarioRun)
        scenario_run.await_env_ready()
        scenario_id = scenario_run.get_info().scenario_id
        index = [s.id for s in scenarios].index(scenario_id)
        if index != 1:  # the agent fails the second scenario
            scenario_run.devbox.cmd.exec(f"touch /home/user/done-{index}")
            solved.append(scenario_id)
        scenario_run.score_and_complete()
    view = run.await_completed()
    assert view.state == "completed"
    assert view.score == pytest.approx(2 / 3)
    assert len(solved) == 2
    assert {r.get_info().state for r in run.scenario_runs()} == {"completed"}
    assert run.id in [listed.id for listed in benchmark.list_runs()]
    assert len(zipfile.ZipFile(io.BytesIO(run.logs())).namelist()) >= 3


def test_cancel_a_benchmark_run(local_sdk: RunloopSDK) -> None:
    """Canceling a benchmark run cancels its scenario runs (needs evalb1, evalb2)."""
    scenarios, benchmark = _benchmark_of_three(local_sdk)
    benchmark.remove_scenarios([scenarios[2].id])
    assert benchmark.get_info().scenarioIds == [s.id for s in scenarios[:2]]
    run = benchmark.run(run_name="to-cancel")
    assert local_sdk.benchmark.run_from_id(run.id).get_info().name == "to-cancel"
    first = next(iter(run.stream_scenario_runs()))
    first.await_env_ready()
    assert run.cancel().state == "canceled"
    assert first.get_info().state == "canceled"
    assert first.devbox.get_info().status == "shutdown"


def test_complete_a_benchmark_run_early(local_sdk: RunloopSDK, tmp_path: Path) -> None:
    """``complete()`` scores and completes the runs still going: one solved of two -> 0.5
    (needs evala, evalb1, evalb2)."""
    scenarios, benchmark = _benchmark_of_three(local_sdk)
    benchmark.remove_scenarios([scenarios[2]])
    run = benchmark.run(run_name="early")
    started = {r.get_info().scenario_id: r for r in run.stream_scenario_runs()}
    assert set(started) == {scenarios[0].id, scenarios[1].id}
    started[scenarios[0].id].await_env_ready()
    started[scenarios[0].id].devbox.cmd.exec("touch /home/user/done-0")
    view = run.complete()
    assert (view.state, view.score) == ("completed", pytest.approx(0.5))
    assert {r.get_info().state for r in started.values()} == {"completed"}
    names = zipfile.ZipFile(run.download_logs(tmp_path / "bench.zip")).namelist()
    assert any(started[scenarios[0].id].id in name for name in names)


def test_update_archive_and_unarchive(local_sdk: RunloopSDK) -> None:
    """Definitions change through their objects; an archived scenario starts no run (needs evalb1, evalb2)."""
    scenario = local_sdk.scenario.create(
        name=_unique("old-name"), problem_statement="x", scoring_functions=[_command("ok", "true")]
    )
    renamed = _unique("new-name")
    assert scenario.update(name=renamed).name == renamed
    assert scenario.archive().status == "archived"
    with pytest.raises(BadRequestError, match="archived"):
        scenario.run()
    assert scenario.unarchive().status == "active"
    benchmark = local_sdk.benchmark.create(name=_unique("bench"), scenarios=[scenario.id])
    assert benchmark.update(description="about").description == "about"
    assert benchmark.id in [b.id for b in local_sdk.benchmark.list(name=benchmark.get_info().name)]
