# Generated from runloop_sdk/_async/output.py by scripts/unasync.py. Do not edit.
"""Reading an execution's output streams: whole text, lines with resume offsets, callback pumps."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, Literal

import httpx

from runloop_api import EventStream, RunloopAPI
from runloop_api.types import ExecUpdateChunkView

from .._base.output import LineSplitter, OutputLine
from .._base.tasks import CallbackLock, TaskGroup

__all__ = [
    "StreamName",
    "LineCallback",
    "open_stream",
    "iter_lines",
    "iter_line_texts",
    "read_all",
    "pump_lines",
]

StreamName = Literal["stdout", "stderr"]
LineCallback = Callable[[str], Any]

# Output streams stay open as long as the command runs, silent or not. A read timeout on a silent
# stream only makes the raw layer reopen it from the last offset (it is not counted as a failure),
# and it is how a connection that died without closing gets noticed at all.
STREAM_TIMEOUT = httpx.Timeout(60.0, connect=10.0)


def open_stream(
    api: RunloopAPI, devbox_id: str, execution_id: str, stream: StreamName, offset: int | None
) -> EventStream[ExecUpdateChunkView]:
    """Opens one output stream of an execution (lazily: nothing is sent until iterated)."""
    executions = api.devboxes.executions
    method = executions.stream_stdout_updates if stream == "stdout" else executions.stream_stderr_updates
    return method(
        execution_id,
        devbox_id=devbox_id,
        offset=None if not offset else str(offset),
        timeout=STREAM_TIMEOUT,
    )


def iter_lines(
    api: RunloopAPI, devbox_id: str, execution_id: str, stream: StreamName, offset: int | None = None
) -> Iterator[OutputLine]:
    """Yields the stream's lines from ``offset`` on, each with the offset to resume after it."""
    splitter = LineSplitter(offset or 0)
    with open_stream(api, devbox_id, execution_id, stream, offset) as events:
        for chunk in events:
            for line in splitter.feed(chunk.output, chunk.offset):
                yield line
    for line in splitter.flush():
        yield line


def iter_line_texts(
    api: RunloopAPI, devbox_id: str, execution_id: str, stream: StreamName
) -> Iterator[list[str]]:
    """Yields the stream's lines from the start, in batches (the lines of each chunk received)."""
    splitter = LineSplitter()
    with open_stream(api, devbox_id, execution_id, stream, None) as events:
        for chunk in events:
            texts = splitter.feed_texts(chunk.output, chunk.offset)
            if texts:
                yield texts
    last = [line.text for line in splitter.flush()]
    if last:
        yield last


def read_all(api: RunloopAPI, devbox_id: str, execution_id: str, stream: StreamName) -> str:
    """Reads the whole stream from the start (the full output, however long)."""
    # Grown in place: CPython resizes a string only this local refers to (``text += ...``,
    # realloc, mremap for large ones) instead of copying it, so the output is held once; a
    # list of chunks joined at the end held it twice at the join.
    text = ""
    with open_stream(api, devbox_id, execution_id, stream, None) as events:
        for chunk in events:
            text += chunk.output
    return text


def pump_lines(
    batches: Iterator[list[str]],
    callbacks: Sequence[LineCallback],
    lock: CallbackLock,
    group: TaskGroup,
) -> None:
    """Hands every line to every callback, in order; a callback's exception ends the pump.

    The lock is taken once a batch (a lock and a line object per line cost more than the
    callbacks of a fast stream); callbacks still run one at a time.
    """
    for batch in batches:
        with lock:
            for text in batch:
                if group.cancelled:
                    return
                for callback in callbacks:
                    callback(text)
