"""Server-sent event streams: parsing, and resuming after a dropped connection with nothing lost."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from urllib.parse import parse_qs

import httpx
import pytest

from runloop_api import APIConnectionError, APITimeoutError, NotFoundError
from runloop_api._base.streaming import MAX_RECONNECTS
from runloop_api.types import ExecUpdateChunkView

from ._fakes import Script, async_api, json_response, no_sleep, sync_api

STDOUT = "/v1/devboxes/dbx_1/executions/exe_1/stream_stdout_updates"


class DroppingStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A response body that sends some bytes and then fails like a dropped connection."""

    def __init__(self, parts: list[bytes], drop: bool) -> None:
        self._parts = parts
        self._drop = drop

    def __iter__(self) -> Iterator[bytes]:
        yield from self._parts
        if self._drop:
            raise httpx.RemoteProtocolError("peer closed connection without sending complete message body")

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for part in self._parts:
            yield part
        if self._drop:
            raise httpx.ReadError("connection reset by peer")


def sse(body: str) -> httpx.Response:
    return httpx.Response(200, content=body.encode(), headers={"content-type": "text/event-stream"})


class LogServer:
    """Serves an execution's stdout as chunks whose offset is the byte position after each chunk.

    The first ``drops`` connections break after ``chunks_before_drop`` chunks and half an event.
    """

    def __init__(self, lines: list[str], *, drops: int = 1, chunks_before_drop: int = 2) -> None:
        self.lines = lines
        self.drops = drops
        self.chunks_before_drop = chunks_before_drop
        self.offsets_asked: list[str | None] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        asked = parse_qs(request.url.query.decode()).get("offset", [None])[0]
        self.offsets_asked.append(asked)
        position, events = 0, []
        for line in self.lines:
            position += len(line.encode())
            if asked is None or position > int(asked):
                events.append(f"data: {json.dumps({'output': line, 'offset': position})}\n\n".encode())
        drop = self.drops > 0
        if drop:
            self.drops -= 1
            half = events[self.chunks_before_drop][:15]
            events = [*events[: self.chunks_before_drop], half]
        return httpx.Response(
            200, stream=DroppingStream(events, drop), headers={"content-type": "text/event-stream"}
        )


LINES = [f"line {n}\n" for n in range(6)]


def test_parses_multiline_data_comments_crlf_and_named_events() -> None:
    body = (
        ": keep-alive comment\r\n"
        'data: {"output": "a",\r\n'
        'data:  "offset": 2}\r\n'
        "\r\n"
        "event: chunk\n"
        "id: 7\n"
        'data: {"output": "b\\r\\n", "offset": 5}\n'
        "\n"
        "data:\n"
        "\n"
        ': comment\n\ndata: {"output": "c", "offset": 6, "new_field": 1}\n\n'
    )
    with sync_api(Script(sse(body))) as api:
        stream = api.devboxes.executions.stream_stdout_updates("exe_1", devbox_id="dbx_1")
        chunks = list(stream)
    assert [c.output for c in chunks] == ["a", "b\r\n", "c"]
    assert [c.offset for c in chunks] == [2, 5, 6]
    assert all(isinstance(c, ExecUpdateChunkView) for c in chunks)
    assert chunks[2].model_extra == {"new_field": 1}
    assert stream.last_offset == "6"


def test_starts_at_the_callers_offset() -> None:
    server = LogServer(LINES, drops=0)
    with sync_api(server) as api:
        stream = api.devboxes.executions.stream_stdout_updates("exe_1", devbox_id="dbx_1", offset="14")
        outputs = [c.output for c in stream]
    assert server.offsets_asked == ["14"]
    assert outputs == LINES[2:]


def test_resumes_after_a_dropped_connection_without_loss_or_repeat(monkeypatch: pytest.MonkeyPatch) -> None:
    server = LogServer(LINES, drops=2, chunks_before_drop=2)
    with no_sleep(monkeypatch), sync_api(server) as api:
        stream = api.devboxes.executions.stream_stdout_updates("exe_1", devbox_id="dbx_1")
        outputs = [c.output for c in stream]
    assert outputs == LINES
    assert server.offsets_asked == [None, "14", "28"]
    assert stream.reconnects == 2
    assert stream.last_offset == str(len("".join(LINES).encode()))


async def test_resumes_async_after_a_dropped_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    server = LogServer(LINES, drops=1, chunks_before_drop=3)
    with no_sleep(monkeypatch):
        async with async_api(server) as api:
            stream = api.devboxes.executions.stream_stderr_updates("exe_1", devbox_id="dbx_1")
            outputs = [c.output async for c in stream]
    assert outputs == LINES
    assert server.offsets_asked == [None, "21"]


def test_gives_up_after_repeated_drops_without_progress(monkeypatch: pytest.MonkeyPatch) -> None:
    server = LogServer(LINES, drops=100, chunks_before_drop=0)
    with no_sleep(monkeypatch), sync_api(server) as api:
        stream = api.devboxes.executions.stream_stdout_updates("exe_1", devbox_id="dbx_1")
        with pytest.raises(APIConnectionError, match="stream dropped"):
            list(stream)
    assert 2 <= len(server.offsets_asked) <= 10


async def test_watch_evictions_yields_typed_events() -> None:
    event = {"devbox_id": "dbx_1", "eviction_deadline_ms": 1_700_000_000_000}
    script = Script(sse(f"data: {json.dumps(event)}\n\n"))
    async with async_api(script) as api:
        events = [e async for e in api.devboxes.watch_evictions()]
    assert [e.devbox_id for e in events] == ["dbx_1"]
    assert script.paths == ["GET /v1/devboxes/evictions/watch"]


class BreakingStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A response body that sends some bytes and then raises ``error`` (None: ends normally)."""

    def __init__(self, parts: list[bytes], error: Exception | None) -> None:
        self._parts = parts
        self._error = error

    def __iter__(self) -> Iterator[bytes]:
        yield from self._parts
        if self._error is not None:
            raise self._error

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for part in self._parts:
            yield part
        if self._error is not None:
            raise self._error


class PlannedLogServer:
    """Serves ``lines`` like LogServer; connection n follows ``plan[n]``, then every later one is whole.

    A plan step is ``(chunks, error)``: send that many chunks (and half of the next event), then
    raise ``error`` from the body; or an exception to raise instead of answering (a failed open).
    """

    def __init__(self, lines: list[str], plan: list[tuple[int, Exception] | Exception]) -> None:
        self.lines = lines
        self.plan = plan
        self.offsets_asked: list[str | None] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        asked = parse_qs(request.url.query.decode()).get("offset", [None])[0]
        self.offsets_asked.append(asked)
        step = self.plan.pop(0) if self.plan else None
        if isinstance(step, Exception):
            raise step
        position, events = 0, []
        for line in self.lines:
            position += len(line.encode())
            if asked is None or position > int(asked):
                events.append(f"data: {json.dumps({'output': line, 'offset': position})}\n\n".encode())
        error = None
        if step is not None:
            chunks, error = step
            events = [*events[:chunks], *([events[chunks][:15]] if chunks < len(events) else [])]
        return httpx.Response(
            200, stream=BreakingStream(events, error), headers={"content-type": "text/event-stream"}
        )


def silent(chunks: int = 0) -> tuple[int, Exception]:
    """A connection that sends ``chunks`` chunks and then nothing until the read timeout."""
    return (chunks, httpx.ReadTimeout("timed out waiting for data"))


SILENT_20 = [silent(2), *[silent() for _ in range(19)]]


def test_a_silent_stream_reconnects_for_as_long_as_it_takes(monkeypatch: pytest.MonkeyPatch) -> None:
    server = PlannedLogServer(LINES, list(SILENT_20))
    with no_sleep(monkeypatch) as sleeps, sync_api(server) as api:
        stream = api.devboxes.executions.stream_stdout_updates("exe_1", devbox_id="dbx_1")
        outputs = [c.output for c in stream]
    assert outputs == LINES  # every chunk exactly once
    assert server.offsets_asked == [None, *["14"] * 20]
    assert stream.reconnects == 20
    assert sum(sleeps.seconds) == 0  # silence is no failure: no backoff either
    assert stream.last_offset == str(len("".join(LINES).encode()))


async def test_async_a_silent_stream_reconnects_for_as_long_as_it_takes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server = PlannedLogServer(LINES, list(SILENT_20))
    with no_sleep(monkeypatch) as sleeps:
        async with async_api(server) as api:
            stream = api.devboxes.executions.stream_stderr_updates("exe_1", devbox_id="dbx_1")
            outputs = [c.output async for c in stream]
    assert outputs == LINES
    assert server.offsets_asked == [None, *["14"] * 20]
    assert stream.reconnects == 20
    assert sum(sleeps.seconds) == 0


def test_silences_between_drops_do_not_use_up_the_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    # Five drops (the budget) interleaved with silences, then the rest: the stream survives.
    plan: list[tuple[int, Exception] | Exception] = []
    for _ in range(5):
        plan += [(0, httpx.ReadError("reset")), silent(), silent()]
    server = PlannedLogServer(LINES, plan)
    with no_sleep(monkeypatch), sync_api(server) as api:
        outputs = [
            c.output for c in api.devboxes.executions.stream_stdout_updates("exe_1", devbox_id="dbx_1")
        ]
    assert outputs == LINES
    assert len(server.offsets_asked) == 16


def test_a_reopen_that_keeps_failing_gives_up_after_the_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    server = PlannedLogServer(LINES, [(2, httpx.ReadError("reset")), *[httpx.ConnectError("refused")] * 50])
    seen: list[str] = []
    with no_sleep(monkeypatch) as sleeps, sync_api(server) as api:
        stream = api.devboxes.executions.stream_stdout_updates("exe_1", devbox_id="dbx_1")
        with pytest.raises(APIConnectionError, match="could not reach") as caught:
            for chunk in stream:
                seen.append(chunk.output)
    assert type(caught.value) is APIConnectionError
    assert seen == LINES[:2]
    # One drop, then MAX_RECONNECTS failed reopens: the failure after the budget ends the stream.
    assert server.offsets_asked == [None, *["14"] * MAX_RECONNECTS]
    assert len(sleeps.seconds) == MAX_RECONNECTS and all(s > 0 for s in sleeps.seconds)


async def test_async_a_reopen_that_keeps_failing_gives_up_after_the_budget(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server = PlannedLogServer(LINES, [silent(3), *[httpx.ConnectError("refused")] * 50])
    with no_sleep(monkeypatch):
        async with async_api(server) as api:
            stream = api.devboxes.executions.stream_stdout_updates("exe_1", devbox_id="dbx_1")
            with pytest.raises(APIConnectionError, match="could not reach"):
                _ = [c async for c in stream]
    # The silence was free: all MAX_RECONNECTS + 1 failures are failed reopens.
    assert server.offsets_asked == [None, *["21"] * (MAX_RECONNECTS + 1)]


def test_server_errors_on_reopen_count_and_then_the_stream_recovers(monkeypatch: pytest.MonkeyPatch) -> None:
    failing = [lambda r: httpx.Response(503, headers={"retry-after": "2"}), lambda r: httpx.Response(500)]
    calls: list[int] = []
    server = PlannedLogServer(LINES, [(1, httpx.ReadError("reset"))])

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        if len(calls) in (2, 3):
            return failing[len(calls) - 2](request)
        return server(request)

    with no_sleep(monkeypatch) as sleeps, sync_api(handler) as api:
        stream = api.devboxes.executions.stream_stdout_updates("exe_1", devbox_id="dbx_1")
        outputs = [c.output for c in stream]
    assert outputs == LINES
    assert len(calls) == 4
    assert sleeps.seconds[1] == 2.0  # the 503's Retry-After


def test_a_reopen_answered_404_ends_the_stream_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    script = Script(
        lambda r: PlannedLogServer(LINES, [(1, httpx.ReadError("reset"))])(r),
        json_response(404, {"message": "no such execution"}),
    )
    with no_sleep(monkeypatch), sync_api(script) as api:
        stream = api.devboxes.executions.stream_stdout_updates("exe_1", devbox_id="dbx_1")
        with pytest.raises(NotFoundError, match="no such execution"):
            list(stream)
    assert len(script.requests) == 2


def test_an_open_whose_answer_never_comes_counts(monkeypatch: pytest.MonkeyPatch) -> None:
    # Before any answer, a read timeout cannot be told from a hung server: it is a failure.
    script = Script(*[httpx.ReadTimeout("no answer")] * (MAX_RECONNECTS + 1))
    with no_sleep(monkeypatch), sync_api(script) as api, pytest.raises(APITimeoutError):
        list(api.devboxes.executions.stream_stdout_updates("exe_1", devbox_id="dbx_1"))
    assert len(script.requests) == MAX_RECONNECTS + 1
