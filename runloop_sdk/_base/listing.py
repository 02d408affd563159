"""What ``sdk.<kind>.list()`` returns: lazy over every page, and usable as the list it was.

The official SDK's ``list()`` returns a ``list`` (``await``-ed when async); ours walked every
page lazily. A listing is both: ``for``/``async for`` fetch pages as the loop goes, and
``await listing`` (async) or ``len``/indexing (sync) read it whole.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Generator, Iterable, Iterator
from typing import Generic, TypeVar, overload

__all__ = ["AsyncListing", "Listing"]

V = TypeVar("V")
T = TypeVar("T")


class AsyncListing(Generic[V, T]):
    """Every item of a paged list (``async for``), or all of them at once (``await``).

    Args:
        fetch: Fetches the first page (an async iterable that pages on by itself).
        wrap: Makes the SDK's object of one item of the page.
        limit: Yield at most this many (``None``: all).
    """

    def __init__(
        self,
        fetch: Callable[[], Awaitable[AsyncIterable[V]]],
        wrap: Callable[[V], T],
        limit: int | None = None,
    ) -> None:
        self._fetch = fetch
        self._wrap = wrap
        self._limit = limit

    async def __aiter__(self) -> AsyncIterator[T]:
        if self._limit is not None and self._limit <= 0:
            return
        count = 0
        async for view in await self._fetch():
            yield self._wrap(view)
            count += 1
            if self._limit is not None and count >= self._limit:
                return

    async def _collect(self) -> list[T]:
        return [item async for item in self]

    def __await__(self) -> Generator[object, None, list[T]]:
        return self._collect().__await__()


class Listing(Generic[V, T]):
    """Every item of a paged list: iterated lazily, read whole by ``len`` or indexing.

    Args:
        fetch: Fetches the first page (an iterable that pages on by itself).
        wrap: Makes the SDK's object of one item of the page.
        limit: Yield at most this many (``None``: all).
    """

    def __init__(
        self, fetch: Callable[[], Iterable[V]], wrap: Callable[[V], T], limit: int | None = None
    ) -> None:
        self._fetch = fetch
        self._wrap = wrap
        self._limit = limit
        self._all: list[T] | None = None

    def __iter__(self) -> Iterator[T]:
        if self._all is not None:
            yield from self._all
            return
        if self._limit is not None and self._limit <= 0:
            return
        for count, view in enumerate(self._fetch(), start=1):
            yield self._wrap(view)
            if self._limit is not None and count >= self._limit:
                return

    def _whole(self) -> list[T]:
        if self._all is None:
            self._all = list(iter(self))  # list(self) would ask __len__, which asks this
        return self._all

    def __len__(self) -> int:
        return len(self._whole())

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> list[T]: ...
    def __getitem__(self, index: int | slice) -> T | list[T]:
        return self._whole()[index]
