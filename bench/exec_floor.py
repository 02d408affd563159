#!/usr/bin/env python3
"""Where the time of one ``execute('echo hi')`` goes: the engine beside its two floors, in one run.

Prints p50/p99 of:

- HTTP floor: a POST with a small JSON body to a bare Starlette endpoint served the way the engine
  is served (uvicorn with httptools, the same listening socket), through the same sync httpx client;
- the same endpoint served by the engine's server (uvicorn for HTTP/1.1, Hypercorn for HTTP/2 on
  the same port, ``runloop_local/http/server.py``), over HTTP/1.1 and HTTP/2: what the server
  choice costs each protocol;
- spawn floor: ``exec("echo hi")`` + ``wait()`` through a sandbox's agent alone (no HTTP, no records);
- the engine: ``api.devboxes.execute(id, command="echo hi")`` on a running devbox, over HTTP/1.1
  and, by a second client with ``http2=True``, over HTTP/2 (h2c with prior knowledge);
- the SDK: ``devbox.cmd.exec("echo hi")``.

The four are measured in turns (rounds of ``--batch`` calls each), so a shared machine's load
changes all of them alike and their ratios stay meaningful.

Target (issue 12): engine p50 <= 1.3x (HTTP floor + spawn floor), and p99 <= 2x its p50, over
HTTP/1.1 (the default; the floor is HTTP/1.1 too).
Exits 1 when missed.

Usage: python bench/exec_floor.py [--n N] [--batch B]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from runloop_api import RunloopAPI
from runloop_local import LocalEngine
from runloop_local.engine import listening_socket
from runloop_local.http.server import server_config
from runloop_local.sandbox import SandboxSpec, start_sandbox
from runloop_sdk import RunloopSDK

RATIO_TARGET = 1.3
TAIL_TARGET = 2.0
Call = Callable[[], object]


def _stats(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


@contextlib.contextmanager
def _http_floor(*, engine_server: bool = False, http2: bool = False) -> Iterator[Call]:
    """The bare endpoint, served by plain uvicorn or (``engine_server``) the engine's HTTP/1.1 +
    HTTP/2 server, called over HTTP/1.1 or (``http2``) HTTP/2 with prior knowledge."""

    async def endpoint(request: Request) -> JSONResponse:
        body = await request.json()
        return JSONResponse({"echo": body.get("command"), "status": "completed", "exit_status": 0})

    app = Starlette(routes=[Route("/x", endpoint, methods=["POST"])])
    sock = listening_socket("127.0.0.1", 0)
    config = (
        server_config(app)
        if engine_server
        else uvicorn.Config(app, log_level="warning", access_log=False, http="httptools")
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    url = f"http://127.0.0.1:{sock.getsockname()[1]}/x"
    try:
        with httpx.Client(http1=not http2, http2=http2) as client:
            yield lambda: client.post(url, json={"command": "echo hi", "command_id": str(uuid.uuid4())})
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


@contextlib.contextmanager
def _spawn_floor() -> Iterator[Call]:
    """A sandbox served by an event loop of its own thread; each call runs one ``echo`` there."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    out = bytearray()

    def run(coro: object) -> object:
        return asyncio.run_coroutine_threadsafe(coro, loop).result()  # type: ignore[arg-type]

    with tempfile.TemporaryDirectory(prefix="exec-floor-") as folder:
        sandbox = run(start_sandbox(SandboxSpec("dbx_floor", Path(folder) / "box")))

        async def once() -> None:
            handle = await sandbox.exec("echo hi", on_stdout=out.extend, on_stderr=out.extend)  # type: ignore[attr-defined]
            await handle.wait()

        try:
            yield lambda: run(once())
        finally:
            run(sandbox.stop())  # type: ignore[attr-defined]
            loop.call_soon_threadsafe(loop.stop)
            thread.join(10)
            loop.close()


def _measure(calls: dict[str, Call], n: int, batch: int) -> dict[str, list[float]]:
    samples: dict[str, list[float]] = {name: [] for name in calls}
    for call in calls.values():  # warm up
        for _ in range(min(50, n)):
            call()
    while any(len(s) < n for s in samples.values()):
        for name, call in calls.items():
            for _ in range(min(batch, n - len(samples[name]))):
                started = time.perf_counter()
                call()
                samples[name].append((time.perf_counter() - started) * 1000)
    return samples


def main() -> int:
    """Runs the benchmark and prints its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=500, help="calls of each kind")
    parser.add_argument("--batch", type=int, default=20, help="calls of one kind in a row")
    args = parser.parse_args()
    with (
        _http_floor() as http,
        _http_floor(engine_server=True) as http_dual,
        _http_floor(engine_server=True, http2=True) as http_dual_h2,
        _spawn_floor() as spawn,
        LocalEngine() as engine,
        RunloopAPI(base_url=engine.base_url, bearer_token=engine.token) as api,
        RunloopAPI(base_url=engine.base_url, bearer_token=engine.token, http2=True) as api2,
        RunloopSDK(base_url=engine.base_url, bearer_token=engine.token) as sdk,
    ):
        box = api.devboxes.create_and_await_running()
        devbox = sdk.devbox.from_id(box.id)
        samples = _measure(
            {
                "HTTP floor": http,
                "  engine server": http_dual,
                "  ... over h2": http_dual_h2,
                "spawn floor": spawn,
                "engine execute": lambda: api.devboxes.execute(
                    box.id, command="echo hi", command_id=str(uuid.uuid4())
                ),
                "engine exec h2": lambda: api2.devboxes.execute(
                    box.id, command="echo hi", command_id=str(uuid.uuid4())
                ),
                "SDK cmd.exec": lambda: devbox.cmd.exec("echo hi"),
            },
            args.n,
            args.batch,
        )
        api.devboxes.shutdown(box.id)
    floor = statistics.median(samples["HTTP floor"]) + statistics.median(samples["spawn floor"])
    print(f"exec floor benchmark (n={args.n} each, in turns of {args.batch}, one run)")
    for name, timed in samples.items():
        p50, p99 = _stats(timed)
        print(f"{name:15} p50 {p50:6.2f} ms  p99 {p99:6.2f} ms  ({p50 / floor:.2f}x the floors' sum)")
    p50, p99 = _stats(samples["engine execute"])
    ratio, tail = p50 / floor, p99 / p50
    print(
        f"engine execute: {ratio:.2f}x (HTTP floor + spawn floor), target <= {RATIO_TARGET}x; "
        f"p99/p50 {tail:.2f}, target <= {TAIL_TARGET}"
    )
    ok = ratio <= RATIO_TARGET and tail <= TAIL_TARGET
    print("targets met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
