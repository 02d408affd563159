#!/usr/bin/env python3
"""Costs of writable roots, measured in one run against real ``LocalEngine`` s.

Prints, for an engine whose devboxes have a writable root (needs root) beside one whose
devboxes see the host read-only:

- create -> running of a plain devbox, and of a devbox on a 3-layer image (a fork of a fork of a
  fork), p50 over ``--creates`` devboxes; target: the 3-layer one <= 1.5x the plain one;
- ``execute('echo hi')`` p50 on each kind of devbox; target: within 10% of the read-only root;
- ``snapshot_disk`` of a devbox holding ``--mb`` MB in ``--files`` files, and create -> running of
  a fork of it; target: snapshot < 2 s;
- a cold build and a cached rebuild of a 5-step Dockerfile (no network); target: rebuild < 1 s.

Usage: python bench/filesystem.py [--creates N] [--execs N] [--mb N] [--files N]
Exits 1 when a target is missed, 2 when writable roots are unavailable here.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import uuid

from runloop_api import RunloopAPI
from runloop_local import LocalEngine

LAYERED_TARGET = 1.5
EXEC_TARGET = 1.10
SNAPSHOT_TARGET_S = 2.0
REBUILD_TARGET_S = 1.0
FIVE_STEPS = """FROM base
ENV APP=/srv/app
WORKDIR /srv/app
RUN seq 100000 > numbers.txt
RUN python3 -c "import json; json.dump(list(range(10000)), open('data.json', 'w'))"
RUN useradd -m builder && chown -R builder /srv/app
RUN sha256sum numbers.txt data.json > sums.txt
"""


def _build_seconds(api: RunloopAPI, name: str) -> float:
    started = time.perf_counter()
    view = api.blueprints.create(name=name, dockerfile=FIVE_STEPS)
    while view.status not in ("build_complete", "failed"):
        time.sleep(0.02)
        view = api.blueprints.retrieve(view.id)
    if view.status != "build_complete":
        raise SystemExit(
            f"the build failed: {[line.message for line in api.blueprints.logs(view.id).logs][-5:]}"
        )
    return time.perf_counter() - started


def _running(api: RunloopAPI, **params: object) -> tuple[str, float]:
    started = time.perf_counter()
    view = api.devboxes.create(**params)  # type: ignore[arg-type]
    done = api.devboxes.wait_for_status(view.id, statuses=["running", "failure"], timeout_seconds=30)
    if done.status != "running":
        raise SystemExit(f"devbox {view.id} ended {done.status}: {done.failure_reason}")
    return view.id, (time.perf_counter() - started) * 1000


def _creates(api: RunloopAPI, n: int, **params: object) -> float:
    samples = []
    for _ in range(n):
        id, ms = _running(api, **params)
        samples.append(ms)
        api.devboxes.shutdown(id)
    return statistics.median(samples)


def _exec_p50(api: RunloopAPI, devbox_id: str, n: int) -> float:
    for _ in range(20):
        api.devboxes.execute(devbox_id, command="echo hi", command_id=str(uuid.uuid4()))
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        api.devboxes.execute(devbox_id, command="echo hi", command_id=str(uuid.uuid4()))
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def _run(api: RunloopAPI, devbox_id: str, command: str) -> None:
    result = api.devboxes.execute(
        devbox_id, command=command, command_id=str(uuid.uuid4()), optimistic_timeout=25
    )
    if result.status != "completed" or result.exit_status != 0:
        raise SystemExit(f"{command!r} failed: {result.stderr}")


def main() -> int:
    """Runs the benchmark and prints its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--creates", type=int, default=20)
    parser.add_argument("--execs", type=int, default=300)
    parser.add_argument("--mb", type=int, default=200)
    parser.add_argument("--files", type=int, default=2000)
    args = parser.parse_args()
    with (
        LocalEngine() as engine,
        LocalEngine(writable_roots=False) as plain_engine,
        RunloopAPI(base_url=engine.base_url, bearer_token=engine.token) as api,
        RunloopAPI(base_url=plain_engine.base_url, bearer_token=plain_engine.token) as plain,
    ):
        if engine.writable_roots is not None:
            print(f"writable roots are unavailable here: {engine.writable_roots}")
            return 2
        # A 3-layer image: a snapshot of a fork of a fork.
        parent: dict[str, object] = {}
        for layer in range(3):
            id, _ = _running(api, **parent)
            _run(api, id, f"mkdir -p ~/layer{layer} && seq 1000 > ~/layer{layer}/data")
            parent = {"snapshot_id": api.devboxes.snapshot_disk(id).id}
            api.devboxes.shutdown(id)
        read_only_create = _creates(plain, args.creates)
        plain_create = _creates(api, args.creates)
        layered_create = _creates(api, args.creates, **parent)

        read_only_box, _ = _running(plain)
        box, _ = _running(api)
        read_only_exec = _exec_p50(plain, read_only_box, args.execs)
        rootfs_exec = _exec_p50(api, box, args.execs)

        size = args.mb * 1024 * 1024 // args.files
        _run(
            api,
            box,
            f"mkdir -p ~/data && for i in $(seq {args.files}); do head -c {size} /dev/urandom > ~/data/f$i; done",
        )
        started = time.perf_counter()
        snap = api.devboxes.snapshot_disk(box)
        snapshot_s = time.perf_counter() - started
        fork, fork_ms = _running(api, snapshot_id=snap.id)
        _run(api, fork, f"test $(ls ~/data | wc -l) = {args.files}")
        cold_s = _build_seconds(api, "five-steps")
        cached_s = _build_seconds(api, "five-steps")

    layered_ratio, exec_ratio = layered_create / plain_create, rootfs_exec / read_only_exec
    print("writable roots benchmark (one run, ratios within it)")
    print(f"create -> running, read-only root        p50 {read_only_create:7.1f} ms")
    print(f"create -> running, writable root         p50 {plain_create:7.1f} ms")
    print(
        f"create -> running, on a 3-layer image    p50 {layered_create:7.1f} ms"
        f"   {layered_ratio:.2f}x the writable root (target <= {LAYERED_TARGET}x)"
    )
    print(f"execute('echo hi'), read-only root       p50 {read_only_exec:7.2f} ms")
    print(
        f"execute('echo hi'), writable root        p50 {rootfs_exec:7.2f} ms"
        f"   {exec_ratio:.2f}x (target <= {EXEC_TARGET}x)"
    )
    print(
        f"snapshot_disk of {args.mb} MB in {args.files} files: {snapshot_s:.2f} s (target < {SNAPSHOT_TARGET_S} s);"
        f" a fork of it running in {fork_ms:.0f} ms"
    )
    print(
        f"a 5-step Dockerfile: cold build {cold_s:.2f} s, cached rebuild {cached_s:.2f} s"
        f" (target < {REBUILD_TARGET_S} s)"
    )
    ok = (
        layered_ratio <= LAYERED_TARGET
        and exec_ratio <= EXEC_TARGET
        and snapshot_s < SNAPSHOT_TARGET_S
        and cached_s < REBUILD_TARGET_S
    )
    print("targets met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
