"""The retry policy as a caller sees it: what is sent again, how often, and after how long."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from runloop_api import (
    APIConnectionError,
    InternalServerError,
    RateLimitError,
    RequestTimeoutError,
)
from runloop_api.types import DevboxView

from ._fakes import DEVBOX, Script, async_api, json_response, no_sleep, sync_api


def ok() -> httpx.Response:
    """A fresh 200 with a devbox (responses are single-use)."""
    return json_response(200, DEVBOX)


@pytest.mark.parametrize("status", [408, 429, 502, 503, 504])
def test_get_is_retried_on_transient_statuses(status: int, monkeypatch: pytest.MonkeyPatch) -> None:
    script = Script(json_response(status, {"message": "later"}), ok())
    with no_sleep(monkeypatch) as sleeps, sync_api(script) as api:
        view = api.devboxes.retrieve("dbx_1")
    assert isinstance(view, DevboxView)
    assert script.paths == ["GET /v1/devboxes/dbx_1"] * 2
    assert len(sleeps.seconds) == 1


@pytest.mark.parametrize("status", [400, 401, 404, 409, 500])
def test_other_statuses_are_not_retried(status: int, monkeypatch: pytest.MonkeyPatch) -> None:
    script = Script(json_response(status, {"message": "no"}))
    with no_sleep(monkeypatch), sync_api(script) as api, pytest.raises(Exception, match="no"):
        api.devboxes.retrieve("dbx_1")
    assert len(script.requests) == 1


def test_retries_stop_after_max_retries_with_growing_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    script = Script(*[json_response(503, {"message": "down"}) for _ in range(5)])
    api = sync_api(script, max_retries=4)
    with no_sleep(monkeypatch) as sleeps, api, pytest.raises(InternalServerError, match="down"):
        api.devboxes.retrieve("dbx_1")
    assert len(script.requests) == 5
    assert len(sleeps.seconds) == 4
    # Full jitter within [ceiling/2, ceiling], the ceiling doubling from 0.5 s.
    for attempt, seconds in enumerate(sleeps.seconds, start=1):
        ceiling = 0.5 * 2 ** (attempt - 1)
        assert ceiling / 2 <= seconds <= ceiling


def test_max_retries_zero_sends_once(monkeypatch: pytest.MonkeyPatch) -> None:
    script = Script(json_response(503, {}))
    with no_sleep(monkeypatch), sync_api(script, max_retries=0) as api, pytest.raises(InternalServerError):
        api.devboxes.retrieve("dbx_1")
    assert len(script.requests) == 1


@pytest.mark.parametrize(
    ("header", "expected"),
    [("3", 3.0), ("0.25", 0.25), ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0), ("999", 60.0)],
)
def test_retry_after_is_honoured(header: str, expected: float, monkeypatch: pytest.MonkeyPatch) -> None:
    script = Script(json_response(429, {"message": "slow down"}, {"retry-after": header}), ok())
    with no_sleep(monkeypatch) as sleeps, sync_api(script) as api:
        api.devboxes.retrieve("dbx_1")
    assert sleeps.seconds == [expected]


async def test_retry_after_is_honoured_async(monkeypatch: pytest.MonkeyPatch) -> None:
    script = Script(
        json_response(503, {}, {"retry-after": "2"}),
        json_response(503, {}, {"retry-after": "5"}),
        ok(),
    )
    with no_sleep(monkeypatch) as sleeps:
        async with async_api(script) as api:
            await api.devboxes.retrieve("dbx_1")
    assert sleeps.seconds == [2.0, 5.0]
    assert len(script.requests) == 3


AFTER_SENDING = [
    httpx.ReadError("connection reset after the request was sent"),
    httpx.RemoteProtocolError("server disconnected without a response"),
    httpx.ReadTimeout("no answer"),
    json_response(502, {"message": "bad gateway"}),
    json_response(504, {"message": "gateway timeout"}),
]
AFTER_SENDING_IDS = ["read-error", "disconnect", "read-timeout", "502", "504"]


@pytest.mark.parametrize("failure", AFTER_SENDING, ids=AFTER_SENDING_IDS)
def test_a_keyed_create_is_repeated_with_its_key_when_the_server_may_have_acted(
    failure: httpx.Response | Exception, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The server runs a create once per x-request-id: the repeat answers what the first made.
    script = Script(failure, failure if isinstance(failure, Exception) else json_response(502, {}), ok())
    with no_sleep(monkeypatch), sync_api(script, max_retries=3) as api:
        view = api.devboxes.create(name="once")
    assert view.id == "dbx_1"
    assert script.paths == ["POST /v1/devboxes"] * 3
    keys = {r.headers["x-request-id"] for r in script.requests}
    assert len(keys) == 1 and keys.pop().startswith("rl-")


@pytest.mark.parametrize(
    ("call", "path"),
    [
        (
            lambda api: api.devboxes.create_and_await_running(name="a"),
            "/v1/devboxes/create_and_await_running",
        ),
        (lambda api: api.devboxes.snapshot_disk("dbx_1"), "/v1/devboxes/dbx_1/snapshot_disk"),
        (lambda api: api.devboxes.snapshot_disk_async("dbx_1"), "/v1/devboxes/dbx_1/snapshot_disk_async"),
        (lambda api: api.objects.create(name="o", content_type="text"), "/v1/objects"),
        (lambda api: api.blueprints.create(name="b"), "/v1/blueprints"),
        (lambda api: api.secrets.create(name="S", value="v"), "/v1/secrets"),
        (
            lambda api: api.devboxes.executions.execute_async("dbx_1", command="ls"),
            "/v1/devboxes/dbx_1/execute_async",
        ),
        (
            lambda api: api.devboxes.execute("dbx_1", command="ls", command_id="c1"),
            "/v1/devboxes/dbx_1/execute",
        ),
        (lambda api: api.devboxes.shutdown("dbx_1"), "/v1/devboxes/dbx_1/shutdown"),
        (
            lambda api: api.devboxes.write_file_contents("dbx_1", file_path="a", contents="x"),
            "/v1/devboxes/dbx_1/write_file_contents",
        ),
        (
            lambda api: api.devboxes.upload_file("dbx_1", path="a", file=b"bytes"),
            "/v1/devboxes/dbx_1/upload_file",
        ),
    ],
    ids=[
        "create-and-await",
        "snapshot",
        "snapshot-async",
        "object",
        "blueprint",
        "secret",
        "exec-async",
        "execute",
        "shutdown",
        "write-file",
        "upload-file",
    ],
)
def test_repeatable_posts_are_sent_again_after_a_cut_answer_with_one_key(
    call: Any, path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        answers.append(request)
        return httpx.Response(599)  # never parsed: the test only looks at what was sent

    script = Script(httpx.RemoteProtocolError("cut"), httpx.ReadError("reset"), answer)
    with no_sleep(monkeypatch), sync_api(script, max_retries=2) as api, pytest.raises(InternalServerError):
        call(api)
    assert len(script.requests) == 3
    assert len({r.headers["x-request-id"] for r in script.requests}) == 1
    assert len({r.read() for r in script.requests}) == 1  # the same body each time (uploads too)
    assert script.requests[0].url.path == path


def test_a_callers_idempotency_key_is_kept_on_every_attempt(monkeypatch: pytest.MonkeyPatch) -> None:
    script = Script(httpx.ReadError("reset"), httpx.RemoteProtocolError("cut"), ok())
    with no_sleep(monkeypatch), sync_api(script) as api:
        api.devboxes.create(name="a", idempotency_key="my-create")
    assert [r.headers["x-request-id"] for r in script.requests] == ["my-create"] * 3


async def test_an_async_keyed_create_is_repeated_after_a_reset(monkeypatch: pytest.MonkeyPatch) -> None:
    script = Script(httpx.ReadError("reset"), ok())
    with no_sleep(monkeypatch):
        async with async_api(script) as api:
            view = await api.devboxes.create(name="a")
    assert view.id == "dbx_1"
    assert len({r.headers["x-request-id"] for r in script.requests}) == 1 and len(script.requests) == 2


@pytest.mark.parametrize("failure", [*AFTER_SENDING, json_response(408, {})], ids=[*AFTER_SENDING_IDS, "408"])
def test_a_change_without_a_key_is_not_repeated_when_the_server_may_have_acted(
    failure: httpx.Response | Exception, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Suspending runs again on a repeat (the server keeps no key for it): sent once only.
    script = Script(failure, ok())
    api = sync_api(script, max_retries=3)
    with (
        no_sleep(monkeypatch),
        api,
        pytest.raises((APIConnectionError, InternalServerError, RequestTimeoutError)),
    ):
        api.devboxes.suspend("dbx_1")
    assert script.paths == ["POST /v1/devboxes/dbx_1/suspend"]


@pytest.mark.parametrize(
    "failure",
    [
        httpx.ConnectError("refused"),
        httpx.ConnectTimeout("no route"),
        json_response(429, {"message": "rate limited"}),
        json_response(503, {"message": "unavailable"}),
    ],
    ids=["connect-error", "connect-timeout", "429", "503"],
)
async def test_create_is_repeated_when_the_server_cannot_have_acted(
    failure: httpx.Response | Exception, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = Script(failure, ok())
    with no_sleep(monkeypatch):
        async with async_api(script) as api:
            view = await api.devboxes.create(name="twice")
    assert view.id == "dbx_1"
    assert script.paths == ["POST /v1/devboxes"] * 2


def test_every_retry_of_one_call_carries_the_same_request_id(monkeypatch: pytest.MonkeyPatch) -> None:
    script = Script(httpx.ConnectError("refused"), json_response(429, {}), ok(), ok())
    with no_sleep(monkeypatch), sync_api(script) as api:
        api.devboxes.create(name="a")
        api.devboxes.create(name="b")
    ids = [r.headers["x-request-id"] for r in script.requests]
    assert len(ids) == 4
    assert ids[0] == ids[1] == ids[2]
    assert ids[3] != ids[0]


def test_caller_chosen_idempotency_key_is_sent(monkeypatch: pytest.MonkeyPatch) -> None:
    script = Script(json_response(503, {}), ok())
    with no_sleep(monkeypatch), sync_api(script) as api:
        api.devboxes.create(name="a", idempotency_key="my-key")
    assert [r.headers["x-request-id"] for r in script.requests] == ["my-key", "my-key"]


def test_read_only_post_is_retried_after_a_read_error(monkeypatch: pytest.MonkeyPatch) -> None:
    script = Script(httpx.ReadError("reset"), httpx.Response(200, text="hello"))
    with no_sleep(monkeypatch), sync_api(script) as api:
        assert api.devboxes.read_file_contents("dbx_1", file_path="/a") == "hello"
    assert len(script.requests) == 2


def test_wait_for_status_408_means_not_yet(monkeypatch: pytest.MonkeyPatch) -> None:
    provisioning = {**DEVBOX, "status": "provisioning"}
    script = Script(json_response(408, {"message": "still waiting"}), json_response(200, provisioning))
    with no_sleep(monkeypatch) as sleeps, sync_api(script) as api:
        view = api.devboxes.wait_for_status("dbx_1", statuses=["running"])
    assert view.status == "provisioning"
    assert script.paths == ["POST /v1/devboxes/dbx_1/wait_for_status", "GET /v1/devboxes/dbx_1"]
    assert sleeps.seconds == []


async def test_execution_wait_for_status_408_reads_the_execution(monkeypatch: pytest.MonkeyPatch) -> None:
    running = {"execution_id": "exe_1", "devbox_id": "dbx_1", "status": "running"}
    script = Script(json_response(408, {}), json_response(200, running))
    with no_sleep(monkeypatch):
        async with async_api(script) as api:
            view = await api.devboxes.executions.wait_for_status(
                "exe_1", devbox_id="dbx_1", statuses=["completed"]
            )
    assert view.status == "running"
    assert script.paths[-1] == "GET /v1/devboxes/dbx_1/executions/exe_1"


def test_long_poll_read_timeout_outlasts_the_servers_hold() -> None:
    script = Script(ok(), ok(), ok())
    with sync_api(script, timeout=5.0) as api:
        api.devboxes.wait_for_status("dbx_1", statuses=["running"], timeout_seconds=25)
        api.devboxes.wait_for_status("dbx_1", statuses=["running"])  # the server's own hold
        api.devboxes.retrieve("dbx_1")
    chosen, default, plain = (r.extensions["timeout"] for r in script.requests)
    assert chosen["read"] >= 25 + 5
    assert default["read"] >= 30 + 5
    assert plain["read"] == 5.0


def test_rate_limit_exhausted_raises_rate_limit_error(monkeypatch: pytest.MonkeyPatch) -> None:
    script = Script(*[json_response(429, {"message": "quota"}) for _ in range(3)])
    with no_sleep(monkeypatch), sync_api(script) as api, pytest.raises(RateLimitError, match="quota"):
        api.devboxes.create(name="x")
    assert len(script.requests) == 3


def test_optimistic_execute_read_timeout_outlasts_its_wait() -> None:
    done = {"execution_id": "exe_1", "devbox_id": "dbx_1", "status": "completed", "exit_status": 0}
    script = Script(json_response(200, done))
    with sync_api(script, timeout=5.0) as api:
        view = api.devboxes.execute("dbx_1", command="true", command_id="cmd_1", optimistic_timeout=20)
    assert view.exit_status == 0
    assert script.requests[0].extensions["timeout"]["read"] >= 20 + 5


def test_the_read_after_a_long_poll_408_keeps_the_callers_headers(monkeypatch: pytest.MonkeyPatch) -> None:
    script = Script(json_response(408, {}), ok())
    with no_sleep(monkeypatch), sync_api(script) as api:
        api.devboxes.wait_for_status(
            "dbx_1", statuses=["running"], extra_headers={"X-Trace": "t-1"}, timeout=3.0
        )
    wait, read = script.requests
    assert wait.headers["x-trace"] == read.headers["x-trace"] == "t-1"
    assert read.extensions["timeout"]["read"] == 3.0
    assert wait.extensions["timeout"]["read"] >= 30.0


def test_an_execute_408_is_the_callers_answer_not_retried(monkeypatch: pytest.MonkeyPatch) -> None:
    # execute is repeatable (one command_id), but a 408 says "still running": the caller decides.
    script = Script(json_response(408, {"message": "still running"}), ok())
    with no_sleep(monkeypatch), sync_api(script) as api, pytest.raises(RequestTimeoutError):
        api.devboxes.execute("dbx_1", command="sleep 60", command_id="c1", optimistic_timeout=1)
    assert len(script.requests) == 1


def test_a_generated_command_id_is_the_same_on_every_retry() -> None:
    import json

    import httpx

    from runloop_api import RunloopAPI

    seen: list[str] = []

    def server(request: httpx.Request) -> httpx.Response:
        seen.append(json.loads(request.content)["command_id"])
        if len(seen) == 1:
            raise httpx.ConnectError("dropped", request=request)
        return httpx.Response(
            200, json={"devbox_id": "dbx_1", "execution_id": "exe_1", "status": "completed", "exit_status": 0}
        )

    with (
        httpx.Client(transport=httpx.MockTransport(server)) as client,
        RunloopAPI(bearer_token="t", base_url="http://test", http_client=client, max_retries=2) as api,
    ):
        view = api.devboxes.execute("dbx_1", command="true")
    assert view.exit_status == 0
    assert len(seen) == 2 and seen[0] == seen[1]
