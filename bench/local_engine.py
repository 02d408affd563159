#!/usr/bin/env python3
"""Latency of the local engine, measured through the sync raw client against a real ``LocalEngine``.

Prints:

- exec round trip: ``api.devboxes.execute(id, command="echo hi", command_id=...)`` on a running
  devbox, answered with the finished result (p50, p95 over ``--execs`` calls);
- create -> running: ``api.devboxes.create()`` then the long-poll ``wait_for_status(running)``
  (p50, p95 over ``--creates`` devboxes, created one after another, each shut down after);
- 50 devboxes created concurrently (threads, one client each): total time until all run.

Targets: create -> running p50 <= 100 ms, exec p50 <= 5 ms. Exits 1 when a target is missed.

Usage: python bench/local_engine.py [--creates N] [--execs N] [--concurrent N] [--isolation auto|bwrap|none]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Literal, cast

from runloop_api import RunloopAPI
from runloop_local import LocalEngine

CREATE_TARGET_MS = 100.0
EXEC_TARGET_MS = 5.0


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def _create_running(api: RunloopAPI) -> tuple[str, float]:
    started = time.perf_counter()
    view = api.devboxes.create()
    running = api.devboxes.wait_for_status(view.id, statuses=["running", "failure"], timeout_seconds=30)
    elapsed = (time.perf_counter() - started) * 1000
    if running.status != "running":
        raise SystemExit(f"devbox {view.id} ended {running.status}: {running.failure_reason}")
    return view.id, elapsed


def main() -> int:
    """Runs the benchmark and prints its figures; returns 1 when a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--creates", type=int, default=30)
    parser.add_argument("--execs", type=int, default=300)
    parser.add_argument("--concurrent", type=int, default=50)
    parser.add_argument("--isolation", choices=["auto", "bwrap", "none"], default="auto")
    args = parser.parse_args()
    isolation = cast(Literal["auto", "bwrap", "none"], args.isolation)

    with (
        LocalEngine(isolation=isolation) as engine,
        RunloopAPI(base_url=engine.base_url, bearer_token=engine.token) as api,
    ):
        target, _ = _create_running(api)
        for _ in range(20):  # warm-up: connection, code paths
            api.devboxes.execute(target, command="echo hi", command_id=str(uuid.uuid4()))
        execs: list[float] = []
        for _ in range(args.execs):
            command_id = str(uuid.uuid4())
            started = time.perf_counter()
            result = api.devboxes.execute(target, command="echo hi", command_id=command_id)
            execs.append((time.perf_counter() - started) * 1000)
            if result.stdout != "hi\n" or result.status != "completed":
                raise SystemExit(f"unexpected result: {result}")
        api.devboxes.shutdown(target)

        creates: list[float] = []
        for _ in range(args.creates):
            id, ms = _create_running(api)
            creates.append(ms)
            api.devboxes.shutdown(id)

        def one(_: int) -> str:
            with RunloopAPI(base_url=engine.base_url, bearer_token=engine.token) as own:
                return _create_running(own)[0]

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.concurrent) as pool:
            many = list(pool.map(one, range(args.concurrent)))
        concurrent_s = time.perf_counter() - started
        for id in many:
            api.devboxes.shutdown(id)

    create_p50, exec_p50 = statistics.median(creates), statistics.median(execs)
    print(f"local engine benchmark (isolation={args.isolation})")
    print(
        f"create -> running   p50 {create_p50:7.1f} ms   p95 {_percentile(creates, 0.95):7.1f} ms"
        f"   (n={len(creates)}, target p50 <= {CREATE_TARGET_MS:.0f} ms)"
    )
    print(
        f"execute('echo hi')  p50 {exec_p50:7.2f} ms   p95 {_percentile(execs, 0.95):7.2f} ms"
        f"   (n={len(execs)}, target p50 <= {EXEC_TARGET_MS:.0f} ms)"
    )
    print(f"{args.concurrent} devboxes created concurrently: {concurrent_s:.2f} s until all running")
    ok = create_p50 <= CREATE_TARGET_MS and exec_p50 <= EXEC_TARGET_MS
    print("targets met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
