#!/usr/bin/env python3
"""What resource limits cost a devbox's start: create -> running for each size asked for.

Prints create -> running p50 and p95 (``--creates`` devboxes per row, one after another, each
shut down after) for a devbox that asks for no size (the default, SMALL) and for ``X_SMALL``,
and how the engine enforces them (cgroup v1 / v2, or why not). Run it on a checkout before
resource limits (``PYTHONPATH=<old checkout> python bench/limits.py``) for the figures without
limits: an engine that ignores sizes gives the same rows. Then the default row again on an engine
whose devboxes get no disk image (what the per-devbox disk cap costs).

Usage: python bench/limits.py [--creates N] [--pause SECONDS]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from runloop_api import RunloopAPI
from runloop_local import LocalEngine


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def _create_running(api: RunloopAPI, launch: dict[str, Any] | None) -> float:
    started = time.perf_counter()
    view = api.devboxes.create(launch_parameters=launch)
    running = api.devboxes.wait_for_status(view.id, statuses=["running", "failure"], timeout_seconds=30)
    elapsed = (time.perf_counter() - started) * 1000
    if running.status != "running":
        raise SystemExit(f"devbox {view.id} ended {running.status}: {running.failure_reason}")
    api.devboxes.shutdown(view.id)
    return elapsed


def main() -> None:
    """Runs the benchmark and prints its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--creates", type=int, default=30)
    parser.add_argument(
        "--pause",
        type=float,
        default=0.0,
        help="seconds between a shutdown and the next create (0: back to back, so the previous "
        "devbox's clean-up overlaps the next start)",
    )
    args = parser.parse_args()
    try:
        from runloop_local.sandbox import cgroups

        found = cgroups.layout()
        how = found if isinstance(found, str) else f"cgroup v{found.version}"
    except ImportError:
        how = "no resource limits (a checkout before them)"
    try:
        from runloop_local.sandbox import disk_images

        disks: str | None = disk_images.probe()
    except ImportError:
        disks = "no disk caps (a checkout before them)"
    print(f"devbox resource limits: {how}; disk: {disks or 'ext4 image per devbox'}")
    rows = {"default (SMALL)": None, "X_SMALL": {"resource_size_request": "X_SMALL"}}
    _rows(rows, args.creates, args.pause)
    if disks is None:
        _disk_costs(args.creates)
        # The same engine with the disk part switched off (its probe says no), for the difference.
        disk_images.probe = lambda: "switched off by the benchmark"
        _rows({"SMALL, no disk image": None}, args.creates, args.pause)


def _disk_costs(count: int) -> None:
    """Making and mounting a 4 GiB disk image, and unmounting and deleting it, on their own."""
    from runloop_local.sandbox import disk_images

    made, removed = [], []
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp).resolve()
        for n in range(count):
            image, target = base / f"{n}.img", base / f"mnt{n}"
            started = time.perf_counter()
            disk_images.attach(image, target, 4 * 2**30)
            made.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            disk_images.detach(target)
            image.unlink()
            removed.append((time.perf_counter() - started) * 1000)
    print(
        f"disk image: make + mount p50 {statistics.median(made):.1f} ms, "
        f"unmount + delete p50 {statistics.median(removed):.1f} ms (n={count})"
    )


def _rows(rows: dict[str, dict[str, Any] | None], creates: int, pause: float) -> None:
    with (
        LocalEngine() as engine,
        RunloopAPI(base_url=engine.base_url, bearer_token=engine.token) as api,
    ):
        _create_running(api, None)  # warm-up
        for name, launch in rows.items():
            samples = []
            for _ in range(creates):
                time.sleep(pause)
                samples.append(_create_running(api, launch))
            print(
                f"create -> running, {name:20s} p50 {statistics.median(samples):6.1f} ms"
                f"   p95 {_percentile(samples, 0.95):6.1f} ms   (n={len(samples)})"
            )


if __name__ == "__main__":
    main()
