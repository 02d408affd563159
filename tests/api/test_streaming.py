"""Server-sent event streams: parsing, and resuming after a dropped connection with nothing lost."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from urllib.parse import parse_qs

import httpx
import pytest

from runloop_api import APIConnectionError
from runloop_api.types import ExecUpdateChunkView

from ._fakes import Script, async_api, no_sleep, sync_api

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
