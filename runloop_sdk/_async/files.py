"""``devbox.file``: reading and writing files on a devbox, text or bytes, streamed to and from paths."""

from __future__ import annotations

import asyncio
import io
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import IO, TypeVar, overload

from typing_extensions import Unpack

from runloop_api import APIConnectionError, AsyncBinaryResponse
from runloop_api._base.retry import retry_delay

from .._base.options import MutationOptions, required
from .._base.progress import ProgressArg, ProgressReader, Reporter, open_reporter
from ._context import AsyncClientContext

T = TypeVar("T")

__all__ = ["AsyncFileInterface"]

UploadSource = str | os.PathLike[str] | IO[bytes] | bytes


class AsyncFileInterface:
    """Files on one devbox (``devbox.file``). Paths on the devbox are absolute or relative to its home.

    The official SDK's keywords are accepted too: ``read(file_path=...)``,
    ``write(file_path=..., contents=...)``, ``upload(path=..., file=...)``, ``download(path=...)``.
    """

    def __init__(self, ctx: AsyncClientContext, devbox_id: str) -> None:
        self._ctx = ctx
        self._devbox_id = devbox_id

    async def read(
        self, path: str | None = None, *, file_path: str | None = None, **options: Unpack[MutationOptions]
    ) -> str:
        """Reads a text file (UTF-8).

        Args:
            path: The file on the devbox.
            file_path: ``path`` under the official SDK's name.
            **options: Request options (``timeout``, ``extra_headers``, ...).

        Returns:
            Its contents.
        """
        where = required("path", path, "file_path", file_path)
        return await self._ctx.api.devboxes.read_file_contents(self._devbox_id, file_path=where, **options)

    async def read_bytes(self, path: str) -> bytes:
        """Reads a file's exact bytes.

        Args:
            path: The file on the devbox.

        Returns:
            Its contents.
        """
        return await self._download(path, AsyncBinaryResponse.read, {})

    async def write(
        self,
        path: str | None = None,
        contents: str | bytes | None = None,
        *,
        file_path: str | None = None,
        **options: Unpack[MutationOptions],
    ) -> None:
        """Writes a file, replacing it; text is written as UTF-8, bytes exactly.

        Args:
            path: The file on the devbox (parent folders are created).
            contents: Text or bytes.
            file_path: ``path`` under the official SDK's name.
            **options: Request options (``timeout``, ``extra_headers``, ...).
        """
        where = required("path", path, "file_path", file_path)
        if contents is None:
            raise TypeError("missing argument: contents=")
        if isinstance(contents, str):
            await self._ctx.api.devboxes.write_file_contents(
                self._devbox_id, file_path=where, contents=contents, **options
            )
        else:
            await self._ctx.api.devboxes.upload_file(
                self._devbox_id, path=where, file=bytes(contents), **options
            )

    async def upload(
        self,
        path: str,
        source: UploadSource | None = None,
        *,
        file: UploadSource | None = None,
        progress: ProgressArg = None,
        **options: Unpack[MutationOptions],
    ) -> None:
        """Uploads a local file (or open binary file, or bytes) to the devbox, streamed.

        Args:
            path: Where to put it on the devbox.
            source: A local path, a file object opened with ``"rb"``, or bytes.
            file: ``source`` under the official SDK's name.
            progress: A callback receiving :class:`~runloop_sdk.Progress`, ``True`` for a
                terminal bar (needs ``rich``), ``None``: a bar if ``RUNLOOP_PROGRESS=1``.
            **options: Request options (``timeout``, ``extra_headers``, ...).
        """
        given: UploadSource = required("source", source, "file", file)
        handle: IO[bytes]
        if isinstance(given, (bytes, bytearray)):
            handle = io.BytesIO(bytes(given))
        elif isinstance(given, (str, os.PathLike)):
            handle = open(os.fspath(given), "rb")  # noqa: SIM115 - closed below, after the send
        else:
            handle = given
        reporter = open_reporter(progress, f"upload {path}", _size_of(handle), "bytes")
        try:
            reader = ProgressReader(handle, reporter)
            await self._ctx.api.devboxes.upload_file(
                self._devbox_id,
                path=path,
                file=reader,  # type: ignore[arg-type]  # a binary file object in all but name
                **options,
            )
        finally:
            reporter.close()
            if handle is not given:
                handle.close()

    @overload
    async def download(
        self,
        path: str,
        destination: None = None,
        *,
        progress: ProgressArg = None,
        **options: Unpack[MutationOptions],
    ) -> bytes: ...
    @overload
    async def download(
        self,
        path: str,
        destination: str | os.PathLike[str],
        *,
        progress: ProgressArg = None,
        **options: Unpack[MutationOptions],
    ) -> Path: ...
    async def download(
        self,
        path: str,
        destination: str | os.PathLike[str] | None = None,
        *,
        progress: ProgressArg = None,
        **options: Unpack[MutationOptions],
    ) -> bytes | Path:
        """Downloads a file from the devbox: into a local file (streamed), or as bytes.

        Args:
            path: The file on the devbox.
            destination: The local file to write (replaced when the download completes);
                without it the bytes are returned, as the official SDK does.
            progress: A callback receiving :class:`~runloop_sdk.Progress`, ``True`` for a
                terminal bar (needs ``rich``), ``None``: a bar if ``RUNLOOP_PROGRESS=1``.
            **options: Request options (``timeout``, ``extra_headers``, ...).

        Returns:
            The local path written, or the file's bytes when no destination was given.
        """
        target = None if destination is None else Path(destination)

        async def consume(response: AsyncBinaryResponse) -> bytes | Path:
            reporter = open_reporter(progress, f"download {path}", response.content_length, "bytes")
            try:
                return await _receive(response, target, reporter)
            finally:
                reporter.close()

        return await self._download(path, consume, options)

    async def _download(
        self, path: str, consume: Callable[[AsyncBinaryResponse], Awaitable[T]], options: MutationOptions
    ) -> T:
        """Downloads ``path`` and hands the open answer to ``consume``, again from the start when
        the connection broke in the middle of the body (the raw layer retries only until the
        answer begins; a download is a read, so it is repeated up to the client's max_retries)."""
        attempt = 0
        while True:
            response = await self._ctx.api.devboxes.download_file(self._devbox_id, path=path, **options)
            try:
                return await consume(response)
            except APIConnectionError as error:
                attempt += 1
                if attempt > self._ctx.api.max_retries:
                    raise
                await asyncio.sleep(retry_delay(error, attempt))


def _size_of(handle: IO[bytes]) -> int | None:
    try:
        return os.fstat(handle.fileno()).st_size - handle.tell()
    except (OSError, AttributeError, ValueError):
        try:
            here = handle.tell()
            end = handle.seek(0, os.SEEK_END)
            handle.seek(here)
            return end - here
        except (OSError, AttributeError, ValueError):
            return None


async def _receive(response: AsyncBinaryResponse, target: Path | None, reporter: Reporter) -> bytes | Path:
    """Reads the body chunk by chunk, reporting each, into ``target`` or into memory."""
    done = 0
    if target is None:
        parts: list[bytes] = []
        try:
            async for chunk in response.iter_bytes():
                parts.append(chunk)
                done += len(chunk)
                reporter.update(done)
        finally:
            await response.close()
        return b"".join(parts)
    partial = target.with_name(target.name + ".part")
    try:
        with partial.open("wb") as out:
            async for chunk in response.iter_bytes():
                out.write(chunk)
                done += len(chunk)
                reporter.update(done)
        partial.replace(target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        await response.close()
    return target
