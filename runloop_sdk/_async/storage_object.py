"""``AsyncStorageObject``: a stored file (text, bytes, an archive of a folder) and its uploads."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Mapping
from pathlib import Path

import httpx

from runloop_api import APIConnectionError, APIStatusError, NotFoundError
from runloop_api.types import ContentType, ObjectView

from .._base.archive import pack_dir, read_chunks, upload_headers
from .._base.errors import SDKError
from ._context import AsyncClientContext

__all__ = ["AsyncStorageObject", "upload_object"]


class AsyncStorageObject:
    """A storage object.

    Example:
        >>> obj = await sdk.storage_object.upload_from_text("hello", name="greeting.txt")
        >>> print(await obj.download_as_text())
    """

    def __init__(self, ctx: AsyncClientContext, object_id: str) -> None:
        self._ctx = ctx
        self._id = object_id

    def __repr__(self) -> str:
        return f"AsyncStorageObject(id={self._id!r})"

    @property
    def id(self) -> str:
        """The object's id."""
        return self._id

    async def get_info(self) -> ObjectView:
        """Reads the object's view (name, state, size, ...) from the server."""
        return await self._ctx.api.objects.retrieve(self._id)

    async def download_url(self, *, duration_seconds: int | None = None) -> str:
        """A URL the object can be downloaded from without the API key.

        Args:
            duration_seconds: How long the URL stays valid (server default: one hour).
        """
        view = await self._ctx.api.objects.download(self._id, duration_seconds=duration_seconds)
        return view.download_url

    async def download_as_bytes(self) -> bytes:
        """Downloads the object's contents."""
        url = await self.download_url()
        headers = upload_headers(url, self._ctx.api.base_url, self._ctx.api.bearer_token, None, 0)
        headers.pop("Content-Length")
        # Through the raw layer: retried like any read, and a broken connection is an APIConnectionError.
        request = httpx.Request("GET", url, headers=headers)
        try:
            response = await self._ctx.api.send(request, idempotent=True)
        except APIStatusError as error:
            raise SDKError(
                f"download of object {self._id} failed: HTTP {error.status_code} {error.message}"
            ) from error
        return response.content

    async def download_as_text(self, encoding: str = "utf-8") -> str:
        """Downloads the object's contents as text."""
        return (await self.download_as_bytes()).decode(encoding)

    async def delete(self) -> None:
        """Deletes the object."""
        try:
            await self._ctx.api.objects.delete(self._id)
        except APIConnectionError:
            # The answer was lost, not necessarily the delete (a repeat of a done delete is a 404):
            # the record, which stays after a delete, says whether to send it again.
            try:
                state = (await self.get_info()).state
            except NotFoundError:
                return  # a server that keeps no record of deleted objects
            if state != "DELETED":
                await self._ctx.api.objects.delete(self._id)


class _FileChunks:
    """A file's bytes, read anew each time they are iterated (httpx sends a generator only once)."""

    def __init__(self, path: Path) -> None:
        self._path = path

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in read_chunks(self._path):
            yield chunk


async def upload_object(
    ctx: AsyncClientContext,
    *,
    name: str,
    content_type: ContentType,
    data: bytes | None = None,
    path: str | os.PathLike[str] | None = None,
    metadata: Mapping[str, str] | None = None,
    ttl_ms: int | None = None,
) -> AsyncStorageObject:
    """Creates an object, PUTs its bytes to the upload URL (streamed from ``path``), completes it.

    Raises:
        SDKError: When the upload URL refused the bytes.
    """
    view = await ctx.api.objects.create(
        name=name, content_type=content_type, metadata=metadata, ttl_ms=ttl_ms
    )
    if not view.upload_url:
        raise SDKError(f"the server gave no upload URL for object {view.id}")
    size = len(data) if data is not None else os.path.getsize(os.fspath(path or ""))
    headers = upload_headers(
        view.upload_url, ctx.api.base_url, ctx.api.bearer_token, view.upload_headers, size
    )
    content = data if data is not None else _FileChunks(Path(os.fspath(path or "")))
    # Putting the same bytes again leaves the same object, so the PUT is retried like a read (the
    # file is read anew for each attempt); a broken connection is an APIConnectionError.
    request = httpx.Request("PUT", view.upload_url, content=content, headers=headers)
    try:
        await ctx.api.send(request, idempotent=True)
    except APIStatusError as error:
        raise SDKError(
            f"upload of object {view.id} failed: HTTP {error.status_code} {error.message}"
        ) from error
    await ctx.api.objects.complete(view.id)
    return AsyncStorageObject(ctx, view.id)


async def upload_dir(
    ctx: AsyncClientContext,
    source: str | os.PathLike[str],
    *,
    name: str | None = None,
    metadata: Mapping[str, str] | None = None,
    ttl_ms: int | None = None,
) -> AsyncStorageObject:
    """Packs a folder as ``.tar.gz`` and uploads it."""
    archive = pack_dir(source)
    try:
        return await upload_object(
            ctx,
            name=name or f"{Path(source).name or 'dir'}.tar.gz",
            content_type="tgz",
            path=archive,
            metadata=metadata,
            ttl_ms=ttl_ms,
        )
    finally:
        archive.unlink(missing_ok=True)
