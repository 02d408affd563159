#!/usr/bin/env python3
"""Tunnels of the local engine beside their floor (the devbox's port reached directly), in one run.

A devbox runs the tunnel tests' server (``tests/local/_tunnel_server.py``: stdlib
``ThreadingHTTPServer``, HTTP/1.1 keep-alive, a hand-written websocket echo). Devboxes share
the host's network here, so the same server is reached both through its tunnel URL and directly
at ``127.0.0.1:{port}``, by the same httpx / websockets clients, which run in a process of
their own (the engine runs in this one, so it does not share its interpreter with them). Prints:

- download: ``GET /big?n=`` of ``--mb`` MB read with ``iter_raw`` (MB/s, 10^6 bytes a second);
- upload: ``POST /digest`` of ``--mb`` MB sent chunked from a generator (the server hashes it);
- request round trip: p50 / p99 of ``GET /headers`` on one kept-alive connection;
- websocket round trip: p50 / p99 of a 100-byte echo;
- the peak of memory Python allocated in this process (tracemalloc: the engine) while ``--mb``
  MB went down and ``--mb`` MB up through the tunnel: bodies stream, none is held whole.

Each throughput is the best of ``--rounds`` rounds, direct and tunnel taken in turns.

Usage: python bench/tunnel.py [--mb MB] [--rounds N] [--requests N]
"""

from __future__ import annotations

import argparse
import multiprocessing
import socket
import statistics
import time
import tracemalloc
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import httpx
from websockets.sync.client import connect as ws_connect

from runloop_local import LocalEngine
from runloop_sdk import Devbox, RunloopSDK

SERVER = Path(__file__).resolve().parent.parent / "tests" / "local" / "_tunnel_server.py"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(devbox: Devbox) -> tuple[str, str]:
    """Starts the server in the devbox; (direct URL, tunnel URL) once it answers."""
    port = free_port()
    devbox.file.write("server.py", SERVER.read_text())
    devbox.cmd.exec_async(f"exec python3 ~/server.py {port}")
    url = devbox.net.tunnel_url(port)
    assert url is not None
    deadline = time.monotonic() + 20
    while httpx.get(url + "/headers").status_code != 200:
        if time.monotonic() > deadline:
            raise RuntimeError("the server in the devbox did not start")
        time.sleep(0.05)
    return f"http://127.0.0.1:{port}", url


def download(base: str, size: int) -> float:
    started = time.perf_counter()
    got = 0
    with httpx.stream("GET", f"{base}/big?n={size}", timeout=120) as response:
        for chunk in response.iter_raw():
            got += len(chunk)
    assert got == size
    return size / (time.perf_counter() - started) / 1e6


def upload(base: str, size: int) -> float:
    block = bytes(range(256)) * 1024  # 256 KiB

    def body() -> Iterator[bytes]:
        left = size
        while left:
            part = block[: min(left, len(block))]
            left -= len(part)
            yield part

    started = time.perf_counter()
    answer = httpx.post(f"{base}/digest", content=body(), timeout=120).json()
    assert answer["length"] == size
    return size / (time.perf_counter() - started) / 1e6


def request_times(base: str, count: int) -> list[float]:
    times = []
    with httpx.Client(base_url=base) as client:
        client.get("/headers")
        for _ in range(count):
            started = time.perf_counter()
            client.get("/headers")
            times.append(time.perf_counter() - started)
    return times


def websocket_times(base: str, count: int) -> list[float]:
    times = []
    with ws_connect(base.replace("http://", "ws://") + "/ws") as ws:
        message = "x" * 100
        for _ in range(count):
            started = time.perf_counter()
            ws.send(message)
            ws.recv(timeout=10)
            times.append(time.perf_counter() - started)
    return times


def pct(times: list[float], q: float) -> float:
    return sorted(times)[min(len(times) - 1, int(q * len(times)))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--mb", type=int, default=300, help="MB per transfer (default 300)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per throughput figure (default 3)")
    parser.add_argument("--requests", type=int, default=1000, help="round trips per latency figure")
    args = parser.parse_args()
    size = args.mb * 1_000_000

    with (
        ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as client,
        LocalEngine() as engine,
        RunloopSDK(base_url=engine.base_url, bearer_token=engine.token) as sdk,
        sdk.devbox.create(name="bench-tunnel", tunnel={}) as devbox,
    ):
        direct, tunnel = start_server(devbox)
        print(f"devbox server direct at {direct}, through the tunnel at {tunnel}\n")
        rows: list[tuple[str, str, str, str]] = []
        for name, measure in (("download", download), ("upload", upload)):
            floor = through = 0.0
            for _ in range(args.rounds):  # in turns: a loaded machine slows both alike
                floor = max(floor, client.submit(measure, direct, size).result())
                through = max(through, client.submit(measure, tunnel, size).result())
            rows.append(
                (
                    f"{name} of {args.mb} MB",
                    f"{floor:,.0f} MB/s",
                    f"{through:,.0f} MB/s",
                    f"{through / floor:.2f}x",
                )
            )
        for name, timing in (
            ("GET /headers round trip", request_times),
            ("websocket echo", websocket_times),
        ):
            floor_t = client.submit(timing, direct, args.requests).result()
            tunnel_t = client.submit(timing, tunnel, args.requests).result()
            rows.append(
                (
                    f"{name} p50 / p99",
                    f"{pct(floor_t, 0.5):.2f} / {pct(floor_t, 0.99):.2f} ms",
                    f"{pct(tunnel_t, 0.5):.2f} / {pct(tunnel_t, 0.99):.2f} ms",
                    f"{statistics.median(tunnel_t) / statistics.median(floor_t):.2f}x",
                )
            )
        tracemalloc.start()
        client.submit(download, tunnel, size).result()
        client.submit(upload, tunnel, size).result()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()

    width = max(len(r[0]) for r in rows)
    print(f"{'':{width}}  {'direct':>22}  {'through the tunnel':>22}  ratio")
    for label, floor_s, tunnel_s, ratio in rows:
        print(f"{label:{width}}  {floor_s:>22}  {tunnel_s:>22}  {ratio}")
    print(
        f"\npeak memory allocated by the engine (tracemalloc) while {args.mb} MB went down and "
        f"{args.mb} MB up through the tunnel: {peak / 2**20:.1f} MiB"
    )


if __name__ == "__main__":
    main()
