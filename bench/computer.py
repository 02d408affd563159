#!/usr/bin/env python3
"""Computers on the local engine: how fast a desktop is up, what each interaction costs, and its memory.

Prints, for ``--computers`` desktops of 1280 x 800 made one after another:

- ``ready``: create until the first screenshot is answered (the desktop is up);
- p50 of ``mouse_move`` (with its screenshot), ``type`` of 20 characters, ``screenshot`` and
  ``cursor_position``;
- the resident memory (RSS) of each desktop's processes, read in the devbox with ``ps``.

Usage: python bench/computer.py [--computers N] [--rounds N]
"""

from __future__ import annotations

import argparse
import functools
import statistics
import time
from collections import defaultdict
from collections.abc import Callable

from runloop_local import LocalEngine
from runloop_sdk import RunloopSDK


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--computers", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    times: dict[str, list[float]] = defaultdict(list)
    with LocalEngine() as engine, RunloopSDK(base_url=engine.base_url, bearer_token=engine.token) as sdk:
        computers = []
        for _ in range(args.computers):
            start = time.perf_counter()
            computer = sdk.computer.create(display_width=1280, display_height=800)
            computer.screenshot()
            times["ready"].append(time.perf_counter() - start)
            computers.append(computer)
        for computer in computers:
            for n in range(args.rounds):
                calls: dict[str, Callable[[], object]] = {
                    "mouse_move": functools.partial(computer.mouse, "mouse_move", x=100 + n, y=100),
                    "type 20 chars": functools.partial(computer.keyboard, "type", "abcdefghijklmnopqrst"),
                    "screenshot": computer.screenshot,
                    "cursor_position": computer.cursor_position,
                }
                for name, call in calls.items():
                    start = time.perf_counter()
                    call()
                    times[name].append(time.perf_counter() - start)
        for name, values in times.items():
            print(f"{name:16} p50 {statistics.median(values) * 1000:8.1f} ms   (n={len(values)})")
        for computer in computers:
            table = computer.devbox.cmd.exec("ps -o rss=,comm= -u user").stdout()
            rows = [line.split(None, 1) for line in table.splitlines() if line.strip()]
            desktop = {
                comm: int(rss) // 1024 for rss, comm in rows if comm in ("Xvfb", "openbox", "x11vnc", "xterm")
            }
            total = sum(int(rss) for rss, comm in rows if comm != "ps") // 1024
            print(f"{computer.id}: {total} MiB RSS in the devbox; desktop {desktop}")
            computer.devbox.shutdown()


if __name__ == "__main__":
    main()
