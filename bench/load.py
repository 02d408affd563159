#!/usr/bin/env python3
"""Load on the local engine through the async SDK: many devboxes, many execs, idle cost, long logs.

The engine runs as ``runloop-local serve`` in a subprocess, so its CPU and RSS (read from
``/proc/<pid>``) are its own and not the client's. In one run it prints:

1. fan-out: ``--devboxes`` devboxes created, then ``--execs`` concurrent ``devbox.cmd.exec``
   spread over them (each echoes its own number, checked): p50, p99, execs/s, engine RSS;
2. one devbox: ``--callers`` callers running ``cmd.exec("echo hi")`` in a loop on ONE devbox for
   ``--seconds``, beside the sandbox-alone floor (the same callers doing ``exec("echo hi")`` +
   ``wait()`` through a sandbox's agent in this process, no HTTP, no records; measured in turns
   with the engine so a shared machine's load changes both alike); also the client's and the
   engine's CPU per exec and the TCP connections the client opened (``--compare-httpx-pool``:
   also through httpx's own pool, as the raw client was before its transport);
3. logs: that devbox topped up to ``--log-execs`` executions (two log lines each), then its log
   listed (over plain HTTP, and through the SDK) while ``echo hi`` execs are sent to it one
   after the other: how long the listing takes and how long an exec waits meanwhile;
4. idle: ``--idle-devboxes`` devboxes running and idle, engine CPU over ``--idle-seconds``.

Targets (issue 12), printed PASS/MISS: execs/s on one devbox >= 0.5x the sandbox-alone floor;
idle engine CPU < 1% at 300 devboxes; an exec sent while the long log is listed waits no longer
than ``LOG_WAIT_TARGET_MS``. Every exec must succeed with its output, or the run fails.

Usage: python bench/load.py [--devboxes N] [--execs N] [--callers N] [--seconds S]
                            [--log-execs N] [--idle-devboxes N] [--idle-seconds S]
                            [--only fanout|one|logs|idle ...]
Exit status 0 when every exec succeeded and every target was met.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from runloop_local.sandbox import SandboxSpec, start_sandbox
from runloop_sdk import AsyncDevbox, AsyncRunloopSDK

FLOOR_RATIO_TARGET = 0.5
IDLE_CPU_TARGET_PERCENT = 1.0
LOG_WAIT_TARGET_MS = 100.0
"""An exec sent while a 20k-line log is listed may wait at most this long (its p50 alone is a few ms)."""
CREATE_PARALLEL = 16
"""Creates at once: a create is mostly the engine starting a sandbox, which two cores do not parallelise."""
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


# --- /proc readings (Linux) ----------------------------------------------------------------


def cpu_seconds(stat_line: str) -> float:
    """User + system CPU seconds of a process, from the text of its ``/proc/<pid>/stat`` (pure)."""
    # The command name (field 2) may hold spaces and parentheses: fields are counted after its ')'.
    fields = stat_line[stat_line.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime: fields 14 and 15


def rss_bytes(status_text: str) -> int:
    """Resident set size from the text of ``/proc/<pid>/status`` (pure)."""
    found = re.search(r"^VmRSS:\s+(\d+) kB", status_text, re.MULTILINE)
    if found is None:
        raise ValueError("no VmRSS line (has the process ended?)")
    return int(found.group(1)) * 1024


def percentiles(samples_ms: list[float]) -> tuple[float, float]:
    """p50 and p99 (nearest rank) of latencies (pure)."""
    ordered = sorted(samples_ms)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def verdict(ok: bool) -> str:
    """PASS or MISS (pure)."""
    return "PASS" if ok else "MISS"


@dataclass
class EngineProcess:
    """A ``runloop-local serve`` subprocess and its /proc readings."""

    proc: subprocess.Popen[bytes]
    base_url: str
    token: str

    @property
    def port(self) -> int:
        """The port the engine listens on."""
        return int(self.base_url.rsplit(":", 1)[1])

    def cpu(self) -> float:
        """CPU seconds the engine has used so far (all its threads, not its sandboxes)."""
        return cpu_seconds(Path(f"/proc/{self.proc.pid}/stat").read_text())

    def rss_mib(self) -> float:
        """The engine's resident memory in MiB."""
        return rss_bytes(Path(f"/proc/{self.proc.pid}/status").read_text()) / 2**20


@contextlib.contextmanager
def serve_engine(data_dir: Path) -> Iterator[EngineProcess]:
    """Starts ``runloop-local serve`` on a free loopback port and stops it (SIGTERM) at the end."""
    token = "rl_local_load_bench"
    log = (data_dir.parent / "engine.log").open("wb")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "runloop_local",
            "serve",
            "--port",
            "0",
            "--token",
            token,
            "--data-dir",
            str(data_dir),
        ],
        stdout=subprocess.PIPE,
        stderr=log,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().decode()
        found = re.search(r"(http://\S+)", line)
        if found is None:
            raise RuntimeError(f"the engine did not start: {line!r} (see {log.name})")
        # What else it prints to stdout is three short lines: the pipe cannot fill.
        yield EngineProcess(proc, found.group(1), token)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(120)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


# --- load ------------------------------------------------------------------------------------


@dataclass
class Callers:
    """What concurrent callers measured: latencies (ms), wrong answers, and the time they took."""

    latencies: list[float] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    elapsed: float = 0.0

    @property
    def rate(self) -> float:
        """Calls per second."""
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0

    def add(self, other: Callers) -> None:
        """Adds another turn's figures to these."""
        self.latencies += other.latencies
        self.wrong += other.wrong
        self.elapsed += other.elapsed


async def run_callers(callers: int, seconds: float, call: Callable[[], Awaitable[str | None]]) -> Callers:
    """``callers`` tasks each calling ``call`` in a loop for ``seconds``; ``call`` returns what was wrong."""
    result = Callers()
    deadline = time.perf_counter() + seconds

    async def caller() -> None:
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            wrong = await call()
            result.latencies.append((time.perf_counter() - started) * 1000)
            if wrong is not None:
                result.wrong.append(wrong)

    started = time.perf_counter()
    await asyncio.gather(*(caller() for _ in range(callers)))
    result.elapsed = time.perf_counter() - started
    return result


EXECS_SENT: Counter[str] = Counter()
"""Execs sent per devbox id."""


async def exec_echo(devbox: AsyncDevbox, text: str) -> str | None:
    """Runs ``echo text`` on the devbox; None when it answered exit 0 and ``text``, else what it answered."""
    EXECS_SENT[devbox.id] += 1
    try:
        result = await devbox.cmd.exec(f"echo {text}")
        out = await result.stdout()
    except Exception as exc:  # every failure is counted and shown, none ends the run
        return f"{type(exc).__name__}: {exc}"
    return None if result.exit_code == 0 and out == f"{text}\n" else f"exit {result.exit_code}, {out!r}"


async def create_devboxes(sdk: AsyncRunloopSDK, count: int, prefix: str) -> list[AsyncDevbox]:
    """Creates ``count`` devboxes, ``CREATE_PARALLEL`` at a time, each waited until running."""
    gate = asyncio.Semaphore(CREATE_PARALLEL)

    async def one(index: int) -> AsyncDevbox:
        async with gate:
            return await sdk.devbox.create(name=f"{prefix}{index}")

    return list(await asyncio.gather(*(one(i) for i in range(count))))


async def fan_out(
    sdk: AsyncRunloopSDK, engine: EngineProcess, devboxes: list[AsyncDevbox], execs: int
) -> Callers:
    """``execs`` execs at once, exec ``i`` on devbox ``i % len(devboxes)``."""
    result = Callers()

    async def one(index: int) -> None:
        started = time.perf_counter()
        wrong = await exec_echo(devboxes[index % len(devboxes)], f"load-{index}")
        result.latencies.append((time.perf_counter() - started) * 1000)
        if wrong is not None:
            result.wrong.append(wrong)

    started = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(execs)))
    result.elapsed = time.perf_counter() - started
    return result


@contextlib.asynccontextmanager
async def floor_sandbox(folder: Path) -> AsyncIterator[Callable[[], Awaitable[str | None]]]:
    """A sandbox of this process (no engine): ``exec("echo hi")`` + ``wait()`` through its agent."""
    sandbox = await start_sandbox(SandboxSpec("dbx_load_floor", folder / "box"))

    async def once() -> str | None:
        out = bytearray()
        handle = await sandbox.exec("echo hi", on_stdout=out.extend, on_stderr=out.extend)
        code = await handle.wait()
        return None if code == 0 and bytes(out) == b"hi\n" else f"floor: exit {code}, {bytes(out)!r}"

    try:
        yield once
    finally:
        await sandbox.stop()


def print_callers(name: str, figures: Callers, extra: str = "") -> None:
    p50, p99 = percentiles(figures.latencies)
    print(
        f"  {name:28} {len(figures.latencies):6} calls  p50 {p50:7.2f} ms  p99 {p99:7.2f} ms  "
        f"{figures.rate:7.1f}/s{extra}"
    )


async def one_devbox(
    sdk: AsyncRunloopSDK, engine: EngineProcess, devbox: AsyncDevbox, args: argparse.Namespace, folder: Path
) -> tuple[Callers, bool]:
    """The engine's callers on one devbox beside the floor's, in turns; prints them; returns the engine's.

    With ``--compare-httpx-pool`` also through SDKs on httpx's own pool (20 and 100 kept
    connections), the raw client's pool before ``runloop_api``'s transport.
    """
    kinds: dict[str, AsyncDevbox] = {"engine via AsyncRunloopSDK": devbox}
    stock: list[AsyncRunloopSDK] = []
    if args.compare_httpx_pool:
        for kept in (20, 100):
            limits = httpx.Limits(max_connections=100, max_keepalive_connections=kept)
            other = AsyncRunloopSDK(
                bearer_token=engine.token,
                base_url=engine.base_url,
                http_client=httpx.AsyncClient(limits=limits),
            )
            stock.append(other)
            kinds[f"  ... httpx pool, {kept} kept"] = other.devbox.from_id(devbox.id)
    figures = {name: Callers() for name in ["sandbox-alone floor", *kinds]}
    streams: dict[str, set[object]] = {name: set() for name in kinds}
    for name, client in zip(kinds, [sdk, *stock], strict=True):
        client.api.http_client.event_hooks = {"request": [], "response": [_stream_noter(streams[name])]}
    client_cpu = dict.fromkeys(kinds, 0.0)
    engine_cpu = dict.fromkeys(kinds, 0.0)
    turns = 2
    async with floor_sandbox(folder) as floor_call:
        await run_callers(args.callers, 0.5, floor_call)  # warm up each
        for box in kinds.values():
            await run_callers(args.callers, 0.5, functools.partial(exec_echo, box, "hi"))
        for _ in range(turns):
            figures["sandbox-alone floor"].add(
                await run_callers(args.callers, args.seconds / turns, floor_call)
            )
            for name, box in kinds.items():
                before = (time.process_time(), engine.cpu())
                figures[name].add(
                    await run_callers(
                        args.callers, args.seconds / turns, functools.partial(exec_echo, box, "hi")
                    )
                )
                client_cpu[name] += time.process_time() - before[0]
                engine_cpu[name] += engine.cpu() - before[1]
    for other in stock:
        await other.api.http_client.aclose()
        await other.close()
    print(f"one devbox, {args.callers} callers, {args.seconds:g} s each, in {turns} turns:")
    print_callers("sandbox-alone floor", figures["sandbox-alone floor"])
    for name in kinds:
        count = len(figures[name].latencies) or 1
        print_callers(
            name,
            figures[name],
            f"  client CPU {client_cpu[name] / count * 1000:.2f} ms/exec, engine CPU "
            f"{engine_cpu[name] / count * 1000:.2f} ms/exec, {len(streams[name])} connections opened",
        )
    engine_figures, floor_figures = figures["engine via AsyncRunloopSDK"], figures["sandbox-alone floor"]
    ratio = engine_figures.rate / floor_figures.rate
    ok = ratio >= FLOOR_RATIO_TARGET
    print(f"  execs/s on one devbox: {ratio:.2f}x the floor, target >= {FLOOR_RATIO_TARGET}x  {verdict(ok)}")
    wrong = [w for name in kinds for w in figures[name].wrong]
    engine_figures.wrong = wrong
    if floor_figures.wrong:
        print(f"  floor errors: {len(floor_figures.wrong)}, e.g. {floor_figures.wrong[:3]}")
    return engine_figures, ok


def _stream_noter(seen: set[object]) -> Callable[[httpx.Response], Awaitable[None]]:
    """A response hook that keeps each answer's connection (held, so no two are mistaken for one)."""

    async def note(response: httpx.Response) -> None:
        seen.add(response.extensions["network_stream"])

    return note


async def long_log(
    sdk: AsyncRunloopSDK, engine: EngineProcess, devbox: AsyncDevbox, args: argparse.Namespace
) -> tuple[list[str], bool]:
    """Tops the devbox up to ``--log-execs`` executions, then times its log beside execs sent meanwhile."""
    wrong: list[str] = []
    remaining = max(0, args.log_execs - EXECS_SENT[devbox.id])
    queue = iter(range(remaining))
    started = time.perf_counter()

    async def filler() -> None:
        for _ in queue:
            found = await exec_echo(devbox, "hi")
            if found is not None:
                wrong.append(found)

    await asyncio.gather(*(filler() for _ in range(args.callers)))
    fill_seconds = time.perf_counter() - started

    idle = [await _timed_exec(devbox, wrong) for _ in range(30)]
    url = f"{engine.base_url}/v1/devboxes/{devbox.id}/logs"
    headers = {"Authorization": f"Bearer {engine.token}"}
    listing: list[float] = []
    waits: list[float] = []
    lines = size = 0
    async with httpx.AsyncClient(timeout=120) as http:
        for _ in range(3):
            task = asyncio.ensure_future(http.get(url, headers=headers))
            began = time.perf_counter()
            while not task.done():
                waits.append(await _timed_exec(devbox, wrong))
            answer = task.result()
            listing.append((time.perf_counter() - began) * 1000)
            answer.raise_for_status()
            size = len(answer.content)
            lines = answer.content.count(b'"timestamp_ms"')
    began = time.perf_counter()
    sdk_lines = len(await devbox.logs())
    sdk_ms = (time.perf_counter() - began) * 1000
    idle_p50, _ = percentiles(idle)
    worst = max(waits) if waits else 0.0
    ok = worst <= LOG_WAIT_TARGET_MS and lines >= 2 * args.log_execs
    print(
        f"long log: one devbox with {args.log_execs} executions ({remaining} added in {fill_seconds:.1f} s)"
    )
    print(
        f"  GET logs: {lines} lines, {size / 2**20:.1f} MiB, {statistics.median(listing):.0f} ms "
        f"(median of {len(listing)}); SDK devbox.logs(): {sdk_lines} entries in {sdk_ms:.0f} ms"
    )
    print(
        f"  exec meanwhile: {len(waits)} sent, worst {worst:.1f} ms, p50 {statistics.median(waits) if waits else 0:.1f} ms "
        f"(p50 {idle_p50:.1f} ms with no listing); target worst <= {LOG_WAIT_TARGET_MS:g} ms  {verdict(ok)}"
    )
    return wrong, ok


async def _timed_exec(devbox: AsyncDevbox, wrong: list[str]) -> float:
    started = time.perf_counter()
    found = await exec_echo(devbox, "hi")
    if found is not None:
        wrong.append(found)
    return (time.perf_counter() - started) * 1000


async def idle_cost(
    sdk: AsyncRunloopSDK, engine: EngineProcess, running: int, args: argparse.Namespace
) -> tuple[list[AsyncDevbox], bool]:
    """Adds devboxes up to ``--idle-devboxes`` and measures the engine's CPU while they idle."""
    started = time.perf_counter()
    more = await create_devboxes(sdk, max(0, args.idle_devboxes - running), "idle-")
    created = time.perf_counter() - started
    await asyncio.sleep(2)  # let the creates' after-work settle
    wall, cpu = time.perf_counter(), engine.cpu()
    await asyncio.sleep(args.idle_seconds)
    percent = (engine.cpu() - cpu) / (time.perf_counter() - wall) * 100
    ok = percent < IDLE_CPU_TARGET_PERCENT
    print(f"idle: {running + len(more)} running devboxes ({len(more)} created in {created:.1f} s)")
    print(
        f"  engine CPU over {args.idle_seconds:g} s: {percent:.2f}%, target < {IDLE_CPU_TARGET_PERCENT:g}%  "
        f"{verdict(ok)};  engine RSS {engine.rss_mib():.0f} MiB"
    )
    return more, ok


PARTS = ("fanout", "one", "logs", "idle")
"""The parts of the run, in order; ``--only`` picks some of them."""


async def bench(args: argparse.Namespace, engine: EngineProcess, folder: Path) -> int:
    parts = set(args.only or PARTS)
    wrong: list[str] = []
    ok = True
    async with AsyncRunloopSDK(bearer_token=engine.token, base_url=engine.base_url) as sdk:
        rss_start = engine.rss_mib()
        started = time.perf_counter()
        count = args.devboxes if parts & {"fanout", "idle"} else 1
        devboxes = await create_devboxes(sdk, count, "load-")
        created = time.perf_counter() - started
        if "fanout" in parts:
            fan = await fan_out(sdk, engine, devboxes, args.execs)
            print(
                f"fan-out: {args.devboxes} devboxes created in {created:.1f} s; {args.execs} concurrent execs over them; "
                f"engine RSS {rss_start:.0f} MiB at start, {engine.rss_mib():.0f} MiB now"
            )
            print_callers("execs (all at once)", fan)
            wrong += fan.wrong
        target = devboxes[0]
        if "one" in parts:
            one, floor_ok = await one_devbox(sdk, engine, target, args, folder)
            wrong += one.wrong
            ok = ok and floor_ok
        if "logs" in parts:
            log_wrong, log_ok = await long_log(sdk, engine, target, args)
            wrong += log_wrong
            ok = ok and log_ok
        if "idle" in parts:
            _, idle_ok = await idle_cost(sdk, engine, len(devboxes), args)
            ok = ok and idle_ok
    print(f"errors or wrong answers: {len(wrong)}" + (f", e.g. {wrong[:3]}" if wrong else ""))
    return 0 if not wrong and ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--devboxes", type=int, default=100, help="devboxes of the fan-out (default 100)")
    parser.add_argument("--execs", type=int, default=1000, help="concurrent execs over them (default 1000)")
    parser.add_argument(
        "--callers", type=int, default=64, help="concurrent callers on one devbox (default 64)"
    )
    parser.add_argument(
        "--seconds", type=float, default=10.0, help="of the one-devbox callers and of the floor"
    )
    parser.add_argument("--log-execs", type=int, default=10000, help="executions of the long-log devbox")
    parser.add_argument(
        "--idle-devboxes", type=int, default=300, help="running devboxes while idle (default 300)"
    )
    parser.add_argument(
        "--idle-seconds", type=float, default=10.0, help="of idle CPU measurement (default 10)"
    )
    parser.add_argument(
        "--compare-httpx-pool",
        action="store_true",
        help="on one devbox, also through httpx's own pool (the raw client's before its transport)",
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=PARTS,
        help="run only this part (repeatable; default all): fanout, one (devbox), logs, idle",
    )
    args = parser.parse_args()
    if min(args.devboxes, args.execs, args.callers, args.idle_devboxes) < 1 or args.seconds <= 0:
        parser.error("counts must be at least 1 and --seconds positive")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="load-bench-") as tmp, serve_engine(Path(tmp) / "data") as engine:
        print(f"engine: runloop-local serve, pid {engine.proc.pid}, {engine.base_url}")
        status = asyncio.run(bench(args, engine, Path(tmp)))
    print(f"run took {time.perf_counter() - started:.0f} s")
    return status


if __name__ == "__main__":
    sys.exit(main())
