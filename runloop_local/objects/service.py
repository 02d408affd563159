"""Storage objects: records, uploads to and downloads from presigned URLs, expiry, deletion.

An object's bytes are at ``<data dir>/objects/<id>``. An upload streams the PUT body into
``objects/.staging/`` and renames it into place once whole, so a broken upload leaves nothing;
while the object is ``UPLOADING`` a later PUT replaces an earlier one (as with a presigned
cloud-storage URL). ``complete`` freezes it (``READ_ONLY``, ``size_bytes`` set). Delete removes
the record and the file. An object past its ``delete_after_time_ms`` (from ``ttl_ms``) is deleted
the next time any object operation runs, so it is never seen.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import secrets
import shutil
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import BinaryIO

from runloop_api.types import ObjectCreateParameters

from ..db.clock import now_ms
from ..db.ids import new_id
from ..http.errors import ApiError, bad_request
from .records import ObjectFilter, ObjectRecord, ObjectStore
from .urls import DOWNLOAD, UPLOAD, load_key, signature_ok, signed_url

__all__ = ["MAX_OBJECT_BYTES", "MAX_TTL_MS", "ObjectService"]

MAX_OBJECT_BYTES = 4 * 1024**3
"""Largest object (bytes); a larger upload answers 413 and keeps nothing."""
MAX_TTL_MS = 100 * 365 * 24 * 3600 * 1000
"""Longest ``ttl_ms`` (a hundred years)."""
_WRITE_CHUNK = 1024 * 1024


class ObjectService:
    """The storage objects of an engine's data dir.

    Args:
        data_dir: The engine's data dir (records in its ``engine.sqlite3``, files in ``objects/``).
    """

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.folder = data_dir / "objects"
        self._store: ObjectStore | None = None
        self._key = b""

    @property
    def store(self) -> ObjectStore:
        """The object records.

        Raises:
            RuntimeError: Before :meth:`start`.
        """
        if self._store is None:
            raise RuntimeError("the object service is not started")
        return self._store

    def start(self) -> None:
        """Opens the records and the signing key; removes files no object owns (broken uploads)."""
        self._store = ObjectStore(self.data_dir / "engine.sqlite3")
        self._key = load_key(self.data_dir)
        self.folder.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(self._staging, ignore_errors=True)
        owned = self.store.ids(live_only=True)
        for path in self.folder.iterdir():
            if path.name not in owned:
                _remove(path)
        self._expire()

    def close(self) -> None:
        """Closes the records."""
        if self._store is not None:
            self._store.close()
            self._store = None

    # -- records --------------------------------------------------------------------------------

    def create(self, body: ObjectCreateParameters, base_url: str) -> tuple[ObjectRecord, str]:
        """Records a new object, ``UPLOADING``.

        Returns:
            The record and the presigned URL its bytes are PUT to.

        Raises:
            ApiError: 400 naming an invalid field (nothing is recorded); ``content_type`` is
                checked by the route.
        """
        if not body.name.strip():
            raise bad_request("invalid field `name`: give the object a name")
        if body.ttl_ms is not None and not 1 <= body.ttl_ms <= MAX_TTL_MS:
            raise bad_request(f"invalid field `ttl_ms` {body.ttl_ms}: expected 1 to {MAX_TTL_MS}")
        self._expire()
        created = now_ms()
        rec = ObjectRecord(
            id=new_id("obj"),
            name=body.name,
            content_type=body.content_type,
            create_time_ms=created,
            metadata=dict(body.metadata or {}),
            delete_after_time_ms=None if body.ttl_ms is None else created + body.ttl_ms,
        )
        self.store.put(rec)
        return rec, signed_url(base_url, self._key, UPLOAD, rec.id)

    def get(self, id: str, *, deleted_ok: bool = False) -> ObjectRecord:
        """The record of an object.

        Args:
            id: The object.
            deleted_ok: Answer a deleted (or expired) object's record, with state ``DELETED``,
                as the service's retrieve does.

        Raises:
            ApiError: 404 for an unknown object, or a deleted one unless ``deleted_ok``.
        """
        self._expire()
        rec = self.store.get(id)
        if rec is None:
            raise ApiError(404, f"object {id!r} not found")
        if rec.state == "DELETED" and not deleted_ok:
            raise ApiError(404, f"object {id!r} not found: it was deleted")
        return rec

    def page(
        self, where: ObjectFilter, *, limit: int, starting_after: str | None
    ) -> tuple[list[ObjectRecord], bool, int]:
        """One page of objects, newest first; see :meth:`ObjectStore.page`.

        Raises:
            ApiError: 400 for an unknown ``starting_after``.
        """
        self._expire()
        if starting_after is not None and self.store.get(starting_after) is None:
            raise bad_request(f"invalid query parameter `starting_after`: no object {starting_after!r}")
        return self.store.page(where, limit=limit, starting_after=starting_after)

    def metadata_keys(self) -> list[str]:
        """Every metadata key in use, sorted."""
        self._expire()
        return self.store.metadata_keys()

    def metadata_values(self, key: str) -> list[str]:
        """Every value of metadata ``key``, sorted."""
        self._expire()
        return self.store.metadata_values(key)

    def complete(self, id: str) -> ObjectRecord:
        """Freezes an uploaded object: ``READ_ONLY``, with its size.

        Raises:
            ApiError: 404 unknown; 409 not ``UPLOADING``; 400 when nothing was uploaded yet.
        """
        rec = self.get(id)
        if rec.state != "UPLOADING":
            raise ApiError(409, f"object {id} is {rec.state}, not UPLOADING: it was completed already")
        try:
            size = self._path(id).stat().st_size
        except FileNotFoundError:
            raise bad_request(
                f"object {id} has no contents yet: PUT them to the upload_url given on create, then complete"
            ) from None
        rec.state, rec.size_bytes = "READ_ONLY", size
        self.store.put(rec)
        return rec

    def delete(self, id: str) -> ObjectRecord:
        """Deletes an object: its record and its file (a download already streaming still ends).

        Returns:
            The object as it was, with state ``DELETED``.

        Raises:
            ApiError: 404 for an unknown or already deleted object.
        """
        rec = self.get(id)
        self._mark_deleted(rec)
        return rec

    def _mark_deleted(self, rec: ObjectRecord) -> None:
        """Keeps the record as ``DELETED`` (retrieve answers it, lists leave it out) and removes the bytes."""
        rec.state = "DELETED"
        self.store.put(rec)
        _remove(self._path(rec.id))

    def _expire(self) -> None:
        for id in self.store.expired(now_ms()):
            rec = self.store.get(id)
            if rec is not None:
                self._mark_deleted(rec)

    # -- presigned URLs -------------------------------------------------------------------------

    def download_url(self, id: str, duration_seconds: int, base_url: str) -> str:
        """A presigned URL of a completed object's bytes, valid for ``duration_seconds``.

        Raises:
            ApiError: 404 unknown; 400 when the object is not completed.
        """
        rec = self.get(id)
        if rec.state != "READ_ONLY":
            raise bad_request(f"object {id} is {rec.state}: complete its upload before downloading it")
        expires = math.ceil(time.time()) + duration_seconds  # never less than the duration asked for
        return signed_url(base_url, self._key, DOWNLOAD, id, expires)

    def upload_url(self, id: str, base_url: str) -> str:
        """The presigned upload URL of an object (the same every time it is asked for)."""
        return signed_url(base_url, self._key, UPLOAD, id)

    def upload_allowed(self, id: str, sig: str | None) -> bool:
        """Whether ``sig`` signs an upload of this object."""
        return signature_ok(self._key, UPLOAD, id, sig)

    def download_allowed(self, id: str, sig: str | None, expires: str | None) -> bool:
        """Whether ``sig`` signs a download of this object until ``expires``, not yet past."""
        if expires is None or not expires.isdigit() or len(expires) > 12:
            return False
        return signature_ok(self._key, DOWNLOAD, id, sig, int(expires)) and int(expires) >= time.time()

    async def receive(self, id: str, body: AsyncIterator[bytes], declared: int | None) -> int:
        """Stores an upload's bytes as the object's contents (replacing an earlier upload).

        The body is written to a staging file in chunks and renamed into place once whole.

        Returns:
            The number of bytes stored.

        Raises:
            ApiError: 404 unknown or deleted (also during the upload); 409 completed; 413 too large;
                507 when the file cannot be written.
        """
        self._check_uploading(id)
        if declared is not None and declared > MAX_OBJECT_BYTES:
            raise _too_large()
        self._staging.mkdir(parents=True, exist_ok=True)
        staging = self._staging / secrets.token_hex(8)
        try:
            try:
                size = await _write(body, staging)
            except OSError as exc:  # a full disk, most likely
                raise ApiError(507, f"the engine could not store the upload: {exc.strerror or exc}") from None
            self._check_uploading(id)  # a delete or complete may have come meanwhile
            # No await between the check and the rename: nothing else runs in between.
            os.replace(staging, self._path(id))
        finally:
            _remove(staging)
        return size

    def _check_uploading(self, id: str) -> None:
        rec = self.get(id)
        if rec.state != "UPLOADING":
            raise ApiError(409, f"object {id} is {rec.state}: its contents can no longer change")

    def open_download(self, id: str) -> tuple[ObjectRecord, BinaryIO]:
        """A completed object's record and its file, open for reading (the caller closes it).

        Raises:
            ApiError: 404 for an unknown, deleted or not completed object.
        """
        rec = self.get(id)
        if rec.state != "READ_ONLY":
            raise ApiError(404, f"object {id!r} has no completed contents")
        try:
            return rec, self._path(id).open("rb")
        except FileNotFoundError:
            raise ApiError(404, f"object {id!r} not found") from None

    def _path(self, id: str) -> Path:
        return self.folder / id

    @property
    def _staging(self) -> Path:
        return self.folder / ".staging"


async def _write(body: AsyncIterator[bytes], target: Path) -> int:
    size = 0
    pending = bytearray()
    with target.open("wb") as out:
        async for chunk in body:
            size += len(chunk)
            if size > MAX_OBJECT_BYTES:
                raise _too_large()
            pending += chunk
            if len(pending) >= _WRITE_CHUNK:
                await asyncio.to_thread(out.write, bytes(pending))
                pending.clear()
        if pending:
            await asyncio.to_thread(out.write, bytes(pending))
    return size


def _too_large() -> ApiError:
    return ApiError(413, f"the object is larger than the local engine's limit of {MAX_OBJECT_BYTES} bytes")


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
