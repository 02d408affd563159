"""Every in-scope operation, sync and async: the request matches the spec, the answer parses.

Arguments come from the spec's schemas (every parameter and body field, optional ones too); the
fake server validates the request with openapi-core, compares it with the arguments given, and
answers with a spec-valid body that must come back as the declared model.
"""

from __future__ import annotations

import contextlib
import inspect
from typing import Any

import httpx
import pytest

import runloop_api
from runloop_api import AsyncRunloopAPI, RunloopAPI

from ._exchange import Exchange
from ._spec import BASE_URL, EXPECTED_OPERATION_COUNT, SpecOperation, in_scope_operations

OPERATIONS = in_scope_operations()


def test_every_in_scope_operation_is_covered() -> None:
    assert len(OPERATIONS) == EXPECTED_OPERATION_COUNT
    assert len({op.operation_id for op in OPERATIONS}) == EXPECTED_OPERATION_COUNT


def _method(api: Any, dotted: str) -> Any:
    target = api
    for part in dotted.split("."):
        target = getattr(target, part)
    return target


def _consume_sync(result: Any) -> list[Any] | None:
    if isinstance(result, runloop_api.EventStream):
        return list(result)
    if isinstance(result, runloop_api.BinaryResponse):
        return [b"".join(result.iter_bytes())]
    return None


async def _consume_async(result: Any) -> list[Any] | None:
    if isinstance(result, runloop_api.AsyncEventStream):
        return [item async for item in result]
    if isinstance(result, runloop_api.AsyncBinaryResponse):
        return [b"".join([chunk async for chunk in result.iter_bytes()])]
    return None


def _warns_if_deprecated(op: SpecOperation) -> contextlib.AbstractContextManager[object]:
    """Deprecated operations warn, naming themselves; the others must not warn (warnings fail tests)."""
    if op.op.get("deprecated"):
        return pytest.warns(DeprecationWarning, match=rf"\({op.operation_id}\) is deprecated by the API")
    return contextlib.nullcontext()


def test_deprecated_benchmark_run_methods_name_their_replacement() -> None:
    deprecated = {op.client_method for op in OPERATIONS if op.path.startswith("/v1/benchmarks/runs")}
    assert deprecated == {
        f"benchmarks.runs.{name}"
        for name in ("list", "retrieve", "cancel", "complete", "download_logs", "list_scenario_runs")
    }
    with RunloopAPI(bearer_token="test-token", base_url=BASE_URL) as api:
        for name in deprecated:
            replacement = name.replace("benchmarks.runs.", "benchmark_runs.")
            assert callable(_method(api, replacement))
            doc = " ".join((_method(api, name).__doc__ or "").split())
            assert "Deprecated by the API: calling it warns (``DeprecationWarning``)" in doc
            assert f"Use ``api.{replacement}`` instead." in doc


@pytest.mark.parametrize("op", OPERATIONS, ids=str)
def test_operation_sync(op: SpecOperation) -> None:
    exchange = Exchange.build(op)
    http = httpx.Client(transport=httpx.MockTransport(exchange.handle))
    with RunloopAPI(bearer_token="test-token", base_url=BASE_URL, http_client=http, max_retries=0) as api:
        with _warns_if_deprecated(op):
            result = _method(api, op.client_method)(**exchange.kwargs)
        streamed = _consume_sync(result)
    exchange.check_result(result, streamed)
    assert len(exchange.requests) == 1
    assert exchange.requests[0].headers["authorization"] == "Bearer test-token"
    assert ("x-request-id" in exchange.requests[0].headers) == (op.method != "GET")


@pytest.mark.parametrize("op", OPERATIONS, ids=str)
async def test_operation_async(op: SpecOperation) -> None:
    exchange = Exchange.build(op)
    http = httpx.AsyncClient(transport=httpx.MockTransport(exchange.handle))
    async with AsyncRunloopAPI(
        bearer_token="test-token", base_url=BASE_URL, http_client=http, max_retries=0
    ) as api:
        with _warns_if_deprecated(op):
            result = _method(api, op.client_method)(**exchange.kwargs)
            if inspect.isawaitable(result):
                result = await result
        streamed = await _consume_async(result)
    exchange.check_result(result, streamed)
    assert len(exchange.requests) == 1
    assert exchange.requests[0].headers["authorization"] == "Bearer test-token"
    assert ("x-request-id" in exchange.requests[0].headers) == (op.method != "GET")


def _aliases() -> list[tuple[SpecOperation, str]]:
    found = []
    for op in OPERATIONS:
        for entry in op.op.get("x-client-methods") or []:
            name = entry.split(" ")[0]
            if "(helper)" not in entry and name != op.client_method:
                found.append((op, name))
    return found


ALIASES = _aliases()


def test_aliases_exist() -> None:
    assert {name for _, name in ALIASES} >= {"devboxes.execute_async", "devboxes.list_disk_snapshots"}


@pytest.mark.parametrize(("op", "alias"), ALIASES, ids=lambda value: str(value))
def test_alias_sends_the_same_request(op: SpecOperation, alias: str) -> None:
    exchange = Exchange.build(op)
    http = httpx.Client(transport=httpx.MockTransport(exchange.handle))
    with RunloopAPI(bearer_token="test-token", base_url=BASE_URL, http_client=http, max_retries=0) as api:
        for name in (op.client_method, alias):
            with _warns_if_deprecated(op):
                result = _method(api, name)(**exchange.kwargs)
            exchange.check_result(result, _consume_sync(result))
    primary, aliased = exchange.requests
    assert (primary.method, primary.url, primary.content) == (aliased.method, aliased.url, aliased.content)
