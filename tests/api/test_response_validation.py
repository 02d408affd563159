"""A 2xx answer that does not fit its model raises APIResponseValidationError, naming what did not fit."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from pydantic import ValidationError

import runloop_api
from runloop_api import APIError, APIResponseValidationError, RunloopError
from runloop_api._base.errors import describe_validation_error
from runloop_api.types import DevboxListView, DevboxView

from ._fakes import DEVBOX, Script, async_api, json_response, sync_api

BAD_DEVBOX = {**DEVBOX, "create_time_ms": "yesterday"}
STDOUT = "/v1/devboxes/dbx_1/executions/exe_1/stream_stdout_updates"


def sse(*events: Any) -> httpx.Response:
    body = "".join(f"data: {json.dumps(e)}\n\n" for e in events)
    return httpx.Response(200, content=body.encode(), headers={"content-type": "text/event-stream"})


def _check(error: APIResponseValidationError, *, method: str, path: str, status: int) -> None:
    assert isinstance(error, APIError) and isinstance(error, RunloopError)
    assert isinstance(error.__cause__, ValidationError)
    assert error.status_code == status
    assert error.response.status_code == status
    assert error.method == method
    message = str(error)
    for part in (method, path, str(status)):
        assert part in message


def test_exported_from_the_package_root() -> None:
    assert "APIResponseValidationError" in runloop_api.__all__
    assert runloop_api.APIResponseValidationError is APIResponseValidationError


def test_sync_body_that_does_not_fit_names_the_field() -> None:
    script = Script(json_response(200, BAD_DEVBOX, {"x-request-id": "req_7"}))
    with sync_api(script) as api, pytest.raises(APIResponseValidationError) as caught:
        api.devboxes.retrieve("dbx_1")
    error = caught.value
    _check(error, method="GET", path="/v1/devboxes/dbx_1", status=200)
    assert error.body == BAD_DEVBOX
    assert error.request_id == "req_7"
    assert "DevboxView" in str(error)
    assert "create_time_ms: Input should be a valid integer" in str(error)
    assert "'yesterday'" in str(error)
    assert len(script.requests) == 1  # never retried: the server answered


async def test_async_body_that_does_not_fit_names_the_field() -> None:
    script = Script(json_response(200, BAD_DEVBOX))
    async with async_api(script) as api:
        with pytest.raises(APIResponseValidationError) as caught:
            await api.devboxes.shutdown("dbx_1")
    _check(caught.value, method="POST", path="/v1/devboxes/dbx_1/shutdown", status=200)
    assert "create_time_ms" in str(caught.value)
    assert len(script.requests) == 1


@pytest.mark.parametrize("content", [b"<html>502 from the proxy</html>", b""])
def test_sync_body_that_is_not_json(content: bytes) -> None:
    script = Script(httpx.Response(200, content=content))
    with sync_api(script) as api, pytest.raises(APIResponseValidationError) as caught:
        api.devboxes.retrieve("dbx_1")
    _check(caught.value, method="GET", path="/v1/devboxes/dbx_1", status=200)
    assert caught.value.body == content.decode()
    assert "Invalid JSON" in str(caught.value)


async def test_async_body_that_is_not_json() -> None:
    async with async_api(Script(httpx.Response(201, content=b"not json"))) as api:
        with pytest.raises(APIResponseValidationError) as caught:
            await api.devboxes.retrieve("dbx_1")
    _check(caught.value, method="GET", path="/v1/devboxes/dbx_1", status=201)
    assert caught.value.body == "not json"


def test_sync_page_names_the_item_that_does_not_fit() -> None:
    body = {"devboxes": [DEVBOX, BAD_DEVBOX], "has_more": False}
    with (
        sync_api(Script(json_response(200, body))) as api,
        pytest.raises(APIResponseValidationError) as caught,
    ):
        api.devboxes.list()
    _check(caught.value, method="GET", path="/v1/devboxes", status=200)
    assert "DevboxListView" in str(caught.value)
    assert "devboxes[1].create_time_ms:" in str(caught.value)
    assert caught.value.body == body


async def test_async_following_page_that_does_not_fit() -> None:
    first = {"devboxes": [DEVBOX], "has_more": True}
    second = {"devboxes": [{"id": "dbx_2"}], "has_more": False}
    async with async_api(Script(json_response(200, first), json_response(200, second))) as api:
        page = await api.devboxes.list()
        seen: list[str] = []
        with pytest.raises(APIResponseValidationError) as caught:
            async for devbox in page:
                seen.append(devbox.id)
    assert seen == ["dbx_1"]
    _check(caught.value, method="GET", path="/v1/devboxes", status=200)
    assert "devboxes[0].create_time_ms: Field required" in str(caught.value)
    assert "more" in str(caught.value)  # only the first few mismatches are listed


def test_sync_stream_event_that_does_not_fit() -> None:
    with sync_api(Script(sse({"output": "ok", "offset": 3}, {"offset": 5}))) as api:
        stream = api.devboxes.executions.stream_stdout_updates("exe_1", devbox_id="dbx_1")
        seen: list[str] = []
        with pytest.raises(APIResponseValidationError) as caught:
            for chunk in stream:
                seen.append(chunk.output)
    assert seen == ["ok"]
    _check(caught.value, method="GET", path=STDOUT, status=200)
    assert "event does not fit ExecUpdateChunkView: output: Field required" in str(caught.value)
    assert caught.value.body == {"offset": 5}
    assert stream.last_offset == "3"


async def test_async_stream_event_that_is_not_json() -> None:
    response = httpx.Response(
        200, content=b"data: {broken\n\n", headers={"content-type": "text/event-stream"}
    )
    async with async_api(Script(response)) as api:
        stream = api.devboxes.executions.stream_stderr_updates("exe_1", devbox_id="dbx_1")
        with pytest.raises(APIResponseValidationError) as caught:
            _ = [c async for c in stream]
    _check(caught.value, method="GET", path=STDOUT.replace("stdout", "stderr"), status=200)
    assert "Invalid JSON" in str(caught.value)
    assert caught.value.body == "{broken"


def _validation_error(model: type[Any], data: Any) -> ValidationError:
    try:
        model.model_validate(data)
    except ValidationError as exc:
        return exc
    raise AssertionError("expected a validation error")


def test_describe_lists_the_first_few_locations() -> None:
    exc = _validation_error(DevboxListView, {"devboxes": [{}], "has_more": "maybe"})
    text = describe_validation_error(exc, limit=2)
    parts = text.split("; ")
    assert parts[0] == "devboxes[0].id: Field required"
    assert parts[1].startswith("devboxes[0].")
    assert parts[-1] == f"and {len(exc.errors()) - 2} more"
    assert len(parts) == 3


def test_describe_shows_short_scalar_inputs_only() -> None:
    exc = _validation_error(DevboxView, {**DEVBOX, "create_time_ms": "x" * 500})
    text = describe_validation_error(exc)
    assert text.startswith("create_time_ms: Input should be a valid integer")
    assert "(got 'xxxx" in text and len(text) < 200
    missing = describe_validation_error(_validation_error(DevboxView, {}))
    assert "(got" not in missing  # the input of a missing field is the whole parent: not shown
