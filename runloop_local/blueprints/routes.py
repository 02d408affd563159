"""Routes of blueprints: create (and build), preview, retrieve, list (own and public), logs, delete, metadata."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from runloop_api.types import (
    BlueprintBuildLogsListView,
    BlueprintBuildParameters,
    BlueprintBuildStatus,
    BlueprintPreviewView,
    EmptyRecord,
    MetadataKeysView,
    MetadataValuesView,
)

from ..http.errors import bad_request
from ..http.requests import (
    Routes,
    app_state,
    dump,
    idempotent,
    json_body,
    literal_values,
    metadata_routes,
    query_bool,
    query_int,
    respond,
)
from .service import BlueprintService

__all__ = ["ROUTES"]

_STATUSES = literal_values(BlueprintBuildStatus)


def blueprints(request: Request) -> BlueprintService:
    """The engine's blueprint service, kept in the app state."""
    return app_state(request, "blueprints", BlueprintService)


async def create(request: Request) -> Response:
    params = await json_body(request, BlueprintBuildParameters)
    svc = blueprints(request)

    async def build() -> str:
        return svc.create(params).id

    return respond(svc.get(await idempotent(request, "createBlueprint", build)).view())


async def preview(request: Request) -> Response:
    params = await json_body(request, BlueprintBuildParameters)
    return respond(BlueprintPreviewView(dockerfile=blueprints(request).preview(params)))


async def retrieve(request: Request) -> Response:
    return respond(blueprints(request).get(request.path_params["id"]).view())


async def logs(request: Request) -> Response:
    svc = blueprints(request)
    rec = svc.get(request.path_params["id"])
    return respond(
        BlueprintBuildLogsListView.model_validate({"blueprint_id": rec.id, "logs": svc.store.logs(rec.id)})
    )


async def delete(request: Request) -> Response:
    await blueprints(request).delete(request.path_params["id"])
    return respond(EmptyRecord())


def _listing(public: bool) -> Any:
    async def endpoint(request: Request) -> Response:
        query = request.query_params
        status = query.get("status") or None
        if status is not None and status not in _STATUSES:
            raise bad_request(
                f"invalid query parameter `status` {status!r}: expected one of {sorted(_STATUSES)}"
            )
        limit = query_int(request, "limit", 20, low=1, high=5000)
        after = query.get("starting_after") or None
        svc = blueprints(request)
        if after is not None and svc.store.get(after) is None:
            raise bad_request(f"invalid query parameter `starting_after`: no blueprint {after!r}")
        page, has_more, total = svc.store.page(
            public=public, name=query.get("name") or None, status=status, limit=limit, starting_after=after
        )
        body: dict[str, Any] = {"blueprints": [dump(r.view()) for r in page], "has_more": has_more}
        if query_bool(request, "include_total_count"):
            body["total_count"] = total
        return JSONResponse(body)

    return endpoint


metadata_keys, metadata_values = metadata_routes(lambda r: blueprints(r).store)


async def public_metadata_keys(request: Request) -> Response:
    return respond(MetadataKeysView(keys=[]))  # the engine's base image has no metadata


async def public_metadata_values(request: Request) -> Response:
    return respond(MetadataValuesView(key=request.path_params["key"], values=[]))


ROUTES: Routes = [
    ("GET", "/v1/blueprints", _listing(public=False)),
    ("POST", "/v1/blueprints", create),
    ("GET", "/v1/blueprints/list_public", _listing(public=True)),
    ("GET", "/v1/blueprints/metadata/keys", metadata_keys),
    ("GET", "/v1/blueprints/metadata/keys/{key}/values", metadata_values),
    ("POST", "/v1/blueprints/preview", preview),
    ("GET", "/v1/blueprints/public/metadata/keys", public_metadata_keys),
    ("GET", "/v1/blueprints/public/metadata/keys/{key}/values", public_metadata_values),
    ("GET", "/v1/blueprints/{id}", retrieve),
    ("POST", "/v1/blueprints/{id}/delete", delete),
    ("GET", "/v1/blueprints/{id}/logs", logs),
]
