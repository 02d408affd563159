"""A scripted fake server and clients wired to it, for the failure-path tests."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest

from runloop_api import AsyncRunloopAPI, RunloopAPI

from ._spec import BASE_URL

Step = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]

DEVBOX = {
    "id": "dbx_1",
    "status": "running",
    "create_time_ms": 1_700_000_000_000,
    "capabilities": [],
    "launch_parameters": {},
    "metadata": {},
    "state_transitions": [],
}


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> httpx.Response:
    """An answer with a JSON body."""
    return httpx.Response(status, content=json.dumps(body).encode(), headers=headers or {})


class Script:
    """A fake server that answers each request with the next step of a script.

    A step is a response, an exception to raise (a transport failure), or a function of the
    request. Every request is recorded; running out of steps fails the test.
    """

    def __init__(self, *steps: Step) -> None:
        self.steps = list(steps)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if not self.steps:
            raise AssertionError(f"unexpected extra request {request.method} {request.url}")
        step = self.steps.pop(0)
        if isinstance(step, Exception):
            raise step
        if isinstance(step, httpx.Response):
            return step
        return step(request)

    @property
    def paths(self) -> list[str]:
        """``METHOD path`` of each request received."""
        return [f"{r.method} {r.url.path}" for r in self.requests]


def sync_api(handler: Callable[[httpx.Request], httpx.Response], **options: Any) -> RunloopAPI:
    """A sync client whose requests go to ``handler``."""
    http = httpx.Client(transport=httpx.MockTransport(handler))
    return RunloopAPI(bearer_token="test-token", base_url=BASE_URL, http_client=http, **options)


def async_api(handler: Callable[[httpx.Request], httpx.Response], **options: Any) -> AsyncRunloopAPI:
    """An async client whose requests go to ``handler``."""
    http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    return AsyncRunloopAPI(bearer_token="test-token", base_url=BASE_URL, http_client=http, **options)


class Sleeps:
    """Records the client's retry waits instead of sleeping them."""

    def __init__(self) -> None:
        self.seconds: list[float] = []

    def record(self, seconds: float) -> None:
        self.seconds.append(seconds)

    async def record_async(self, seconds: float) -> None:
        self.seconds.append(seconds)


@contextmanager
def no_sleep(monkeypatch: pytest.MonkeyPatch) -> Iterator[Sleeps]:
    """Makes time.sleep and asyncio.sleep return at once, recording how long they were asked for."""
    import asyncio
    import time

    sleeps = Sleeps()
    monkeypatch.setattr(time, "sleep", sleeps.record)
    monkeypatch.setattr(asyncio, "sleep", sleeps.record_async)
    yield sleeps
