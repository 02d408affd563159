#!/usr/bin/env python3
"""Latency of the sandbox runtime: starting a sandbox, and a trivial command through its agent.

For each isolation (``bwrap`` when installed, and ``none``) it prints p50/p95 of:

- ``start``: ``start_sandbox(spec)`` until it returns a usable sandbox (the agent answered);
- ``exec``: ``exec("echo hi")`` + ``wait()`` on a running sandbox;
- ``stop``: ``stop()`` until every process of the sandbox is gone.

Usage: python bench/sandbox.py [--starts N] [--execs N] [--isolation bwrap|none]
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from runloop_local.sandbox import Isolation, SandboxSpec, start_sandbox


def _ms(samples: list[float]) -> str:
    samples = sorted(samples)
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return f"p50 {statistics.median(samples) * 1000:6.2f} ms  p95 {p95 * 1000:6.2f} ms  (n={len(samples)})"


async def bench(isolation: Isolation, starts: int, execs: int, folder: Path) -> None:
    """Measures one isolation and prints its figures."""
    start_times, stop_times = [], []
    for i in range(starts):
        spec = SandboxSpec(f"dbx_{isolation}_{i}", folder / f"{isolation}_{i}", isolation=isolation)
        began = time.perf_counter()
        sandbox = await start_sandbox(spec)
        start_times.append(time.perf_counter() - began)
        began = time.perf_counter()
        await sandbox.stop()
        stop_times.append(time.perf_counter() - began)

    sandbox = await start_sandbox(SandboxSpec("dbx_exec", folder / f"{isolation}_exec", isolation=isolation))
    out = bytearray()
    exec_times = []
    try:
        for _ in range(execs):
            began = time.perf_counter()
            handle = await sandbox.exec("echo hi", on_stdout=out.extend, on_stderr=out.extend)
            await handle.wait()
            exec_times.append(time.perf_counter() - began)
    finally:
        await sandbox.stop()
    assert out == b"hi\n" * execs, "unexpected output"
    print(f"{isolation:5}  start  {_ms(start_times)}")
    print(f"{isolation:5}  exec   {_ms(exec_times)}")
    print(f"{isolation:5}  stop   {_ms(stop_times)}")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=50)
    parser.add_argument("--execs", type=int, default=500)
    parser.add_argument("--isolation", choices=["bwrap", "none"], action="append")
    args = parser.parse_args()
    default: list[Isolation] = ["bwrap", "none"] if shutil.which("bwrap") else ["none"]
    isolations: list[Isolation] = args.isolation or default
    with tempfile.TemporaryDirectory(prefix="sandbox-bench-") as folder:
        for isolation in isolations:
            await bench(isolation, args.starts, args.execs, Path(folder))


if __name__ == "__main__":
    asyncio.run(main())
