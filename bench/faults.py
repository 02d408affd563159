"""Whole SDK workflows through a proxy that resets or cuts 30% of connections, and what survives.

Starts an embedded local engine and a fault proxy (``tests/faults/proxy.py``) in front of it,
runs the workflows of ``tests/faults/workflows.py`` (half with ``RunloopSDK`` on threads, half
with ``AsyncRunloopSDK`` as tasks), then reads the engine directly and prints: workflows
completed, typed errors by class, untyped errors, wrong answers, streamed lines lost and
repeated, duplicate devboxes, devboxes left running, devboxes the client never learnt of.

Usage: python bench/faults.py [--workflows N] [--fault-rate R] [--parallel P] [--seed S] [--max-retries M]
Exit status 0 when every workflow completed and nothing was lost, repeated, duplicated or left.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # for tests.faults

from runloop_api import RunloopAPI
from runloop_local import LocalEngine
from runloop_sdk import AsyncRunloopSDK, PollingConfig, RunloopSDK
from tests.faults.proxy import FaultProxy
from tests.faults.workflows import (
    Tally,
    audit,
    run_async_workflow,
    run_sync_workflow,
    run_tasks,
    run_threads,
)

POLLING = PollingConfig(interval=0.2, max_attempts=None, timeout=120.0)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workflows", type=int, default=1000, help="workflows in all (default 1000)")
    parser.add_argument("--fault-rate", type=float, default=0.3, help="share of connections broken")
    parser.add_argument("--parallel", type=int, default=8, help="workflows at once, per SDK kind")
    parser.add_argument("--seed", type=int, default=12, help="seed of the proxy's fates")
    parser.add_argument(
        "--max-retries", type=int, default=6, help="the SDK's max_retries (default 6; the SDK's own is 2)"
    )
    args = parser.parse_args()
    if args.workflows < 1 or args.parallel < 1:
        parser.error("--workflows and --parallel must be at least 1")

    tally = Tally()
    prefix = "faults-"
    sync_count = args.workflows // 2
    async_count = args.workflows - sync_count
    started = time.monotonic()
    with (
        LocalEngine() as engine,
        FaultProxy(engine.base_url, fault_rate=args.fault_rate, seed=args.seed) as proxy,
    ):
        # Each workflow has a client of its own, as a process of its own would: its own connections.
        def sync_sdk() -> RunloopSDK:
            return RunloopSDK(
                bearer_token=engine.token,
                base_url=proxy.base_url,
                polling=POLLING,
                max_retries=args.max_retries,
            )

        def async_sdk() -> AsyncRunloopSDK:
            return AsyncRunloopSDK(
                bearer_token=engine.token,
                base_url=proxy.base_url,
                polling=POLLING,
                max_retries=args.max_retries,
            )

        run_threads(sync_count, args.parallel, lambda i: run_sync_workflow(sync_sdk, f"{prefix}s{i}", tally))
        asyncio.run(
            run_tasks(
                async_count, args.parallel, lambda i: run_async_workflow(async_sdk, f"{prefix}a{i}", tally)
            )
        )
        elapsed = time.monotonic() - started
        with RunloopAPI(bearer_token=engine.token, base_url=engine.base_url) as api:
            found = audit(api, prefix, tally)
        fates = dict(proxy.fates)

    print(
        f"workflows: {tally.workflows} in {elapsed:.0f} s (sync {sync_count}, async {async_count}; "
        f"fault rate {args.fault_rate}, max_retries {args.max_retries}, seed {args.seed})"
    )
    print(f"connections: {sum(fates.values())} ({', '.join(f'{k} {v}' for k, v in sorted(fates.items()))})")
    print(f"completed: {tally.completed}")
    print(f"typed errors: {sum(tally.typed_errors.values())} {dict(tally.typed_errors)}")
    print(f"untyped errors: {sum(tally.untyped_errors.values())} {dict(tally.untyped_errors)}")
    for call, count in tally.failed_calls.most_common():
        print(f"  {count} x {call}")
    for name, message in tally.examples.items():
        print(f"  e.g. {name}: {message}")
    print(f"wrong answers: {len(tally.wrong)} {tally.wrong[:5]}")
    print(f"streamed lines lost: {tally.lines_lost}, repeated: {tally.lines_repeated}")
    print(f"devboxes made: {found.devboxes}, known to the client: {len(tally.known)}")
    print(f"duplicate devboxes: {len(found.duplicates)} {found.duplicates[:5]}")
    print(f"left running: {len(found.left_running)} {found.left_running[:5]}")
    print(f"unknown to the client: {len(found.unknown)} {found.unknown[:5]}")
    clean = (
        tally.completed == tally.workflows
        and not (tally.wrong or tally.lines_lost or tally.lines_repeated)
        and not (found.duplicates or found.left_running or found.unknown)
    )
    return 0 if clean else 1


if __name__ == "__main__":
    sys.exit(main())
