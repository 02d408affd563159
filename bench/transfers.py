#!/usr/bin/env python3
"""File transfers and streamed exec output of the local engine beside their floors, in one run.

Prints MB/s (10^6 bytes a second) of:

- upload: a devbox file upload of ``--mb`` MB through the raw layer (``api.devboxes.upload_file``)
  and the SDK (``devbox.file.upload``), beside a bare Starlette endpoint served the way the
  engine is served (uvicorn, the engine's settings and listening socket) that streams the same
  multipart body, sent by the same sync httpx client, into a file;
- download: ``api.devboxes.download_file(...).write_to_file`` and ``devbox.file.download``, beside
  a bare Starlette ``FileResponse`` of the same file read by httpx in the same 1 MiB chunks;
- exec output: a command printing ``--mb`` MB in 1 KiB lines, read as a full result
  (``devbox.cmd.exec(cmd).stdout()``), through a line callback (``devbox.cmd.exec(cmd,
  stdout=...)``) and as the raw SSE stream (``api.devboxes.executions.stream_stdout_updates``),
  beside the floors: the same command through a sandbox's agent alone (no HTTP, no records) and
  in a plain shell into /dev/null;
- the peak client memory (RSS, in a separate process) of ``devbox.cmd.exec(cmd).stdout()`` for
  ``--mem-mb`` MB of output.

The engine (``runloop-local serve``) and the Starlette floor each run in a process of their own,
as a client of a real engine sees them; with ``--in-process`` both run in this process (a
``LocalEngine``, as the SDK embeds it) and share its interpreter, and so its GIL, with the client. Each figure is the best of ``--rounds`` rounds; the kinds are
measured in turns, so a loaded machine slows all of them alike.

Targets (issue 12): upload and download >= 0.8x the bare Starlette transfer; streamed output
(callbacks and raw SSE) >= 300 MB/s. Exits 1 when one is missed.

Usage: python bench/transfers.py [--mb MB] [--mem-mb MB] [--rounds N] [--only upload|download|output]
                                 [--in-process]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import httpx
import uvicorn
from load import EngineProcess, serve_engine  # bench/ is this script's folder, first on sys.path
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from runloop_api import RunloopAPI
from runloop_local import LocalEngine
from runloop_local.engine import listening_socket
from runloop_local.sandbox import SandboxSpec, start_sandbox
from runloop_sdk import RunloopSDK

TRANSFER_TARGET = 0.8
STREAM_TARGET = 300.0
CHUNK = 1024 * 1024
LINE = 1024
T = TypeVar("T")


def output_command(size: int) -> str:
    """A shell command printing ``size`` bytes in lines of :data:`LINE` bytes."""
    return f"yes \"$(head -c {LINE - 1} /dev/zero | tr '\\0' a)\" | head -c {size}"


def _floor_app(folder: Path, served: Path) -> Starlette:
    """A bare Starlette app: POST /upload streams its body into a file in ``folder``, GET
    /download answers ``served``."""
    stored = folder / "floor.bin"

    async def upload(request: Request) -> Response:
        with stored.open("wb") as out:
            async for chunk in request.stream():
                out.write(chunk)
        return Response(b"{}", media_type="application/json")

    async def download(request: Request) -> Response:
        response = FileResponse(served, media_type="application/octet-stream")
        response.chunk_size = CHUNK
        return response

    return Starlette(routes=[Route("/upload", upload, methods=["POST"]), Route("/download", download)])


def _serve_floor(folder: Path, served: Path) -> None:
    """Serves the floor app in this process until killed, printing its port first."""
    sock = listening_socket("127.0.0.1", 0)
    print(sock.getsockname()[1], flush=True)
    config = uvicorn.Config(
        _floor_app(folder, served), log_level="warning", access_log=False, proxy_headers=False, lifespan="on"
    )
    uvicorn.Server(config).run(sockets=[sock])


@contextlib.contextmanager
def _floor_process(folder: Path, served: Path) -> Iterator[str]:
    """The floor app served like the engine, by a process of its own."""
    args = [sys.executable, __file__, "--serve-floor", str(folder), str(served)]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        yield f"http://127.0.0.1:{int(proc.stdout.readline())}"
    finally:
        proc.terminate()
        proc.wait(30)


@contextlib.contextmanager
def _floor_server(folder: Path, served: Path) -> Iterator[str]:
    """The floor app served like the engine, by a thread of this process."""
    app = _floor_app(folder, served)
    sock = listening_socket("127.0.0.1", 0)
    config = uvicorn.Config(app, log_level="warning", access_log=False, proxy_headers=False, lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


@contextlib.contextmanager
def _agent_floor() -> Iterator[Callable[[str], int]]:
    """A sandbox served by an event loop of its own thread; each call runs a command there and
    returns how many stdout bytes its agent delivered."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()

    def run(coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, loop).result()

    with tempfile.TemporaryDirectory(prefix="transfers-floor-") as folder:
        sandbox = run(start_sandbox(SandboxSpec("dbx_floor", Path(folder) / "box")))

        async def once(command: str) -> int:
            count = 0

            def seen(data: bytes) -> None:
                nonlocal count
                count += len(data)

            handle = await sandbox.exec(command, on_stdout=seen, on_stderr=seen)
            await handle.wait()
            return count

        try:
            yield lambda command: run(once(command))
        finally:
            run(sandbox.stop())
            loop.call_soon_threadsafe(loop.stop)
            thread.join(10)
            loop.close()


@contextlib.contextmanager
def _engine(folder: Path, in_process: bool) -> Iterator[LocalEngine | EngineProcess]:
    """The engine: a ``LocalEngine`` in this process, or ``runloop-local serve`` in its own."""
    if in_process:
        with LocalEngine() as engine:
            yield engine
    else:
        with serve_engine(folder / "engine-data") as process:
            yield process


def _timed(call: Callable[[], object], size: int) -> float:
    """MB/s of one call that moves ``size`` bytes (written-back disk first, so one transfer's
    dirty pages do not slow the next)."""
    os.sync()
    started = time.perf_counter()
    call()
    return size / (time.perf_counter() - started) / 1e6


def _check(condition: bool, what: str) -> None:
    if not condition:
        raise SystemExit(f"benchmark broken: {what}")


def _memory_child(base_url: str, token: str, devbox_id: str, size: int) -> dict[str, float]:
    """Runs ``devbox.cmd.exec(cmd).stdout()`` in a new process; its RSS before and at peak (MiB)."""
    code = (
        "import json, sys\n"
        "from runloop_sdk import RunloopSDK\n"
        "sys.path.insert(0, sys.argv[5])\n"
        "from transfers import output_command, peak_rss_mib, rss_mib\n"
        "sdk = RunloopSDK(base_url=sys.argv[1], bearer_token=sys.argv[2])\n"
        "devbox = sdk.devbox.from_id(sys.argv[3])\n"
        "devbox.cmd.exec('true')\n"
        "before = rss_mib()\n"
        "text = devbox.cmd.exec(output_command(int(sys.argv[4]))).stdout()\n"
        "assert len(text) == int(sys.argv[4]), len(text)\n"
        "peak = peak_rss_mib()\n"
        "print(json.dumps({'before': before, 'peak': peak, 'after': rss_mib()}))\n"
    )
    args = [sys.executable, "-c", code, base_url, token, devbox_id, str(size), str(Path(__file__).parent)]
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    _check(done.returncode == 0, f"memory child failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def peak_rss_mib() -> float:
    """This process's peak resident memory, in MiB: VmHWM, its own since it started (ru_maxrss
    would also count its parent's, inherited through fork and kept across exec)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def rss_mib() -> float:
    """This process's resident memory now, in MiB."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def main() -> int:
    """Runs the benchmark and prints its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--mb", type=int, default=300, help="MB per transfer and per output")
    parser.add_argument("--mem-mb", type=int, default=270, help="MB of output for the memory figure")
    parser.add_argument("--rounds", type=int, default=3, help="rounds; the best of each is kept")
    parser.add_argument(
        "--only",
        choices=("upload", "download", "output"),
        help="measure this kind alone (and skip the memory figure)",
    )
    parser.add_argument(
        "--in-process",
        action="store_true",
        help="run the engine (a LocalEngine) and the floor server in this process",
    )
    parser.add_argument("--serve-floor", nargs=2, metavar=("FOLDER", "SERVED"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_floor:
        _serve_floor(Path(args.serve_floor[0]), Path(args.serve_floor[1]))
        return 0
    size: int = args.mb * 1_000_000
    command = output_command(size)
    best: dict[str, float] = {}

    def keep(name: str, rate: float) -> None:
        best[name] = max(best.get(name, 0.0), rate)

    with (
        tempfile.TemporaryDirectory(prefix="transfers-") as tmp,
        (_floor_server if args.in_process else _floor_process)(
            Path(tmp), Path(tmp) / "source.bin"
        ) as floor_url,
        _agent_floor() as agent,
        _engine(Path(tmp), args.in_process) as engine,
        RunloopAPI(base_url=engine.base_url, bearer_token=engine.token) as api,
        RunloopSDK(base_url=engine.base_url, bearer_token=engine.token) as sdk,
        httpx.Client(base_url=floor_url, timeout=120) as bare,
    ):
        folder = Path(tmp)
        source, copy = folder / "source.bin", folder / "copy.bin"
        with source.open("wb") as out:
            for _ in range(size // CHUNK):
                out.write(os.urandom(CHUNK))
            out.write(os.urandom(size % CHUNK))
        box = api.devboxes.create_and_await_running()
        devbox = sdk.devbox.from_id(box.id)

        def bare_upload() -> None:
            with source.open("rb") as handle:
                bare.post(
                    "/upload", files={"file": ("source.bin", handle)}, data={"path": "x"}
                ).raise_for_status()

        def bare_download() -> None:
            with bare.stream("GET", "/download") as response, copy.open("wb") as out:
                for chunk in response.iter_bytes(CHUNK):
                    out.write(chunk)

        def sse() -> int:
            started = api.devboxes.execute_async(box.id, command=command)
            count: int = 0
            with api.devboxes.executions.stream_stdout_updates(
                started.execution_id, devbox_id=box.id
            ) as events:
                for chunk in events:
                    count += len(chunk.output)
            return count

        def callbacks() -> int:
            count = 0

            def line(text: str) -> None:
                nonlocal count
                count += len(text) + 1

            devbox.cmd.exec(command, stdout=line)
            return min(count, size)  # the last line has no line break

        def shell() -> None:
            subprocess.run(["bash", "-c", f"{command} > /dev/null"], check=True)

        def raw_download() -> None:
            api.devboxes.download_file(box.id, path="r.bin").write_to_file(copy)

        def sdk_download() -> None:
            devbox.file.download("s.bin", copy)

        groups: list[list[tuple[str, Callable[[], object]]]] = [
            [
                ("upload, bare Starlette", bare_upload),
                ("upload, runloop_api", lambda: api.devboxes.upload_file(box.id, path="r.bin", file=source)),
                ("upload, SDK", lambda: devbox.file.upload("s.bin", source)),
            ],
            [
                ("download, bare Starlette", bare_download),
                ("download, runloop_api", raw_download),
                ("download, SDK", sdk_download),
            ],
            [
                ("output, shell > /dev/null", shell),
                ("output, sandbox agent", lambda: _check(agent(command) == size, "agent size")),
                ("output, raw SSE stream", lambda: _check(sse() == size, "SSE size")),
                ("output, SDK line callback", lambda: _check(callbacks() == size, "callback size")),
                (
                    "output, SDK full result",
                    lambda: _check(len(devbox.cmd.exec(command).stdout()) == size, "result size"),
                ),
            ],
        ]
        if args.only:
            groups = [g for g in groups if g[0][0].startswith(args.only)]
        if args.only == "download":  # the files the downloads read, put there untimed
            for name in ("r.bin", "s.bin"):
                api.devboxes.upload_file(box.id, path=name, file=source)
        for turn in range(args.rounds):
            for group in groups:
                # Each round starts each group with another kind, so none always goes first.
                for name, call in group[turn % len(group) :] + group[: turn % len(group)]:
                    keep(name, _timed(call, size))
                    if name.startswith("download"):  # checked after the clock stopped
                        _check(copy.read_bytes() == source.read_bytes(), f"{name}: bytes differ")
        memory = (
            None
            if args.only
            else _memory_child(engine.base_url, engine.token, box.id, args.mem_mb * 1_000_000)
        )
        api.devboxes.shutdown(box.id)

    where = "in this process" if args.in_process else "each in a process of its own"
    print(
        f"transfers benchmark: {args.mb} MB each, best of {args.rounds} rounds, one run; engine and floor {where}"
    )
    for name, rate in best.items():
        print(f"  {name:28} {rate:8.1f} MB/s")
    ok = True
    for kind in ("upload", "download"):
        if f"{kind}, bare Starlette" not in best:
            continue
        floor = best[f"{kind}, bare Starlette"]
        for via in ("runloop_api", "SDK"):
            ratio = best[f"{kind}, {via}"] / floor
            met = ratio >= TRANSFER_TARGET
            ok &= met
            print(
                f"{kind} via {via}: {ratio:.2f}x bare Starlette, target >= {TRANSFER_TARGET}x: {'PASS' if met else 'MISS'}"
            )
    shell_floor = best.get("output, shell > /dev/null", 0.0)
    for via in ("raw SSE stream", "SDK line callback", "SDK full result") if shell_floor else ():
        rate = best[f"output, {via}"]
        met = rate >= STREAM_TARGET
        ok &= met or via == "SDK full result"
        verdict = ("PASS" if met else "MISS") if via != "SDK full result" else "(no target)"
        print(
            f"output via {via}: {rate:.0f} MB/s = {rate / shell_floor:.2f}x the shell floor, "
            f"{rate / best['output, sandbox agent']:.2f}x the agent alone, "
            f"target >= {STREAM_TARGET:.0f} MB/s: {verdict}"
        )
    if memory is not None:
        print(
            f"exec full result of {args.mem_mb} MB: client RSS {memory['before']:.0f} MiB before, "
            f"peak {memory['peak']:.0f} MiB (+{memory['peak'] - memory['before']:.0f} MiB = "
            f"{(memory['peak'] - memory['before']) * 2**20 / (args.mem_mb * 1e6):.2f}x the output)"
        )
    print("targets met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
