"""A page of a cursor-paginated list; iterating it walks every following page."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from .._base.models import BaseModel
from .._base.pagination import next_cursor

if TYPE_CHECKING:
    from ._client_base import AsyncAPIClient

__all__ = ["AsyncPage"]

ItemT = TypeVar("ItemT")


class AsyncPage(Generic[ItemT]):
    """One page of results.

    ``page.items`` holds this page; ``async for item in page`` yields this page's items and then
    fetches and yields every following page, lazily.
    """

    def __init__(
        self,
        *,
        client: AsyncAPIClient,
        path: str,
        list_model: type[BaseModel],
        items_field: str,
        query: dict[str, Any],
        raw: BaseModel,
        build: dict[str, Any],
    ) -> None:
        self._client = client
        self._path = path
        self._list_model = list_model
        self._items_field = items_field
        self._query = query
        self._build = build
        self.raw = raw
        """The list view exactly as the server sent it."""
        self.items: list[ItemT] = list(getattr(raw, items_field) or [])
        """The items of this page."""

    @property
    def has_more(self) -> bool:
        """True when the server has more items after this page."""
        return bool(getattr(self.raw, "has_more", False))

    @property
    def total_count(self) -> int | None:
        """The total number of items, when the server counted them."""
        value = getattr(self.raw, "total_count", None)
        return value if isinstance(value, int) else None

    def next_cursor(self) -> str | None:
        """The ``starting_after`` of the next page, or None on the last page."""
        return next_cursor(self.items, self.has_more)

    def has_next_page(self) -> bool:
        """True when :meth:`next_page` would fetch another page."""
        return self.next_cursor() is not None

    async def next_page(self) -> AsyncPage[ItemT]:
        """Fetches the page after this one.

        Raises:
            StopAsyncIteration: When this is the last page.
        """
        cursor = self.next_cursor()
        if cursor is None:
            raise StopAsyncIteration("this is the last page")
        return await self._client.request_page(
            self._path,
            list_model=self._list_model,
            items_field=self._items_field,
            query={**self._query, "starting_after": cursor},
            **self._build,
        )

    async def iter_pages(self) -> AsyncIterator[AsyncPage[ItemT]]:
        """Yields this page and then each following page."""
        page: AsyncPage[ItemT] = self
        while True:
            yield page
            if not page.has_next_page():
                return
            page = await page.next_page()

    async def __aiter__(self) -> AsyncIterator[ItemT]:
        async for page in self.iter_pages():
            for item in page.items:
                yield item

    def __len__(self) -> int:
        return len(self.items)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(items={len(self.items)}, has_more={self.has_more})"
