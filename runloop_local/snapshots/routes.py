"""Routes of disk snapshots: take (sync and async), status, list, update, delete, metadata."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from runloop_api.types import DevboxSnapshotRequest, EmptyRecord

from ..http.requests import (
    Routes,
    app_state,
    dump,
    idempotent,
    json_body,
    metadata_routes,
    query_bool,
    query_int,
    respond,
)
from .rules import metadata_filters
from .service import SnapshotService

__all__ = ["ROUTES"]


def snapshots(request: Request) -> SnapshotService:
    """The engine's snapshot service, kept in the app state."""
    return app_state(request, "snapshots", SnapshotService)


async def snapshot_disk(request: Request) -> Response:
    return await _snapshot(request, wait=True)


async def snapshot_disk_async(request: Request) -> Response:
    return await _snapshot(request, wait=False)


async def _snapshot(request: Request, *, wait: bool) -> Response:
    body = await json_body(request, DevboxSnapshotRequest, optional=True)
    svc = snapshots(request)

    async def take() -> str:
        return (await svc.snapshot(request.path_params["id"], body, wait=wait)).id

    id = await idempotent(request, "snapshotDisk" if wait else "snapshotDiskAsync", take)
    return respond(svc.get(id).view())


async def status(request: Request) -> Response:
    return respond(snapshots(request).get(request.path_params["id"]).status_view())


async def list_snapshots(request: Request) -> Response:
    query = request.query_params
    limit = query_int(request, "limit", 20, low=1, high=5000)
    filters = metadata_filters(query.multi_items())
    include_total = query_bool(
        request, "include_total_count", default=True
    )  # the spec's default for snapshots
    svc = snapshots(request)
    page, has_more, total = svc.page(
        devbox_id=query.get("devbox_id") or None,
        metadata=filters,
        limit=limit,
        starting_after=query.get("starting_after") or None,
        blueprint_id=query.get("source_blueprint_id") or None,
    )
    body: dict[str, Any] = {"snapshots": [dump(r.view()) for r in page], "has_more": has_more}
    if include_total:
        body["total_count"] = total
    return JSONResponse(body)


async def update(request: Request) -> Response:
    body = await json_body(request, DevboxSnapshotRequest, optional=True)
    return respond(snapshots(request).update(request.path_params["id"], body).view())


async def delete(request: Request) -> Response:
    await snapshots(request).delete(request.path_params["id"])
    return respond(EmptyRecord())


metadata_keys, metadata_values = metadata_routes(lambda r: snapshots(r).store)


ROUTES: Routes = [
    ("POST", "/v1/devboxes/{id}/snapshot_disk", snapshot_disk),
    ("POST", "/v1/devboxes/{id}/snapshot_disk_async", snapshot_disk_async),
    ("GET", "/v1/devboxes/disk_snapshots", list_snapshots),
    ("GET", "/v1/devboxes/disk_snapshots/{id}/status", status),
    ("POST", "/v1/devboxes/disk_snapshots/{id}", update),
    ("POST", "/v1/devboxes/disk_snapshots/{id}/delete", delete),
    ("GET", "/v1/devboxes/disk_snapshots/metadata/keys", metadata_keys),
    ("GET", "/v1/devboxes/disk_snapshots/metadata/keys/{key}/values", metadata_values),
]
