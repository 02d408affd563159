"""Routes of storage objects: the spec's operations, and the presigned upload and download URLs.

``SIGNED_ROUTES`` are not in the spec: they are the engine's stand-in for presigned cloud-storage
URLs, reached without the bearer token (see :mod:`..http.auth`). Their signature is checked first, so a
request without a valid one (403) never reaches a record or a file.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from typing import Any, BinaryIO

from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from runloop_api.types import (
    ContentType,
    ObjectCreateParameters,
    ObjectDownloadUrlView,
    ObjectState,
)

from ..http.errors import error_response
from ..http.requests import (
    Routes,
    app_state,
    check_enum,
    dump,
    idempotent,
    json_body,
    metadata_routes,
    query_bool,
    query_int,
    respond,
)
from .records import ObjectFilter
from .service import ObjectService

__all__ = ["ROUTES", "SIGNED_ROUTES", "objects"]

MAX_DOWNLOAD_SECONDS = 7 * 24 * 3600
"""Longest validity of a download URL (a week, as for presigned cloud-storage URLs)."""
_READ_CHUNK = 1024 * 1024
_MEDIA_TYPES = {
    "text": "text/plain; charset=utf-8",
    "gzip": "application/gzip",
    "tgz": "application/gzip",
    "tar": "application/x-tar",
}


def objects(request: Request) -> ObjectService:
    """The engine's object service, kept in the app state."""
    return app_state(request, "objects", ObjectService)


def _base_url(request: Request) -> str:
    return str(request.base_url)


async def create(request: Request) -> Response:
    body = await json_body(request, ObjectCreateParameters)
    check_enum("content_type", [body.content_type], ContentType)
    svc = objects(request)

    async def make() -> str:
        return svc.create(body, _base_url(request))[0].id

    id = await idempotent(request, "createObject", make)
    # deleted_ok: an object with a ttl_ms of a few ms may expire before its create answers (the
    # answer then says DELETED; a 404 would tell the caller nothing was made).
    return respond(svc.get(id, deleted_ok=True).view(upload_url=svc.upload_url(id, _base_url(request))))


async def retrieve(request: Request) -> Response:
    return respond(objects(request).get(request.path_params["id"], deleted_ok=True).view())


async def complete(request: Request) -> Response:
    return respond(objects(request).complete(request.path_params["id"]).view())


async def delete(request: Request) -> Response:
    return respond(objects(request).delete(request.path_params["id"]).view())


def _list_query(request: Request) -> tuple[ObjectFilter, int, str | None, bool]:
    query = request.query_params
    where = ObjectFilter(
        name=query.get("name") or None,
        content_type=query.get("content_type"),  # "" is no content type: refused below
        state=query.get("state"),
        search=query.get("search") or None,
    )
    if where.content_type is not None:
        check_enum("content_type", [where.content_type], ContentType)
    if where.state is not None:
        check_enum("state", [where.state], ObjectState)
    limit = query_int(request, "limit", 20, low=1, high=5000)
    include_total = query_bool(request, "include_total_count", default=True)  # the spec's default for objects
    return where, limit, query.get("starting_after") or None, include_total


def _list_body(page: list[dict[str, Any]], has_more: bool, total: int, include_total: bool) -> JSONResponse:
    body: dict[str, Any] = {"objects": page, "has_more": has_more}
    if include_total:
        body["total_count"] = total
    return JSONResponse(body)


async def list_objects(request: Request) -> Response:
    where, limit, starting_after, include_total = _list_query(request)
    page, has_more, total = objects(request).page(where, limit=limit, starting_after=starting_after)
    return _list_body([dump(r.view()) for r in page], has_more, total, include_total)


async def list_public(request: Request) -> Response:
    # The engine's objects are private to its token holder: none is public.
    _, _, _, include_total = _list_query(request)
    return _list_body([], False, 0, include_total)


metadata_keys, metadata_values = metadata_routes(lambda r: objects(r))


async def download_url(request: Request) -> Response:
    duration = query_int(request, "duration_seconds", 3600, low=1, high=MAX_DOWNLOAD_SECONDS)
    url = objects(request).download_url(request.path_params["id"], duration, _base_url(request))
    return respond(ObjectDownloadUrlView(download_url=url))


# -- presigned URLs (outside the bearer token) ----------------------------------------------------


def _forbidden(what: str) -> Response:
    return error_response(403, f"the {what} URL's signature is missing, wrong or expired: ask for a new URL")


async def upload(request: Request) -> Response:
    id = request.path_params["id"]
    svc = objects(request)
    if not svc.upload_allowed(id, request.query_params.get("sig")):
        return _forbidden("upload")
    declared = request.headers.get("content-length")
    try:
        await svc.receive(id, request.stream(), int(declared) if declared and declared.isdigit() else None)
    except ClientDisconnect:
        return error_response(400, "the client hung up before the whole upload arrived; nothing was kept")
    return Response(status_code=200)


async def _chunks(handle: BinaryIO) -> AsyncIterator[bytes]:
    try:
        while chunk := await run_in_threadpool(handle.read, _READ_CHUNK):
            yield chunk
    finally:
        handle.close()


async def download(request: Request) -> Response:
    id = request.path_params["id"]
    svc = objects(request)
    if not svc.download_allowed(id, request.query_params.get("sig"), request.query_params.get("expires")):
        return _forbidden("download")
    rec, handle = svc.open_download(id)
    # The file is open: a delete from now on does not cut this download short.
    headers = {"content-length": str(os.fstat(handle.fileno()).st_size)}
    return StreamingResponse(
        _chunks(handle),
        media_type=_MEDIA_TYPES.get(rec.content_type, "application/octet-stream"),
        headers=headers,
    )


ROUTES: Routes = [
    ("POST", "/v1/objects", create),
    ("GET", "/v1/objects", list_objects),
    ("GET", "/v1/objects/list_public", list_public),
    ("GET", "/v1/objects/metadata/keys", metadata_keys),
    ("GET", "/v1/objects/metadata/keys/{key}/values", metadata_values),
    ("GET", "/v1/objects/{id}", retrieve),
    ("POST", "/v1/objects/{id}/complete", complete),
    ("POST", "/v1/objects/{id}/delete", delete),
    ("GET", "/v1/objects/{id}/download", download_url),
]
"""The spec's object operations."""

SIGNED_ROUTES: Routes = [
    ("PUT", "/_local/objects/{id}/upload", upload),
    ("GET", "/_local/objects/{id}/download", download),
]
"""The presigned URLs, outside the spec and the bearer token; paths as in :data:`..auth.PRESIGNED`."""
