"""Authentication, bad input, unknown ids, wrong states, and the 501 of operations not built."""

from __future__ import annotations

import re
import uuid
import warnings
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from runloop_api import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    EventStream,
    NotFoundError,
    RunloopAPI,
)
from runloop_api.types import DevboxView
from runloop_local import LocalEngine
from runloop_local.app import implemented_operations
from runloop_local.http.spec_operations import SPEC_OPERATIONS

from ..api._exchange import Exchange
from ..api._spec import in_scope_operations
from ._spec_check import load_spec


@pytest.fixture
def raw(engine: LocalEngine) -> Iterator[httpx.Client]:
    """A plain httpx client with the engine's token, for requests the API client would not send."""
    with httpx.Client(
        base_url=engine.base_url, headers={"authorization": f"Bearer {engine.token}"}
    ) as client:
        yield client


def _message(response: httpx.Response) -> str:
    body = response.json()
    assert set(body) == {"message"}
    message: str = body["message"]
    return message


@pytest.mark.parametrize(
    "headers",
    [{}, {"authorization": "Bearer wrong"}, {"authorization": "Basic abc"}, {"authorization": "Bearer"}],
)
def test_every_request_needs_the_token(engine: LocalEngine, headers: dict[str, str]) -> None:
    with httpx.Client(base_url=engine.base_url, headers=headers) as client:
        for method, path in [("GET", "/v1/devboxes"), ("POST", "/v1/devboxes"), ("GET", "/nope")]:
            response = client.request(method, path, json={})
            assert response.status_code == 401
            assert "bearer token" in _message(response)


def test_the_api_client_with_a_wrong_token(engine: LocalEngine) -> None:
    with (
        RunloopAPI(base_url=engine.base_url, bearer_token="wrong", max_retries=0) as api,
        pytest.raises(AuthenticationError),
    ):
        api.devboxes.list()


def test_unknown_ids_are_404(api: RunloopAPI, devbox: DevboxView) -> None:
    for call in (
        lambda: api.devboxes.retrieve("dbx_unknown"),
        lambda: api.devboxes.shutdown("dbx_unknown"),
        lambda: api.devboxes.update("dbx_unknown", name="x"),
        lambda: api.devboxes.execute("dbx_unknown", command="true", command_id="c"),
        lambda: api.devboxes.logs.list("dbx_unknown"),
        lambda: api.devboxes.retrieve_resource_usage("dbx_unknown"),
        lambda: api.devboxes.read_file_contents("dbx_unknown", file_path="a"),
        lambda: api.devboxes.executions.kill("exe_unknown", devbox_id=devbox.id),
    ):
        with pytest.raises(NotFoundError, match="unknown"):
            call()


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/v1/devboxes", b"{not json", "not valid JSON"),
        ("/v1/devboxes", b"[1, 2]", "JSON object"),
        ("/v1/devboxes", b'{"name": 5}', "`name`"),
        ("/v1/devboxes", b'{"metadata": {"a": 1}}', "`metadata.a`"),
        (
            "/v1/devboxes",
            b'{"launch_parameters": {"keep_alive_time_seconds": "soon"}}',
            "keep_alive_time_seconds",
        ),
        (
            "/v1/devboxes",
            b'{"launch_parameters": {"keep_alive_time_seconds": -5}}',
            "keep_alive_time_seconds",
        ),
        ("/v1/devboxes", b'{"launch_parameters": {"launch_commands": "echo"}}', "launch_commands"),
        (
            "/v1/devboxes",
            b'{"launch_parameters": {"after_idle": {"idle_time_seconds": 5, "on_idle": "explode"}}}',
            "on_idle",
        ),
        (
            "/v1/devboxes",
            b'{"launch_parameters": {"user_parameters": {"username": "Bad Name", "uid": 1}}}',
            "username",
        ),
        ("/v1/devboxes", b'{"environment_variables": {"1BAD": "x"}}', "environment_variables.1BAD"),
        ("/v1/devboxes", b'{"file_mounts": {"/etc/passwd": "x"}}', "file_mounts./etc/passwd"),
        ("/v1/devboxes", b'{"file_mounts": {"../x": "x"}}', "file_mounts"),
        ("/v1/devboxes?x=1", b'{"entrypoint": "  "}', "entrypoint"),
    ],
)
def test_malformed_create_is_400_naming_the_field_and_changes_nothing(
    raw: httpx.Client, path: str, body: bytes, field: str
) -> None:
    before = raw.get("/v1/devboxes", params={"include_total_count": "true", "limit": 1}).json()["total_count"]
    response = raw.post(path, content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400, response.text
    assert field in _message(response)
    after = raw.get("/v1/devboxes", params={"include_total_count": "true", "limit": 1}).json()["total_count"]
    assert after == before


def test_unsupported_create_fields_are_501(raw: httpx.Client) -> None:
    response = raw.post("/v1/devboxes", json={"gateways": {"g": {"gateway": "x", "secret": "s"}}})
    assert response.status_code == 501
    assert "gateways" in _message(response)


@pytest.mark.parametrize(
    ("method", "suffix", "body", "field"),
    [
        ("POST", "/execute", {"command": "true"}, "command_id"),
        ("POST", "/execute", {"command_id": "x"}, "command"),
        ("POST", "/execute", {"command": 3, "command_id": "x"}, "command"),
        ("POST", "/execute_async", {}, "command"),
        ("POST", "/wait_for_status", {"statuses": ["bogus"]}, "statuses"),
        ("POST", "/wait_for_status", {}, "statuses"),
        ("POST", "/write_file_contents", {"file_path": "a"}, "contents"),
        ("POST", "/read_file_contents", {"path": "a"}, "file_path"),
        ("POST", "/download_file", {}, "path"),
        ("POST", "", {"metadata": "nope"}, "metadata"),
    ],
)
def test_malformed_devbox_requests_are_400(
    raw: httpx.Client, devbox: DevboxView, method: str, suffix: str, body: dict[str, Any], field: str
) -> None:
    response = raw.request(method, f"/v1/devboxes/{devbox.id}{suffix}", json=body)
    assert response.status_code == 400, response.text
    assert f"`{field}" in _message(response)


def test_bad_query_parameters_are_400(raw: httpx.Client, devbox: DevboxView) -> None:
    cases: list[tuple[dict[str, str | int], str]] = [
        ({"limit": "lots"}, "limit"),
        ({"limit": 0}, "limit"),
        ({"status": "asleep"}, "status"),
    ]
    for params, name in cases:
        response = raw.get("/v1/devboxes", params=params)
        assert response.status_code == 400
        assert f"`{name}`" in _message(response)
    response = raw.get("/v1/devboxes", params={"starting_after": "dbx_gone"})
    assert response.status_code == 400
    run = raw.post(f"/v1/devboxes/{devbox.id}/execute_async", json={"command": "true"}).json()
    stream = raw.get(
        f"/v1/devboxes/{devbox.id}/executions/{run['execution_id']}/stream_stdout_updates",
        params={"offset": "x"},
    )
    assert stream.status_code == 400
    assert "`offset`" in _message(stream)
    stdin = raw.post(
        f"/v1/devboxes/{devbox.id}/executions/{run['execution_id']}/send_std_in", json={"signal": "KILL"}
    )
    assert stdin.status_code == 400
    assert "`signal`" in _message(stdin)


def test_commands_on_a_shut_down_devbox_are_400(api: RunloopAPI) -> None:
    view = api.devboxes.create_and_await_running()
    api.devboxes.shutdown(view.id)
    with pytest.raises(BadRequestError, match="is shutdown"):
        api.devboxes.execute(view.id, command="true", command_id=str(uuid.uuid4()))
    with pytest.raises(BadRequestError, match="is shutdown"):
        api.devboxes.executions.execute_async(view.id, command="true")
    with pytest.raises(BadRequestError, match="is shutdown"):
        api.devboxes.write_file_contents(view.id, file_path="a", contents="b")
    with pytest.raises(BadRequestError, match="is shutdown"):
        api.devboxes.keep_alive(view.id)
    with pytest.raises(BadRequestError, match="not suspended"):
        api.devboxes.resume(view.id)


def test_every_operation_not_built_answers_501_naming_it(raw: httpx.Client) -> None:
    implemented = implemented_operations()
    checked = 0
    for method, path, operation_id in SPEC_OPERATIONS:
        if (method, path) in implemented:
            continue
        concrete = re.sub(r"\{[^}]+\}", "x1", path)
        response = raw.request(method, concrete, json={} if method == "POST" else None)
        assert response.status_code == 501, (method, path, response.status_code)
        assert operation_id in _message(response)
        checked += 1
    assert checked == len(SPEC_OPERATIONS) - len(implemented)
    # + createDevboxSshKey, the 5 network-policy operations, enable/remove tunnel, the 5 computer ones
    # + the 5 custom scorer operations and the 6 agent operations (evala), the 17 scenario and
    # scenario-run operations, the 28 benchmark operations (6 of them deprecated aliases)
    assert len(implemented) == 135


def test_no_spec_operation_answers_404_or_405_for_its_route(raw: httpx.Client) -> None:
    for method, path, _ in SPEC_OPERATIONS:
        concrete = re.sub(r"\{[^}]+\}", "x1", path)
        response = raw.request(method, concrete, json={} if method == "POST" else None)
        if response.status_code == 404:  # only ever "that id does not exist"
            assert "not found" in _message(response), (method, path)
        assert response.status_code != 405, (method, path)
        assert response.status_code < 500 or response.status_code == 501, (method, path)


def test_undeclared_methods_on_spec_paths_answer_405_with_allow(raw: httpx.Client) -> None:
    for method, path, expected in (
        ("DELETE", "/v1/devboxes/x1", "GET, HEAD, POST"),
        ("PUT", "/v1/objects", "GET, HEAD, POST"),
        ("TRACE", "/v1/secrets/x1/delete", "POST"),
        ("PATCH", "/v1/devboxes/x1/execute", "POST"),
    ):
        response = raw.request(method, path)
        assert response.status_code == 405, (method, path, response.text)
        assert response.headers["allow"] == expected
        assert f"{method} is not allowed" in _message(response)


def test_paths_outside_the_spec_are_json_404(raw: httpx.Client) -> None:
    response = raw.get("/v2/whatever")
    assert response.status_code == 404
    assert "no such endpoint" in _message(response)


def test_the_operation_table_matches_the_spec() -> None:
    spec_ops = [
        (method.upper(), path, op["operationId"])
        for path, item in load_spec()["paths"].items()
        for method, op in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]
    assert list(SPEC_OPERATIONS) == spec_ops


def test_oversized_json_bodies_are_413(
    raw: httpx.Client, devbox: DevboxView, monkeypatch: pytest.MonkeyPatch
) -> None:
    from runloop_local.http import requests as _common

    monkeypatch.setattr(_common, "MAX_JSON_BODY_BYTES", 1000)
    response = raw.post(
        f"/v1/devboxes/{devbox.id}/write_file_contents", json={"file_path": "big.txt", "contents": "x" * 2000}
    )
    assert response.status_code == 413
    assert "upload_file" in _message(response)


def test_empty_typed_query_values_and_blank_bodies_are_refused(raw: httpx.Client) -> None:
    # The spec types these parameters: an empty value is no integer, boolean or enum value.
    for path in (
        "/v1/devboxes?limit=",
        "/v1/devboxes?include_total_count=",
        "/v1/objects?state=",
        "/v1/objects?content_type=",
    ):
        response = raw.get(path)
        assert response.status_code == 400, (path, response.text)
    # No body is an empty create; a body of whitespace is not JSON.
    response = raw.post("/v1/devboxes/dbx_none/execute_async", content=b" \t")
    assert response.status_code == 400
    assert "not valid JSON" in _message(response)


def test_the_raw_client_reaches_every_operation_not_built_and_gets_its_501(api: RunloopAPI) -> None:
    # Through the generated methods (sync), with every argument the spec allows: the engine
    # answers each operation it has not built with a 501 naming it, never a 404 or a 400.
    implemented = implemented_operations()
    called: set[str] = set()
    for op in in_scope_operations():
        if (op.method, op.path) in implemented:
            continue
        method: Any = api
        for part in op.client_method.split("."):
            method = getattr(method, part)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # tests/api checks the warnings
            with pytest.raises(APIStatusError) as err:
                result = method(**Exchange.build(op).kwargs)
                if isinstance(result, EventStream):  # streams send their request when read
                    list(result)
        assert err.value.status_code == 501, op.operation_id
        assert op.operation_id in str(err.value), op.operation_id
        called.add(op.operation_id)
    evaluation = {
        op.operation_id
        for op in in_scope_operations()
        if {"Agent", "Scenario", "Benchmark"} & set(op.op.get("tags", []))
    }
    assert len(evaluation) == 56  # the 55 and validateCustomScorer
    assert evaluation - set(implemented.values()) <= called
