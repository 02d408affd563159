"""The same call through this client and the official one puts the same request on the wire.

Runs for every in-scope operation the official client (``runloop_api_client`` 3.x) has a method
for, with the arguments built from the spec. Skipped when the official client is not installed.
"""

from __future__ import annotations

import inspect
import json
import warnings
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from runloop_api import RunloopAPI

from ._exchange import Exchange
from ._spec import BASE_URL, SpecOperation, in_scope_operations

official = pytest.importorskip("runloop_api_client")

# Its hand-written helper polls until running: not one request to compare.
NOT_ONE_REQUEST = {"createAndAwaitRunning"}


def _official_name(op: SpecOperation) -> str | None:
    entries: list[str] = op.op.get("x-client-methods") or []
    for entry in entries:
        name, _, version = entry.partition(" ")
        if version.startswith("(3.") and op.operation_id not in NOT_ONE_REQUEST:
            return name
    return None


SHARED = [op for op in in_scope_operations() if _official_name(op) is not None]


def _call(client: Any, dotted: str, kwargs: dict[str, Any], *, newer_to: str | None = None) -> None:
    target = client
    for part in dotted.split("."):
        target = getattr(target, part)
    if newer_to is not None:
        # Fields the spec gained after the official client's release (``shell_name`` on execute
        # and the logs): it sends them through ``extra_body`` or ``extra_query``, as its users would.
        accepted = inspect.signature(target).parameters
        newer = {k: v for k, v in kwargs.items() if k not in accepted}
        kwargs = {k: v for k, v in kwargs.items() if k in accepted}
        if newer:
            kwargs[newer_to] = newer
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # execute_sync is deprecated by the API
        result = target(**kwargs)
    if type(result).__name__ in {"Stream", "EventStream"}:
        for _ in result:
            pass


def _capture(
    make: Callable[[httpx.Client], Any], exchange: Exchange, dotted: str, *, newer_to: str | None = None
) -> httpx.Request:
    seen: list[httpx.Request] = []

    def server(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        exchange.requests.clear()
        return exchange.handle(request)

    client = make(httpx.Client(transport=httpx.MockTransport(server)))
    _call(client, dotted, exchange.kwargs, newer_to=newer_to)
    assert len(seen) == 1
    return seen[0]


def _body(request: httpx.Request) -> Any:
    content = request.read()
    if request.headers.get("content-type", "").startswith("multipart/"):
        return "multipart"
    return json.loads(content) if content else None


def _media_type(request: httpx.Request) -> str | None:
    value = request.headers.get("content-type")
    return None if value is None else value.split(";")[0].strip()


def test_the_official_client_shares_most_operations() -> None:
    assert len(SHARED) >= 60


@pytest.mark.parametrize("op", SHARED, ids=str)
def test_same_request_as_the_official_client(op: SpecOperation) -> None:
    exchange = Exchange.build(op)
    ours = _capture(
        lambda http: RunloopAPI(bearer_token="t", base_url=BASE_URL, http_client=http, max_retries=0),
        exchange,
        op.client_method,
    )
    name = _official_name(op)
    assert name is not None
    exchange.check_accept = False  # checked against ours below
    theirs = _capture(
        lambda http: official.Runloop(bearer_token="t", base_url=BASE_URL, http_client=http, max_retries=0),
        exchange,
        name,
        newer_to="extra_query" if op.method.upper() == "GET" else "extra_body",
    )
    assert ours.method == theirs.method
    assert ours.url.raw_path == theirs.url.raw_path
    assert _body(ours) == _body(theirs)
    assert ("x-request-id" in ours.headers) == ("x-request-id" in theirs.headers)
    assert ours.headers["authorization"] == theirs.headers["authorization"]
    # Bodyless POSTs too: the official client says application/json over an empty body.
    assert _media_type(ours) == _media_type(theirs)
    assert ours.headers.get("content-length") == theirs.headers.get("content-length")
    # Known, deliberate difference: the official client asks for JSON from the eviction stream.
    if op.operation_id != "watchEvictions":
        assert ours.headers["accept"] == theirs.headers["accept"]
