"""A binary response body that is streamed, never held whole in memory unless asked."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path
from types import TracebackType

import httpx

from .._base.errors import body_read_error

__all__ = ["AsyncBinaryResponse"]

CHUNK_SIZE = 1024 * 1024


class AsyncBinaryResponse:
    """An open response whose body has not been read yet.

    Read it once with :meth:`iter_bytes`, :meth:`read` or :meth:`write_to_file`; each closes the
    response when done. Use it as a context manager to close it if you stop early.
    """

    def __init__(self, response: httpx.Response) -> None:
        self.response = response

    @property
    def content_length(self) -> int | None:
        """The body's size in bytes, when the server announced it."""
        value = self.response.headers.get("content-length")
        return int(value) if value and value.isdigit() else None

    async def iter_bytes(self, chunk_size: int = CHUNK_SIZE) -> AsyncIterator[bytes]:
        """Yields the body in chunks of at most ``chunk_size`` bytes.

        Raises:
            APIConnectionError: When the connection breaks before the whole body arrived.
        """
        try:
            async for chunk in self.response.aiter_bytes(chunk_size):
                yield chunk
        except httpx.TransportError as exc:
            raise body_read_error(self.response.request, exc) from exc
        finally:
            await self.response.aclose()

    async def read(self) -> bytes:
        """Reads the whole body into memory.

        Raises:
            APIConnectionError: When the connection breaks before the whole body arrived.
        """
        try:
            return await self.response.aread()
        except httpx.TransportError as exc:
            raise body_read_error(self.response.request, exc) from exc
        finally:
            await self.response.aclose()

    async def write_to_file(self, destination: str | os.PathLike[str]) -> Path:
        """Streams the body into a file; a partial file is removed if the transfer fails.

        Returns:
            The path written.
        """
        path = Path(destination)
        partial = path.with_name(path.name + ".part")
        try:
            with partial.open("wb") as out:
                async for chunk in self.iter_bytes():
                    out.write(chunk)
            partial.replace(path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        return path

    async def close(self) -> None:
        """Closes the response without reading the rest."""
        await self.response.aclose()

    async def __aenter__(self) -> AsyncBinaryResponse:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()
