"""Fixtures: SDKs wired to the in-memory fake API (and, where it works, the local engine)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from runloop_sdk import AsyncRunloopSDK, PollingConfig, RunloopSDK

from ._fake import BASE_URL, FakeRunloop

FAST = PollingConfig(interval=0.0, max_attempts=None, timeout=10.0)


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
