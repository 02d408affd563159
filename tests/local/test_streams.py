"""Output streams (SSE): offsets, resuming after a dropped connection, volume, order, UTF-8."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx

from runloop_api import RunloopAPI
from runloop_api.types import DevboxView
from runloop_local import LocalEngine

from ._spec_check import ValidatingClient


def _events(response: httpx.Response) -> Iterator[dict[str, object]]:
    for line in response.iter_lines():
        if line.startswith("data: "):
            event: dict[str, object] = json.loads(line[len("data: ") :])
            yield event


def _expected_lines(n: int) -> str:
    return "".join(f"{i}\n" for i in range(1, n + 1))


def test_stream_stdout_and_stderr_with_offsets(api: RunloopAPI, devbox: DevboxView) -> None:
    run = api.devboxes.executions.execute_async(
        devbox.id, command="for i in 1 2 3; do echo out$i; echo err$i >&2; sleep 0.05; done"
    )
    out = list(api.devboxes.executions.stream_stdout_updates(run.execution_id, devbox_id=devbox.id))
    err = list(api.devboxes.executions.stream_stderr_updates(run.execution_id, devbox_id=devbox.id))
    assert "".join(c.output for c in out) == "out1\nout2\nout3\n"
    assert "".join(c.output for c in err) == "err1\nerr2\nerr3\n"
    position = 0
    for chunk in out:  # each offset is the byte position just after its chunk
        position += len(chunk.output.encode())
        assert chunk.offset == position
    tail = list(
        api.devboxes.executions.stream_stdout_updates(run.execution_id, devbox_id=devbox.id, offset="5")
    )
    assert "".join(c.output for c in tail) == "out2\nout3\n"
    assert (
        list(
            api.devboxes.executions.stream_stdout_updates(run.execution_id, devbox_id=devbox.id, offset="999")
        )
        == []
    )


def test_stream_resumes_by_hand_after_a_dropped_connection(
    engine: LocalEngine, http: ValidatingClient, api: RunloopAPI, devbox: DevboxView
) -> None:
    run = api.devboxes.executions.execute_async(
        devbox.id, command="for i in $(seq 1 40); do echo line$i; sleep 0.01; done"
    )
    url = f"{engine.base_url}/v1/devboxes/{devbox.id}/executions/{run.execution_id}/stream_stdout_updates"
    headers = {"authorization": f"Bearer {engine.token}"}
    received = ""
    offset = 0
    with http.stream("GET", url, headers=headers) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        for event in _events(response):
            received += str(event["output"])
            offset = int(str(event["offset"]))
            if received.count("\n") >= 3:
                break  # the connection is dropped mid-stream
    with http.stream("GET", url, headers=headers, params={"offset": offset}) as response:
        for event in _events(response):
            received += str(event["output"])
    assert received == "".join(f"line{i}\n" for i in range(1, 41))


class _DroppingTransport(httpx.BaseTransport):
    """Cuts the first event stream after its first chunk, as a flaky network would."""

    def __init__(self) -> None:
        self._inner = httpx.HTTPTransport()
        self.dropped = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self._inner.handle_request(request)
        if not request.url.path.endswith("_updates") or self.dropped:
            return response
        self.dropped += 1
        inner_stream = response.stream

        class Cut(httpx.SyncByteStream):
            def __iter__(self) -> Iterator[bytes]:
                assert isinstance(inner_stream, httpx.SyncByteStream)
                for data in inner_stream:
                    yield data
                    raise httpx.ReadError("connection dropped")

            def close(self) -> None:
                assert isinstance(inner_stream, httpx.SyncByteStream)
                inner_stream.close()

        return httpx.Response(response.status_code, headers=response.headers, stream=Cut(), request=request)

    def close(self) -> None:
        self._inner.close()


def test_client_stream_resumes_after_a_dropped_connection_without_loss(
    engine: LocalEngine, api: RunloopAPI, devbox: DevboxView
) -> None:
    run = api.devboxes.executions.execute_async(
        devbox.id, command="for i in $(seq 1 300); do echo line$i; done; sleep 0.2; echo last"
    )
    transport = _DroppingTransport()
    with (
        httpx.Client(transport=transport, timeout=30) as http,
        RunloopAPI(base_url=engine.base_url, bearer_token=engine.token, http_client=http) as flaky,
    ):
        stream = flaky.devboxes.executions.stream_stdout_updates(run.execution_id, devbox_id=devbox.id)
        text = "".join(chunk.output for chunk in stream)
    assert transport.dropped == 1
    assert stream.reconnects == 1
    assert text == "".join(f"line{i}\n" for i in range(1, 301)) + "last\n"


def test_ten_thousand_lines_in_order(api: RunloopAPI, devbox: DevboxView) -> None:
    run = api.devboxes.executions.execute_async(devbox.id, command="seq 1 10000")
    streamed = "".join(
        c.output for c in api.devboxes.executions.stream_stdout_updates(run.execution_id, devbox_id=devbox.id)
    )
    assert streamed == _expected_lines(10000)
    whole = api.devboxes.executions.retrieve(run.execution_id, devbox_id=devbox.id, last_n="0")
    assert whole.stdout == _expected_lines(10000)


def test_chunks_never_split_a_utf8_character(api: RunloopAPI, devbox: DevboxView) -> None:
    # 1.35 MB: more than a chunk holds (1 MiB), however the command's output is gathered into
    # events, and none of them cut inside a character
    text = "é€😀" * 150_000
    run = api.devboxes.executions.execute_async(
        devbox.id, command="/usr/bin/python3 -c \"import sys; sys.stdout.write('é€😀' * 150000)\""
    )
    chunks = list(api.devboxes.executions.stream_stdout_updates(run.execution_id, devbox_id=devbox.id))
    assert len(chunks) > 1
    assert "".join(c.output for c in chunks) == text
    assert "\ufffd" not in "".join(c.output for c in chunks)
    assert chunks[-1].offset == len(text.encode())


def test_output_with_unicode_line_separators_streams_whole(api: RunloopAPI, devbox: DevboxView) -> None:
    # JSON leaves U+2028, U+2029 and U+0085 unescaped: a client that split the event stream
    # with str.splitlines (httpx's iter_lines) tore such events apart and failed to parse them.
    text = "a\u2028b\u2029c\x85d\n" * 3000
    run = api.devboxes.executions.execute_async(
        devbox.id,
        command="/usr/bin/python3 -c \"import sys; sys.stdout.write('a\\u2028b\\u2029c\\x85d\\n' * 3000)\"",
    )
    chunks = list(api.devboxes.executions.stream_stdout_updates(run.execution_id, devbox_id=devbox.id))
    assert "".join(c.output for c in chunks) == text
    assert chunks[-1].offset == len(text.encode())
