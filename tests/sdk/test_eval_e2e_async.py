"""The evaluation objects through the async SDK on the embedded engine (the sync twin is
generated from this code; ``test_eval_e2e.py`` covers the flows in depth).

Needs the engine's scorers and scoring (branch ``evala``), scenario runs (``evalb1``) and
benchmarks (``evalb2``).
"""

from __future__ import annotations

import asyncio
import uuid

import pytest

from runloop_sdk import AsyncDevbox, AsyncRunloopSDK, AsyncScenarioRun, ScenarioRunFailedError


def _unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


async def test_scorer_scenario_and_benchmark_async(local_async_sdk: AsyncRunloopSDK) -> None:
    sdk = local_async_sdk
    scorer = await sdk.scorer.create(type=_unique("greeting"), bash_script='echo "1.0"')
    await scorer.update(bash_script="test -f /home/user/greeting && echo 1.0 || echo 0.0")
    assert (await scorer.validate(scoring_context={})).scoring_result.score == 0.0
    kind = (await scorer.get_info()).type

    scenarios = [
        await sdk.scenario.create(
            name=_unique(f"greet-{i}"),
            problem_statement="write /home/user/greeting",
            scoring_functions=[
                {
                    "name": "greeting",
                    "weight": 1.0,
                    "scorer": {"type": "custom_scorer", "custom_scorer_type": kind},
                }
            ],
        )
        for i in range(2)
    ]
    assert {s.id for s in await sdk.scenario.list(search="greet-")} >= {s.id for s in scenarios}

    run = await scenarios[0].run(run_name="async-run")
    assert isinstance(run.devbox, AsyncDevbox)
    await run.devbox.cmd.exec("echo hi > /home/user/greeting")
    assert (await run.score_and_await()).state == "scored"
    view = await run.complete()
    assert view.state == "completed" and view.scoring_contract_result is not None
    assert view.scoring_contract_result.score == 1.0

    benchmark = await sdk.benchmark.create(name=_unique("greetings"), scenarios=scenarios)
    bench_run = await benchmark.run(run_name="async-bench")
    started = [scenario_run async for scenario_run in bench_run.stream_scenario_runs()]
    assert len(started) == 2 and all(isinstance(r, AsyncScenarioRun) for r in started)
    await asyncio.gather(*(r.await_env_ready() for r in started))
    await started[0].devbox.cmd.exec("echo hi > /home/user/greeting")
    await asyncio.gather(*(r.score_and_complete() for r in started))
    assert (await bench_run.await_completed()).score == pytest.approx(0.5)

    later = await scenarios[1].run_async(run_name="canceled")
    await later.await_env_ready()
    await later.cancel()
    with pytest.raises(ScenarioRunFailedError, match="is canceled"):
        await later.await_scored()
