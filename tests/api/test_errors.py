"""Each error status becomes its own class, and every message says what failed."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

import runloop_api
from runloop_api import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RequestTimeoutError,
    RunloopError,
    UnprocessableEntityError,
)

from ._fakes import Script, async_api, json_response, sync_api

STATUS_CLASSES: list[tuple[int, type[APIStatusError]]] = [
    (400, BadRequestError),
    (401, AuthenticationError),
    (403, PermissionDeniedError),
    (404, NotFoundError),
    (408, RequestTimeoutError),
    (409, ConflictError),
    (422, UnprocessableEntityError),
    (429, RateLimitError),
    (500, InternalServerError),
    (502, InternalServerError),
    (503, InternalServerError),
    (504, InternalServerError),
]


@pytest.mark.parametrize(("status", "cls"), STATUS_CLASSES)
def test_status_maps_to_class_and_message_names_the_call(status: int, cls: type[APIStatusError]) -> None:
    body = {"message": f"devbox is on fire ({status})"}
    script = Script(json_response(status, body, {"x-request-id": "req_9"}))
    with sync_api(script, max_retries=0) as api, pytest.raises(cls) as caught:
        api.devboxes.retrieve("dbx_1")
    error = caught.value
    assert type(error) is cls
    assert isinstance(error, runloop_api.APIError) and isinstance(error, RunloopError)
    assert error.status_code == status
    assert error.body == body
    assert error.request_id == "req_9"
    message = str(error)
    for part in ("GET", "/v1/devboxes/dbx_1", str(status), f"devbox is on fire ({status})"):
        assert part in message


@pytest.mark.parametrize(("status", "cls"), STATUS_CLASSES)
async def test_status_maps_to_class_async(status: int, cls: type[APIStatusError]) -> None:
    script = Script(json_response(status, {"error": {"message": "nested reason"}}))
    async with async_api(script, max_retries=0) as api:
        with pytest.raises(cls) as caught:
            await api.devboxes.shutdown("dbx_1")
    assert type(caught.value) is cls
    assert "POST /v1/devboxes/dbx_1/shutdown" in str(caught.value)
    assert "nested reason" in str(caught.value)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b'{"detail": "bad field"}', "bad field"),
        (b"plain text failure", "plain text failure"),
        (b"", "(empty body)"),
        (b'{"code": 7}', '{"code": 7}'),
    ],
)
def test_message_carries_the_servers_text_whatever_its_shape(body: bytes, expected: str) -> None:
    api = sync_api(Script(httpx.Response(400, content=body)), max_retries=0)
    with api, pytest.raises(BadRequestError) as caught:
        api.objects.retrieve("obj_1")
    assert expected in str(caught.value)
    assert "GET /v1/objects/obj_1 failed with 400" in str(caught.value)


def test_unmapped_4xx_is_a_plain_status_error() -> None:
    api = sync_api(Script(json_response(418, {"message": "teapot"})), max_retries=0)
    with api, pytest.raises(APIStatusError) as caught:
        api.secrets.list()
    assert type(caught.value) is APIStatusError
    assert caught.value.status_code == 418


def test_connection_failure_names_the_call() -> None:
    script = Script(httpx.ConnectError("refused"))
    with sync_api(script, max_retries=0) as api, pytest.raises(APIConnectionError) as caught:
        api.devboxes.retrieve("dbx_1")
    assert "GET /v1/devboxes/dbx_1" in str(caught.value)
    assert caught.value.request_sent is False


async def test_timeout_is_a_connection_error_subclass() -> None:
    script = Script(httpx.ReadTimeout("slow"))
    async with async_api(script, max_retries=0) as api:
        with pytest.raises(APITimeoutError) as caught:
            await api.devboxes.create(name="x")
    assert isinstance(caught.value, APIConnectionError)
    assert caught.value.request_sent is True
    assert "POST /v1/devboxes timed out" in str(caught.value)


def test_error_while_streaming_a_download_is_typed() -> None:
    api = sync_api(Script(json_response(404, {"message": "no such file"})), max_retries=0)
    with api, pytest.raises(NotFoundError, match="no such file"):
        api.devboxes.download_file("dbx_1", path="/nope")


class BreaksMidBody(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body that delivers some bytes, then fails the way a reset connection does."""

    def __init__(self, failure: httpx.TransportError) -> None:
        self.failure = failure

    def __iter__(self) -> Iterator[bytes]:
        yield b"partial"
        raise self.failure

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield b"partial"
        raise self.failure


def test_a_download_that_breaks_off_raises_a_connection_error(tmp_path: Path) -> None:
    script = Script(httpx.Response(200, stream=BreaksMidBody(httpx.ReadError("reset"))))
    target = tmp_path / "out.bin"
    with sync_api(script) as api:
        download = api.devboxes.download_file("dbx_1", path="/big")
        with pytest.raises(APIConnectionError, match="POST /v1/devboxes/dbx_1/download_file broke off"):
            download.write_to_file(target)
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []  # no partial file is left behind


async def test_a_download_that_times_out_midway_raises_a_timeout_error() -> None:
    script = Script(httpx.Response(200, stream=BreaksMidBody(httpx.ReadTimeout("stalled"))))
    async with async_api(script) as api:
        download = await api.devboxes.download_file("dbx_1", path="/big")
        with pytest.raises(APITimeoutError, match="broke off"):
            await download.read()
