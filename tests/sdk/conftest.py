"""Fixtures: SDKs wired to the in-memory fake API (and, where it works, the local engine)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from runloop_sdk import AsyncRunloopSDK, PollingConfig, RunloopSDK

from ._fake import BASE_URL, FakeRunloop

FAST = PollingConfig(interval=0.0, max_attempts=None, timeout=10.0)
LOCAL = PollingConfig(interval=0.2, max_attempts=None, timeout=60.0)


@pytest.fixture
def fake() -> FakeRunloop:
    """A fresh fake API."""
    return FakeRunloop()


@pytest.fixture
def sdk(fake: FakeRunloop) -> Iterator[RunloopSDK]:
    """A sync SDK talking to the fake."""
    http = httpx.Client(transport=httpx.MockTransport(fake))
    with RunloopSDK(bearer_token="test-token", base_url=BASE_URL, http_client=http, polling=FAST) as client:
        yield client
    http.close()


@pytest.fixture
async def async_sdk(fake: FakeRunloop) -> AsyncIterator[AsyncRunloopSDK]:
    """An async SDK talking to the fake."""
    http = httpx.AsyncClient(transport=httpx.MockTransport(fake))
    async with AsyncRunloopSDK(
        bearer_token="test-token", base_url=BASE_URL, http_client=http, polling=FAST
    ) as client:
        yield client
    await http.aclose()


@pytest.fixture(scope="session")
def engine() -> Iterator[Any]:
    """One embedded local engine for the whole session (skips when it cannot start)."""
    try:
        from runloop_local import LocalEngine
    except ImportError as exc:  # pragma: no cover - the engine is part of the dev install
        pytest.skip(f"runloop_local is not importable: {exc}")
    local = LocalEngine()
    local.start()
    try:
        yield local
    finally:
        local.stop()


@pytest.fixture
def local_sdk(engine: Any) -> Iterator[RunloopSDK]:
    """A sync SDK talking to the session's local engine."""
    with RunloopSDK(bearer_token=engine.token, base_url=engine.base_url, polling=LOCAL) as client:
        yield client


@pytest.fixture
async def local_async_sdk(engine: Any) -> AsyncIterator[AsyncRunloopSDK]:
    """An async SDK talking to the session's local engine."""
    async with AsyncRunloopSDK(bearer_token=engine.token, base_url=engine.base_url, polling=LOCAL) as client:
        yield client
