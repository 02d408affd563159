#!/usr/bin/env python3
"""Many held requests over one client: HTTP/1.1 against HTTP/2 (``http2=True``), in one run.

For each protocol, one ``AsyncRunloopAPI`` against the embedded engine runs:

- ``--long-polls`` (500) concurrent ``devboxes.wait_for_status(id, ["shutdown"])``, held until the
  devbox is shut down a second after they were sent; the time from the shutdown to the last answer;
- ``--streams`` (100) concurrent output streams (``stream_stdout_updates``) of commands printing
  ``--lines`` lines each, every line checked; the time from the first start to the last line;
- ``--execs`` sequential ``execute('echo hi')`` round trips (p50), for the latency of one request.

Connections: the client's (distinct connections its answers came over) and the engine's (the
most TCP connections established to its port at once, sampled from ``/proc/net/tcp``).

Usage: python bench/http2.py [--long-polls N] [--streams N] [--lines N] [--execs N]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from runloop_api import AsyncRunloopAPI
from runloop_local import LocalEngine


def established_to(port: int) -> int:
    """TCP connections established to ``port`` on this machine (the server's ends), from /proc."""
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        path = Path(table)
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            fields = line.split()
            local, state = fields[1], fields[3]
            if state == "01" and int(local.rsplit(":", 1)[1], 16) == port:
                count += 1
    return count


@dataclass
class Run:
    """What one protocol's run saw."""

    connections: set[int] = field(default_factory=set)
    versions: set[str] = field(default_factory=set)
    peak_server_connections: int = 0
    held: list[object] = field(default_factory=list)

    async def note(self, response: httpx.Response) -> None:
        stream = response.extensions["network_stream"]
        self.held.append(stream)  # a closed connection's id may be reused: keep them all
        self.connections.add(id(stream))
        self.versions.add(response.http_version)


async def _sample_peak(run: Run, port: int, stop: asyncio.Event) -> None:
    while not stop.is_set():
        run.peak_server_connections = max(run.peak_server_connections, established_to(port))
        await asyncio.sleep(0.05)


async def _long_polls(engine: LocalEngine, http2: bool, n: int) -> tuple[float, Run]:
    run = Run()
    port = int(engine.base_url.rsplit(":", 1)[1])
    async with AsyncRunloopAPI(base_url=engine.base_url, bearer_token=engine.token, http2=http2) as api:
        box = await api.devboxes.create_and_await_running(name="bench-long-polls")
        api.http_client.event_hooks = {"request": [], "response": [run.note]}
        stop = asyncio.Event()
        sampler = asyncio.ensure_future(_sample_peak(run, port, stop))
        waits = [
            asyncio.ensure_future(
                api.devboxes.wait_for_status(box.id, statuses=["shutdown"], timeout_seconds=30)
            )
            for _ in range(n)
        ]
        await asyncio.sleep(1.0)
        started = time.perf_counter()
        await api.devboxes.shutdown(box.id)
        views = await asyncio.gather(*waits)
        elapsed = time.perf_counter() - started
        stop.set()
        await sampler
    assert all(v.status == "shutdown" for v in views), "a long-poll answered another status"
    return elapsed, run


async def _streams(engine: LocalEngine, http2: bool, n: int, lines: int) -> tuple[float, Run]:
    run = Run()
    port = int(engine.base_url.rsplit(":", 1)[1])
    script = f"for i in $(seq 1 {lines}); do echo line-$i; done"
    expected = [f"line-{i}" for i in range(1, lines + 1)]
    async with AsyncRunloopAPI(base_url=engine.base_url, bearer_token=engine.token, http2=http2) as api:
        box = await api.devboxes.create_and_await_running(name="bench-streams")
        api.http_client.event_hooks = {"request": [], "response": [run.note]}
        stop = asyncio.Event()
        sampler = asyncio.ensure_future(_sample_peak(run, port, stop))

        async def one() -> list[str]:
            execution = await api.devboxes.execute_async(box.id, command=script)
            text = ""
            events = api.devboxes.executions.stream_stdout_updates(execution.execution_id, devbox_id=box.id)
            async for chunk in events:
                text += chunk.output
            return text.splitlines()

        started = time.perf_counter()
        outputs = await asyncio.gather(*(one() for _ in range(n)))
        elapsed = time.perf_counter() - started
        stop.set()
        await sampler
        await api.devboxes.shutdown(box.id)
    lost = sum(out != expected for out in outputs)
    assert lost == 0, f"{lost} of {n} streams lost or repeated lines"
    return elapsed, run


async def _execs(engine: LocalEngine, http2: bool, n: int) -> float:
    async with AsyncRunloopAPI(base_url=engine.base_url, bearer_token=engine.token, http2=http2) as api:
        box = await api.devboxes.create_and_await_running(name="bench-execs")
        samples = []
        for i in range(n + 20):
            started = time.perf_counter()
            await api.devboxes.execute(box.id, command="echo hi", command_id=uuid.uuid4().hex)
            if i >= 20:  # warm-up
                samples.append((time.perf_counter() - started) * 1000)
        await api.devboxes.shutdown(box.id)
    return statistics.median(samples)


def _row(name: str, protocol: str, seconds: float, run: Run) -> str:
    versions = "/".join(sorted(run.versions))
    return (
        f"{name:24} {protocol:8} {seconds:7.2f} s   client connections {len(run.connections):4}   "
        f"engine peak {run.peak_server_connections:4}   ({versions})"
    )


async def _main(args: argparse.Namespace) -> int:
    with LocalEngine() as engine:
        print(
            f"HTTP/2 benchmark: {args.long_polls} long-polls, {args.streams} streams of {args.lines} lines, one client"
        )
        execs: dict[str, float] = {}
        for protocol, http2 in (("HTTP/1.1", False), ("HTTP/2", True)):
            seconds, run = await _long_polls(engine, http2, args.long_polls)
            print(_row(f"{args.long_polls} long-polls", protocol, seconds, run), flush=True)
        for protocol, http2 in (("HTTP/1.1", False), ("HTTP/2", True)):
            seconds, run = await _streams(engine, http2, args.streams, args.lines)
            print(_row(f"{args.streams} output streams", protocol, seconds, run), flush=True)
        for _ in range(2):  # in turns, so the machine's load changes both alike
            for protocol, http2 in (("HTTP/1.1", False), ("HTTP/2", True)):
                execs.setdefault(protocol, 0.0)
                execs[protocol] += await _execs(engine, http2, args.execs // 2) / 2
        print(
            f"execute('echo hi') p50: HTTP/1.1 {execs['HTTP/1.1']:.2f} ms, HTTP/2 {execs['HTTP/2']:.2f} ms "
            f"({execs['HTTP/2'] / execs['HTTP/1.1']:.2f}x)"
        )
    return 0


def main() -> int:
    """Runs the benchmark and prints its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--long-polls", type=int, default=500)
    parser.add_argument("--streams", type=int, default=100)
    parser.add_argument("--lines", type=int, default=1000)
    parser.add_argument("--execs", type=int, default=400)
    return asyncio.run(_main(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
