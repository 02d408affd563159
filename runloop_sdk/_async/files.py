"""``devbox.file``: reading and writing files on a devbox, text or bytes, streamed to and from paths."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import IO, TypeVar

from runloop_api import APIConnectionError, AsyncBinaryResponse
from runloop_api._base.retry import retry_delay

from ._context import AsyncClientContext

T = TypeVar("T")

__all__ = ["AsyncFileInterface"]


class AsyncFileInterface:
    """Files on one devbox (``devbox.file``). Paths on the devbox are absolute or relative to its home."""

    def __init__(self, ctx: AsyncClientContext, devbox_id: str) -> None:
        self._ctx = ctx
        self._devbox_id = devbox_id

    async def read(self, path: str) -> str:
        """Reads a text file (UTF-8).

        Args:
            path: The file on the devbox.

        Returns:
            Its contents.
        """
        return await self._ctx.api.devboxes.read_file_contents(self._devbox_id, file_path=path)

    async def read_bytes(self, path: str) -> bytes:
        """Reads a file's exact bytes.

        Args:
            path: The file on the devbox.

        Returns:
            Its contents.
        """
        return await self._download(path, AsyncBinaryResponse.read)

    async def write(self, path: str, contents: str | bytes) -> None:
        """Writes a file, replacing it; text is written as UTF-8, bytes exactly.

        Args:
            path: The file on the devbox (parent folders are created).
            contents: Text or bytes.
        """
        if isinstance(contents, str):
            await self._ctx.api.devboxes.write_file_contents(
                self._devbox_id, file_path=path, contents=contents
            )
        else:
            await self._ctx.api.devboxes.upload_file(self._devbox_id, path=path, file=bytes(contents))

    async def upload(self, path: str, source: str | os.PathLike[str] | IO[bytes]) -> None:
        """Uploads a local file (or open binary file) to the devbox, streamed.

        Args:
            path: Where to put it on the devbox.
            source: A local path or a file object opened with ``"rb"``.
        """
        file = Path(source) if isinstance(source, (str, os.PathLike)) else source
        await self._ctx.api.devboxes.upload_file(self._devbox_id, path=path, file=file)

    async def download(self, path: str, destination: str | os.PathLike[str]) -> Path:
        """Downloads a file from the devbox into a local file, streamed.

        Args:
            path: The file on the devbox.
            destination: The local file to write (replaced when the download completes).

        Returns:
            The local path written.
        """
        return await self._download(path, lambda response: response.write_to_file(destination))

    async def _download(self, path: str, consume: Callable[[AsyncBinaryResponse], Awaitable[T]]) -> T:
        """Downloads ``path`` and hands the open answer to ``consume``, again from the start when
        the connection broke in the middle of the body (the raw layer retries only until the
        answer begins; a download is a read, so it is repeated up to the client's max_retries)."""
        attempt = 0
        while True:
            response = await self._ctx.api.devboxes.download_file(self._devbox_id, path=path)
            try:
                return await consume(response)
            except APIConnectionError as error:
                attempt += 1
                if attempt > self._ctx.api.max_retries:
                    raise
                await asyncio.sleep(retry_delay(error, attempt))
