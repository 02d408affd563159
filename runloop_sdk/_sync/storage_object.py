# Generated from runloop_sdk/_async/storage_object.py by scripts/unasync.py. Do not edit.
"""``StorageObject``: a stored file (text, bytes, an archive of a folder) and its uploads."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from tarfile import TarInfo

import httpx
from typing_extensions import Unpack

from runloop_api import APIConnectionError, APIStatusError, NotFoundError
from runloop_api.types import ContentType, ObjectDownloadUrlView, ObjectView

from .._base.archive import pack_dir, read_chunks, upload_headers
from .._base.errors import SDKError
from .._base.options import MutationOptions, RequestOptions
from .._base.progress import ProgressArg, Reporter, open_reporter
from ._context import ClientContext

TarFilter = Callable[[TarInfo], "TarInfo | None"]

__all__ = ["StorageObject", "TarFilter", "upload_dir", "upload_object"]


class StorageObject:
    """A storage object.

    Example:
        >>> obj = sdk.storage_object.upload_from_text("hello", name="greeting.txt")
        >>> print(obj.download_as_text())
    """

    def __init__(
        self,
        ctx: ClientContext,
        object_id: str,
        upload_url: str | None = None,
        upload_headers: Mapping[str, str] | None = None,
    ) -> None:
        self._ctx = ctx
        self._id = object_id
        self._upload_url = upload_url
        self._upload_headers = dict(upload_headers or {})

    def __repr__(self) -> str:
        return f"StorageObject(id={self._id!r})"

    @property
    def id(self) -> str:
        """The object's id."""
        return self._id

    @property
    def upload_url(self) -> str | None:
        """Where the contents go (``upload_content``), for an object made by ``sdk.storage_object.create``."""
        return self._upload_url

    def get_info(self, **options: Unpack[RequestOptions]) -> ObjectView:
        """Reads the object's view (name, state, size, ...) from the server."""
        return self._ctx.api.objects.retrieve(self._id, **options)

    def refresh(self, **options: Unpack[RequestOptions]) -> ObjectView:
        """:meth:`get_info` under the official SDK's name."""
        return self.get_info(**options)

    def upload_content(self, content: str | bytes | Iterable[bytes]) -> None:
        """Sends the contents of an object made by ``sdk.storage_object.create`` (then ``complete()``).

        Raises:
            SDKError: When the object has no upload URL or the upload was refused.
        """
        if self._upload_url is None:
            raise SDKError(f"object {self._id} has no upload URL (it was not made by create())")
        data = content.encode() if isinstance(content, str) else content
        if not isinstance(data, bytes):
            data = b"".join(data)
        _put(self._ctx, self._id, self._upload_url, self._upload_headers, data, len(data))

    def complete(self, **options: Unpack[MutationOptions]) -> ObjectView:
        """Marks the upload done: the object becomes read-only and downloadable."""
        return self._ctx.api.objects.complete(self._id, **options)

    def as_build_context(self) -> dict[str, str]:
        """This object (a ``.tar.gz`` folder) as a blueprint's ``build_context``."""
        return {"object_id": self._id, "type": "object"}

    def get_download_url(
        self, *, duration_seconds: int | None = None, **options: Unpack[RequestOptions]
    ) -> ObjectDownloadUrlView:
        """The object's download URL view (the official SDK's form of :meth:`download_url`)."""
        return self._ctx.api.objects.download(self._id, duration_seconds=duration_seconds, **options)

    def download_url(self, *, duration_seconds: int | None = None, **options: Unpack[RequestOptions]) -> str:
        """A URL the object can be downloaded from without the API key.

        Args:
            duration_seconds: How long the URL stays valid (server default: one hour).
            **options: Request options (``timeout``, ``extra_headers``, ...).
        """
        view = self.get_download_url(duration_seconds=duration_seconds, **options)
        return view.download_url

    def download_as_bytes(
        self, *, duration_seconds: int | None = None, **options: Unpack[RequestOptions]
    ) -> bytes:
        """Downloads the object's contents.

        Args:
            duration_seconds: How long the download URL stays valid.
            **options: Request options of the URL request.
        """
        url = self.download_url(duration_seconds=duration_seconds, **options)
        headers = upload_headers(url, self._ctx.api.base_url, self._ctx.api.bearer_token, None, 0)
        headers.pop("Content-Length")
        # Through the raw layer: retried like any read, and a broken connection is an APIConnectionError.
        request = httpx.Request("GET", url, headers=headers)
        try:
            response = self._ctx.api.send(request, idempotent=True)
        except APIStatusError as error:
            raise SDKError(
                f"download of object {self._id} failed: HTTP {error.status_code} {error.message}"
            ) from error
        return response.content

    def download_as_text(
        self,
        encoding: str = "utf-8",
        *,
        duration_seconds: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> str:
        """Downloads the object's contents as text."""
        return (self.download_as_bytes(duration_seconds=duration_seconds, **options)).decode(encoding)

    def delete(self, **options: Unpack[MutationOptions]) -> None:
        """Deletes the object."""
        try:
            self._ctx.api.objects.delete(self._id, **options)
        except APIConnectionError:
            # The answer was lost, not necessarily the delete (a repeat of a done delete is a 404):
            # the record, which stays after a delete, says whether to send it again.
            try:
                state = (self.get_info()).state
            except NotFoundError:
                return  # a server that keeps no record of deleted objects
            if state != "DELETED":
                self._ctx.api.objects.delete(self._id)


class _FileChunks:
    """A file's bytes, read anew each time they are iterated (httpx sends a generator only once)."""

    def __init__(self, path: Path, reporter: Reporter) -> None:
        self._path = path
        self._reporter = reporter

    def __iter__(self) -> Iterator[bytes]:
        done = 0
        for chunk in read_chunks(self._path):
            yield chunk
            done += len(chunk)
            self._reporter.update(done)


def upload_object(
    ctx: ClientContext,
    *,
    name: str,
    content_type: ContentType,
    data: bytes | None = None,
    path: str | os.PathLike[str] | None = None,
    metadata: Mapping[str, str] | None = None,
    ttl_ms: int | None = None,
    progress: ProgressArg = None,
    options: MutationOptions | None = None,
) -> StorageObject:
    """Creates an object, PUTs its bytes to the upload URL (streamed from ``path``), completes it.

    Raises:
        SDKError: When the upload URL refused the bytes.
    """
    view = ctx.api.objects.create(
        name=name, content_type=content_type, metadata=metadata, ttl_ms=ttl_ms, **(options or {})
    )
    if not view.upload_url:
        raise SDKError(f"the server gave no upload URL for object {view.id}")
    size = len(data) if data is not None else os.path.getsize(os.fspath(path or ""))
    reporter = open_reporter(progress, f"upload {name}", size, "bytes")
    try:
        content: bytes | _FileChunks = (
            data if data is not None else _FileChunks(Path(os.fspath(path or "")), reporter)
        )
        _put(ctx, view.id, view.upload_url, view.upload_headers, content, size)
        if data is not None:
            reporter.update(size)
    finally:
        reporter.close()
    ctx.api.objects.complete(view.id)
    return StorageObject(ctx, view.id)


def _put(
    ctx: ClientContext,
    object_id: str,
    url: str,
    extra_headers: Mapping[str, str] | None,
    content: bytes | _FileChunks,
    size: int,
) -> None:
    headers = upload_headers(url, ctx.api.base_url, ctx.api.bearer_token, extra_headers, size)
    # Putting the same bytes again leaves the same object, so the PUT is retried like a read (the
    # file is read anew for each attempt); a broken connection is an APIConnectionError.
    request = httpx.Request("PUT", url, content=content, headers=headers)
    try:
        ctx.api.send(request, idempotent=True)
    except APIStatusError as error:
        raise SDKError(
            f"upload of object {object_id} failed: HTTP {error.status_code} {error.message}"
        ) from error


def upload_dir(
    ctx: ClientContext,
    source: str | os.PathLike[str],
    *,
    name: str | None = None,
    metadata: Mapping[str, str] | None = None,
    ttl_ms: int | None = None,
    ignore: TarFilter | None = None,
    progress: ProgressArg = None,
    options: MutationOptions | None = None,
) -> StorageObject:
    """Packs a folder as ``.tar.gz`` and uploads it."""
    archive = pack_dir(source, ignore)
    try:
        return upload_object(
            ctx,
            name=name or f"{Path(source).name or 'dir'}.tar.gz",
            content_type="tgz",
            path=archive,
            metadata=metadata,
            ttl_ms=ttl_ms,
            progress=progress,
            options=options,
        )
    finally:
        archive.unlink(missing_ok=True)
