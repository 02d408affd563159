#!/usr/bin/env python3
"""Scenario runs on the local engine: what a run costs from start to completed, step by step.

Prints the p50 and max over ``--runs`` runs (one after another) of:

- ``start``: the startScenarioRun answer (the run recorded, its devbox booting);
- ``devbox_up``: start until its devbox is running;
- ``score``: a scoreScenarioRun answer with the result (a command scorer and a bash scorer);
- ``complete``: completeScenarioRun of a scored run (its devbox shut down);
- ``total``: start to completed.

Usage: python bench/scenario_runs.py [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import time
import uuid
from collections import defaultdict

from runloop_api import RunloopAPI
from runloop_local import LocalEngine

CONTRACT = {
    "scoring_function_parameters": [
        {"name": "file", "weight": 1.0, "scorer": {"type": "command_scorer", "command": "test -f ~/done"}},
        {"name": "script", "weight": 1.0, "scorer": {"type": "bash_script_scorer", "bash_script": "echo 1"}},
    ]
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    times: dict[str, list[float]] = defaultdict(list)
    with LocalEngine() as engine, RunloopAPI(base_url=engine.base_url, bearer_token=engine.token) as api:
        scenario = api.scenarios.create(
            name="bench", input_context={"problem_statement": "touch ~/done"}, scoring_contract=CONTRACT
        )
        for _ in range(args.runs):
            began = time.perf_counter()
            run = api.scenarios.start_run(scenario_id=scenario.id)
            times["start"].append(time.perf_counter() - began)
            api.devboxes.wait_for_status(run.devbox_id, statuses=["running"])
            times["devbox_up"].append(time.perf_counter() - began)
            api.devboxes.execute(run.devbox_id, command="touch ~/done", command_id=str(uuid.uuid4()))
            step = time.perf_counter()
            scored = api.scenarios.runs.score(run.id)
            times["score"].append(time.perf_counter() - step)
            assert scored.state == "scored" and scored.scoring_contract_result is not None
            assert scored.scoring_contract_result.score == 1.0
            step = time.perf_counter()
            done = api.scenarios.runs.complete(run.id)
            times["complete"].append(time.perf_counter() - step)
            assert done.state == "completed"
            times["total"].append(time.perf_counter() - began)
    print(f"{args.runs} scenario runs, one after another (ms):")
    for name, values in times.items():
        print(f"  {name:<10} p50 {statistics.median(values) * 1000:7.1f}   max {max(values) * 1000:7.1f}")


if __name__ == "__main__":
    main()
