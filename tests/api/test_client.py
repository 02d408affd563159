"""Client configuration as seen on the wire, and who closes the connection pool."""

from __future__ import annotations

import httpx
import pytest

from runloop_api import AsyncRunloopAPI, RunloopAPI

from ._fakes import DEVBOX, Script, async_api, json_response, sync_api


def test_environment_configures_the_client(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RUNLOOP_API_KEY", "env-token")
    monkeypatch.setenv("RUNLOOP_BASE_URL", "http://127.0.0.1:9/api/")
    script = Script(json_response(200, DEVBOX))
    with RunloopAPI(http_client=httpx.Client(transport=httpx.MockTransport(script))) as api:
        assert api.base_url == "http://127.0.0.1:9/api"
        api.devboxes.retrieve("dbx_1")
    request = script.requests[0]
    assert str(request.url) == "http://127.0.0.1:9/api/v1/devboxes/dbx_1"
    assert request.headers["authorization"] == "Bearer env-token"


def test_default_and_per_call_headers_and_timeouts() -> None:
    script = Script(json_response(200, DEVBOX), json_response(200, DEVBOX))
    http = httpx.Client(transport=httpx.MockTransport(script))
    with RunloopAPI(
        bearer_token="t",
        base_url="https://x.test",
        timeout=7.0,
        default_headers={"X-Team": "agents"},
        http_client=http,
    ) as api:
        api.devboxes.retrieve("dbx_1")
        api.devboxes.retrieve("dbx_1", extra_headers={"X-Team": "override"}, timeout=httpx.Timeout(2.0))
    first, second = script.requests
    assert first.headers["x-team"] == "agents"
    assert first.extensions["timeout"]["read"] == 7.0
    assert second.headers["x-team"] == "override"
    assert second.extensions["timeout"]["read"] == 2.0


def test_bodyless_posts_say_json_like_the_official_client() -> None:
    script = Script(*[json_response(200, DEVBOX)] * 4)
    with sync_api(script) as api:
        api.devboxes.shutdown("dbx_1")
        api.devboxes.shutdown("dbx_1", extra_body={"reason": "done"})
        api.devboxes.retrieve("dbx_1")
        api.devboxes.shutdown("dbx_1", extra_headers={"Content-Type": "application/x-custom"})
    bodyless, with_body, get, custom = script.requests
    assert bodyless.headers["content-type"] == "application/json"
    assert bodyless.read() == b"" and bodyless.headers["content-length"] == "0"
    assert with_body.headers["content-type"] == "application/json"
    assert with_body.read() == b'{"reason":"done"}'
    assert "content-type" not in get.headers
    assert custom.headers["content-type"] == "application/x-custom"  # the caller's header wins


async def test_async_bodyless_posts_say_json() -> None:
    script = Script(json_response(200, DEVBOX))
    async with async_api(script) as api:
        await api.devboxes.suspend("dbx_1")
    (request,) = script.requests
    assert request.method == "POST"
    assert request.headers["content-type"] == "application/json"
    assert request.read() == b""


def test_extra_query_is_sent() -> None:
    script = Script(json_response(200, DEVBOX))
    with RunloopAPI(
        bearer_token="t",
        base_url="https://x.test",
        http_client=httpx.Client(transport=httpx.MockTransport(script)),
    ) as api:
        api.devboxes.retrieve("dbx_1", extra_query={"expand": "all"})
    assert script.requests[0].url.params["expand"] == "all"


def test_a_callers_http_client_is_left_open() -> None:
    http = httpx.Client(transport=httpx.MockTransport(Script()))
    with RunloopAPI(bearer_token="t", http_client=http):
        pass
    assert not http.is_closed
    http.close()


def test_an_owned_pool_is_closed_on_exit() -> None:
    with RunloopAPI(bearer_token="t") as api:
        pool = api.http_client
    assert pool.is_closed


async def test_async_pools_follow_the_same_rule() -> None:
    mine = httpx.AsyncClient(transport=httpx.MockTransport(Script()))
    async with AsyncRunloopAPI(bearer_token="t", http_client=mine):
        pass
    assert not mine.is_closed
    await mine.aclose()
    async with AsyncRunloopAPI(bearer_token="t") as api:
        owned = api.http_client
    assert owned.is_closed
