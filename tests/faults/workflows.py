"""Whole SDK workflows run through a :class:`~tests.faults.proxy.FaultProxy`, and what they left.

One workflow: create a devbox, run a command, stream a command's 2,000 lines to a callback, write
and read a text file, upload and download bytes, snapshot the disk, store and read back an
object, shut the devbox down (the context manager). Each ends completed or with an error; the
:class:`Tally` counts both, checks every answer, and :func:`audit` then asks the engine itself
(not through the proxy) what the run left behind.
"""

from __future__ import annotations

import asyncio
import re
import tempfile
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from runloop_api import APIError, RunloopAPI, RunloopError
from runloop_sdk import AsyncRunloopSDK, RunloopSDK

__all__ = ["LINES", "Tally", "audit", "run_async_workflow", "run_sync_workflow"]

LINES = 2000
EXPECTED_LINES = [str(n) for n in range(1, LINES + 1)]
BLOB = bytes(range(256)) * 64  # 16 KiB of every byte value


@dataclass
class Tally:
    """What a fault run saw, counted across workflows (thread-safe).

    Attributes:
        completed: Workflows that ran to the end with every answer right.
        typed_errors: Workflows that raised a ``runloop_api`` / ``runloop_sdk`` error, by class.
        untyped_errors: Workflows that raised anything else (a leak of httpx, anyio, ...), by class.
        wrong: Answers that differed from what was written or printed (not line counts).
        lines_lost: Lines of the streamed command that the callback never got.
        lines_repeated: Lines the callback got more than once.
        known: Every devbox id the client learnt of.
        examples: One message per error class, to say what went wrong.
        failed_calls: The request each error came from (``Class METHOD path``, ids masked).
    """

    completed: int = 0
    typed_errors: Counter[str] = field(default_factory=Counter)
    untyped_errors: Counter[str] = field(default_factory=Counter)
    wrong: list[str] = field(default_factory=list)
    lines_lost: int = 0
    lines_repeated: int = 0
    known: set[str] = field(default_factory=set)
    examples: dict[str, str] = field(default_factory=dict)
    failed_calls: Counter[str] = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def learnt(self, devbox_id: str) -> None:
        with self._lock:
            self.known.add(devbox_id)

    def check(self, what: str, got: Any, expected: Any) -> None:
        if got != expected:
            with self._lock:
                self.wrong.append(f"{what}: got {str(got)[:80]!r}, expected {str(expected)[:80]!r}")

    def lines(self, got: list[str], *, finished: bool) -> None:
        """Counts lost and repeated lines of one streamed command (finished: it returned)."""
        repeated = len(got) - len(set(got))
        seen = set(got)
        if finished:
            lost = sum(1 for line in EXPECTED_LINES if line not in seen)
        else:
            # Cut short by an error: only the gaps before the last line received are lost.
            last = max((int(line) for line in got if line.isdigit()), default=0)
            lost = sum(1 for line in EXPECTED_LINES[:last] if line not in seen)
        order = [line for i, line in enumerate(got) if line not in got[:i]]
        with self._lock:
            self.lines_lost += lost
            self.lines_repeated += repeated
        if order != EXPECTED_LINES[: len(order)]:
            self.check("streamed lines out of order", order[:5], EXPECTED_LINES[:5])

    def ended(self, error: BaseException | None) -> None:
        with self._lock:
            if error is None:
                self.completed += 1
                return
            name = type(error).__name__
            kind = self.typed_errors if isinstance(error, RunloopError) else self.untyped_errors
            kind[name] += 1
            self.examples.setdefault(name, str(error)[:300])
            if isinstance(error, APIError):
                path = re.sub(r"/(dbx|exe|snp|obj|bpt|sec)_\w+", r"/{\1}", urlsplit(error.url).path)
                self.failed_calls[f"{name} {error.method} {path}"] += 1

    @property
    def workflows(self) -> int:
        return self.completed + sum(self.typed_errors.values()) + sum(self.untyped_errors.values())


def run_sync_workflow(connect: Callable[[], RunloopSDK], name: str, tally: Tally) -> None:
    """One workflow with a sync SDK of its own (so its own connections); the outcome goes to ``tally``."""
    lines: list[str] = []
    finished = False
    try:
        with (
            connect() as sdk,
            sdk.devbox.create(name=name) as devbox,
            tempfile.TemporaryDirectory() as tmp,
        ):
            tally.learnt(devbox.id)
            tally.check("exec", devbox.cmd.exec(f"echo {name}").stdout(), f"{name}\n")
            result = devbox.cmd.exec(f"seq 1 {LINES}", stdout=lines.append)
            finished = True
            tally.check("streamed exec exit", result.exit_code, 0)
            devbox.file.write("note.txt", f"note of {name}\n")
            tally.check("file read", devbox.file.read("note.txt"), f"note of {name}\n")
            source = Path(tmp) / "blob.bin"
            source.write_bytes(BLOB)
            devbox.file.upload("blob.bin", source)
            copy = devbox.file.download("blob.bin", Path(tmp) / "copy.bin")
            tally.check("download", copy.read_bytes(), BLOB)
            snapshot = devbox.snapshot_disk(name=name)
            tally.check("snapshot", snapshot.get_info().status, "complete")
            obj = sdk.storage_object.upload_from_text(f"object of {name}", name=name)
            tally.check("object", obj.download_as_text(), f"object of {name}")
            obj.delete()
    except Exception as error:
        tally.lines(lines, finished=finished)
        tally.ended(error)
        return
    tally.lines(lines, finished=True)
    tally.ended(None)


async def run_async_workflow(connect: Callable[[], AsyncRunloopSDK], name: str, tally: Tally) -> None:
    """One workflow with an async SDK of its own; the outcome goes to ``tally``."""
    lines: list[str] = []
    finished = False
    try:
        with tempfile.TemporaryDirectory() as tmp:
            async with connect() as sdk, await sdk.devbox.create(name=name) as devbox:
                tally.learnt(devbox.id)
                tally.check("exec", await (await devbox.cmd.exec(f"echo {name}")).stdout(), f"{name}\n")
                result = await devbox.cmd.exec(f"seq 1 {LINES}", stdout=lines.append)
                finished = True
                tally.check("streamed exec exit", result.exit_code, 0)
                await devbox.file.write("note.txt", f"note of {name}\n")
                tally.check("file read", await devbox.file.read("note.txt"), f"note of {name}\n")
                source = Path(tmp) / "blob.bin"
                source.write_bytes(BLOB)
                await devbox.file.upload("blob.bin", source)
                copy = await devbox.file.download("blob.bin", Path(tmp) / "copy.bin")
                tally.check("download", copy.read_bytes(), BLOB)
                snapshot = await devbox.snapshot_disk(name=name)
                tally.check("snapshot", (await snapshot.get_info()).status, "complete")
                obj = await sdk.storage_object.upload_from_text(f"object of {name}", name=name)
                tally.check("object", await obj.download_as_text(), f"object of {name}")
                await obj.delete()
    except Exception as error:
        tally.lines(lines, finished=finished)
        tally.ended(error)
        return
    tally.lines(lines, finished=True)
    tally.ended(None)


@dataclass
class Audit:
    """What the engine holds after a run, read from the engine directly.

    Attributes:
        devboxes: Devboxes the run made (by name prefix).
        duplicates: Workflow names with more than one devbox.
        left_running: Devboxes not shut down (nor failed).
        unknown: Devboxes the client never learnt of.
    """

    devboxes: int
    duplicates: list[str]
    left_running: list[str]
    unknown: list[str]


def audit(api: RunloopAPI, prefix: str, tally: Tally) -> Audit:
    """Reads every devbox of the run (names starting with ``prefix``) from the engine."""
    by_name: Counter[str] = Counter()
    left: list[str] = []
    unknown: list[str] = []
    count = 0
    for view in api.devboxes.list(limit=1000):
        if not (view.name or "").startswith(prefix):
            continue
        count += 1
        by_name[view.name or ""] += 1
        if view.status not in ("shutdown", "failure"):
            left.append(f"{view.id} ({view.status})")
        if view.id not in tally.known:
            unknown.append(f"{view.id} ({view.status})")
    return Audit(count, sorted(n for n, c in by_name.items() if c > 1), left, unknown)


def run_threads(count: int, parallel: int, work: Callable[[int], None]) -> None:
    """Runs ``work(i)`` for i in range(count) on ``parallel`` threads."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(parallel) as pool:
        list(pool.map(work, range(count)))


async def run_tasks(count: int, parallel: int, work: Callable[[int], Any]) -> None:
    """Awaits ``work(i)`` for i in range(count), at most ``parallel`` at once."""
    gate = asyncio.Semaphore(parallel)

    async def one(i: int) -> None:
        async with gate:
            await work(i)

    await asyncio.gather(*(one(i) for i in range(count)))
