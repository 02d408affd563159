"""Iterating a page walks every following page, sync and async."""

from __future__ import annotations

from urllib.parse import parse_qs

import httpx
import pytest

from runloop_api import AsyncPage, NotFoundError, Page
from runloop_api.types import DevboxView

from ._fakes import DEVBOX, async_api, json_response, sync_api

IDS = [f"dbx_{n}" for n in range(7)]


class ThreePages:
    """Serves ``IDS`` three per page, cut by ``starting_after``, and records the queries."""

    def __init__(self) -> None:
        self.queries: list[dict[str, list[str]]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        query = parse_qs(request.url.query.decode())
        self.queries.append(query)
        after = query.get("starting_after", [None])[0]
        start = IDS.index(after) + 1 if after else 0
        limit = int(query["limit"][0])
        chunk = IDS[start : start + limit]
        body = {
            "devboxes": [{**DEVBOX, "id": i} for i in chunk],
            "has_more": start + limit < len(IDS),
            "total_count": len(IDS),
        }
        return json_response(200, body)


def test_sync_iteration_walks_three_pages() -> None:
    server = ThreePages()
    with sync_api(server) as api:
        page = api.devboxes.list(limit=3, status="running")
        assert isinstance(page, Page)
        assert [d.id for d in page.items] == IDS[:3]
        assert page.has_more and page.total_count == 7
        seen = [d.id for d in page]
    assert seen == IDS
    assert [q.get("starting_after") for q in server.queries] == [None, ["dbx_2"], ["dbx_5"]]
    # The filters of the first call are kept on every following page.
    assert all(q["status"] == ["running"] and q["limit"] == ["3"] for q in server.queries)


async def test_async_iteration_walks_three_pages() -> None:
    server = ThreePages()
    async with async_api(server) as api:
        page = await api.devboxes.list(limit=3)
        assert isinstance(page, AsyncPage)
        items = [d async for d in page]
    assert all(isinstance(d, DevboxView) for d in items)
    assert [d.id for d in items] == IDS
    assert len(server.queries) == 3


async def test_async_pages_one_by_one() -> None:
    server = ThreePages()
    async with async_api(server) as api:
        first = await api.devboxes.list(limit=3)
        pages = [p async for p in first.iter_pages()]
        last = pages[-1]
        assert not last.has_next_page()
        with pytest.raises(StopAsyncIteration):
            await last.next_page()
    assert [len(p) for p in pages] == [3, 3, 1]


def test_sync_next_page_on_the_last_page_stops() -> None:
    with sync_api(ThreePages()) as api:
        page = api.devboxes.list(limit=10)
        assert not page.has_next_page()
        assert page.next_cursor() is None
        with pytest.raises(StopIteration):
            page.next_page()


def test_a_page_that_claims_more_but_is_empty_ends_the_walk() -> None:
    calls: list[httpx.Request] = []

    def server(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return json_response(200, {"devboxes": [], "has_more": True})

    with sync_api(server) as api:
        assert list(api.devboxes.list()) == []
    assert len(calls) == 1


def test_an_error_on_a_later_page_surfaces() -> None:
    answers = [
        json_response(200, {"devboxes": [DEVBOX], "has_more": True}),
        json_response(404, {"message": "cursor expired"}),
    ]
    with sync_api(lambda _request: answers.pop(0), max_retries=0) as api:
        page = api.devboxes.list(limit=1)
        with pytest.raises(NotFoundError, match="cursor expired"):
            list(page)
