#!/usr/bin/env python3
"""Schemathesis against a local engine, the long run: many cases per operation, every check.

Starts an engine (its own data folder), makes one running devbox that half of the schema-valid
cases of the devbox operations name (the others get generated ids, so 404s), runs schemathesis's
coverage, fuzzing and stateful phases over every operation the engine implements, and prints per
operation the cases sent, the answers' statuses and the failed checks, then the totals by check.
Exits 1 on any failed check or 5xx answer. ``tests/local/test_fuzz.py`` is the bounded CI run.

Usage: python bench/fuzz.py [--examples N] [--seed S] [--phases coverage,fuzzing,stateful]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tests.local._fuzz

from runloop_api import RunloopAPI
from runloop_local import LocalEngine
from tests.local._fuzz import EXCLUDED, fuzz_schema, run_fuzz


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=100, help="cases per operation (fuzzing phase)")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--phases", default="coverage,fuzzing,stateful")
    args = parser.parse_args()

    started = time.monotonic()
    with LocalEngine() as engine:
        with RunloopAPI(base_url=engine.base_url, bearer_token=engine.token) as api:
            devbox = api.devboxes.create_and_await_running(name="fuzz")
        schema = fuzz_schema(
            engine.base_url,
            engine.token,
            max_examples=args.examples,
            seed=args.seed,
            phases=args.phases.split(","),
            devbox_id=devbox.id,
        )
        report = run_fuzz(schema)
    elapsed = time.monotonic() - started

    print(f"{'operation':<78} {'cases':>6}  {'2xx':>5} {'4xx':>5} {'5xx':>4}  failed checks")
    for label, op in sorted(report.operations.items()):
        by_class = {k: sum(n for s, n in op.statuses.items() if s // 100 == k) for k in (2, 4, 5)}
        failed = ", ".join(f"{check} {n}" for check, n in sorted(op.failures.items())) or "-"
        print(f"{label:<78} {op.cases:>6}  {by_class[2]:>5} {by_class[4]:>5} {by_class[5]:>4}  {failed}")
    print()
    print(
        f"operations: {len(report.operations)} (not fuzzed: {', '.join(f'{k} ({v})' for k, v in EXCLUDED.items())})"
    )
    print(f"cases: {report.cases}, 5xx answers: {report.server_errors}, seconds: {elapsed:.0f}")
    by_check = report.failures_by_check
    print("failed checks: " + (", ".join(f"{c} {n}" for c, n in sorted(by_check.items())) or "none"))
    for line in report.failure_lines():
        print("  " + line[:600])
    for error in report.errors:
        print("run error: " + error[:600])
    return 1 if by_check or report.server_errors or report.errors else 0


if __name__ == "__main__":
    sys.exit(main())
