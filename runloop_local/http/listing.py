"""List answers: page queries and bodies, as the list operations of the evaluation objects give them."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .requests import query_bool, query_int, query_value

__all__ = ["list_body", "page_query"]


def page_query(request: Request) -> tuple[int, str | None, bool]:
    """``limit``, ``starting_after`` and ``include_total_count`` (true by default, as the spec says)."""
    limit = query_int(request, "limit", 20, low=1, high=5000)
    include_total = query_bool(request, "include_total_count", default=True)
    return limit, query_value(request, "starting_after") or None, include_total


def list_body(
    key: str, items: list[dict[str, Any]], has_more: bool, total: int, include_total: bool
) -> Response:
    """A list answer: ``{key: items, has_more, total_count?}``."""
    body: dict[str, Any] = {key: items, "has_more": has_more}
    if include_total:
        body["total_count"] = total
    return JSONResponse(body)
