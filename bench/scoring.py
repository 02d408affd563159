#!/usr/bin/env python3
"""Scoring and agents on the local engine: what one scoring function, a validate and an agent mount cost.

Prints the p50 and p90 over ``--rounds`` of:

- one scoring function of each kind run by the engine's scoring runner in a running devbox
  (``command_scorer``, ``bash_script_scorer``, ``custom_scorer``, ``python_script_scorer``);
- a contract of 4 functions;
- ``validate`` of a custom scorer through the HTTP API (a devbox made, the script run, the devbox
  shut down);
- create until running of a devbox with an agent mounted from a storage object (a tgz), and of
  one without (the difference is the mount).

Usage: python bench/scoring.py [--rounds N]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import statistics
import tarfile
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx

from runloop_api import RunloopAPI
from runloop_api.types import AgentMount, DevboxCreateParameters
from runloop_local import LocalEngine
from runloop_local.devboxes.service import DevboxService


def _fn(name: str, **scorer: Any) -> dict[str, Any]:
    return {"name": name, "weight": 1.0, "scorer": scorer}


FUNCTIONS = {
    "command_scorer": _fn("c", type="command_scorer", command="test -d /tmp"),
    "bash_script_scorer": _fn("b", type="bash_script_scorer", bash_script="echo 0.5"),
    "custom_scorer": _fn("u", type="custom_scorer", custom_scorer_type="bench", scorer_params={"x": 1}),
    "python_script_scorer": _fn("p", type="python_script_scorer", python_script="print(1.0)"),
}


def _row(label: str, seconds: list[float]) -> None:
    ms = sorted(s * 1000 for s in seconds)
    p90 = ms[min(len(ms) - 1, int(len(ms) * 0.9))]
    print(f"{label:42s} p50 {statistics.median(ms):8.1f} ms   p90 {p90:8.1f} ms   (n={len(ms)})")


async def _timed(rounds: int, call: Callable[[], Awaitable[Any]]) -> list[float]:
    times = []
    for _ in range(rounds):
        began = time.perf_counter()
        await call()
        times.append(time.perf_counter() - began)
    return times


async def _runner(rounds: int) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-scoring-") as folder:
        service = DevboxService(Path(folder))
        await service.start()
        try:
            rec = await service.create(DevboxCreateParameters())
            await service.wait_for_status(rec.id, ["running"], 60)
            service.scorers.create("bench", 'echo "$RL_SCORER_CONTEXT" >/dev/null; echo 1')
            for kind, function in FUNCTIONS.items():

                async def one(function: dict[str, Any] = function) -> None:
                    result = await service.scoring.score_function(rec.id, function)
                    assert result["state"] == "complete", result

                _row(f"runner: one {kind}", await _timed(rounds, one))
            contract = {"scoring_function_parameters": [{**f, "name": k} for k, f in FUNCTIONS.items()]}

            async def whole() -> None:
                result = await service.scoring.score_contract(rec.id, contract)
                assert result["score"] == 0.875, result

            _row("runner: contract of 4 functions", await _timed(rounds, whole))
        finally:
            await service.close()


def _tgz() -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        data = b"echo agent\n" * 1000
        info = tarfile.TarInfo("bin/agent.sh")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _http(rounds: int) -> None:
    with LocalEngine() as engine, RunloopAPI(base_url=engine.base_url, bearer_token=engine.token) as api:
        scorer = api.scenarios.scorers.create(type="bench", bash_script="echo 1")
        times = []
        for _ in range(rounds):
            began = time.perf_counter()
            assert api.scenarios.scorers.validate(scorer.id, scoring_context={}).scoring_result.score == 1.0
            times.append(time.perf_counter() - began)
        _row("HTTP: validate (devbox made, run, shut down)", times)
        obj = api.objects.create(name="agent.tgz", content_type="tgz")
        assert obj.upload_url is not None
        httpx.put(obj.upload_url, content=_tgz()).raise_for_status()
        api.objects.complete(obj.id)
        agent = api.agents.create(name="bench", source={"type": "object", "object": {"object_id": obj.id}})
        for label, mounts in (("without a mount", []), ("with an object agent", [agent.id])):
            times = []
            for _ in range(rounds):
                began = time.perf_counter()
                box = api.devboxes.create_and_await_running(
                    mounts=[AgentMount(type="agent_mount", agent_id=a, agent_name=None) for a in mounts]
                )
                times.append(time.perf_counter() - began)
                assert box.status == "running"
                api.devboxes.shutdown(box.id)
            _row(f"HTTP: devbox to running, {label}", times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    asyncio.run(_runner(args.rounds))
    _http(args.rounds)


if __name__ == "__main__":
    main()
