"""Routes of secrets: create, list, get, update and delete, by name and by id."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from runloop_api.types import SecretCreateParameters, SecretUpdateByIDParams, SecretUpdateParameters

from ..http.requests import Routes, app_state, dump, idempotent, json_body, query_int, respond
from .service import SecretService

__all__ = ["ROUTES"]


def secrets(request: Request) -> SecretService:
    """The engine's secret service, kept in the app state."""
    return app_state(request, "secrets", SecretService)


async def create(request: Request) -> Response:
    body = await json_body(request, SecretCreateParameters)
    svc = secrets(request)

    async def make() -> str:
        return svc.create(body.name, body.value).id

    return respond(svc.by_id(await idempotent(request, "createSecret", make)).view())


async def list_secrets(request: Request) -> Response:
    page, has_more, total = secrets(request).page(query_int(request, "limit", 20, low=1, high=5000))
    body: dict[str, Any] = {
        "secrets": [dump(r.view()) for r in page],
        "has_more": has_more,
        "total_count": total,
    }
    return JSONResponse(body)


async def get_by_name(request: Request) -> Response:
    return respond(secrets(request).by_name(request.path_params["name"]).view())


async def update_by_name(request: Request) -> Response:
    body = await json_body(request, SecretUpdateParameters)
    svc = secrets(request)
    return respond(svc.update(svc.by_name(request.path_params["name"]), body.value).view())


async def delete_by_name(request: Request) -> Response:
    svc = secrets(request)
    return respond(svc.delete(svc.by_name(request.path_params["name"])).view())


async def get_by_id(request: Request) -> Response:
    return respond(secrets(request).by_id(request.path_params["id"]).view())


async def update_by_id(request: Request) -> Response:
    body = await json_body(request, SecretUpdateByIDParams)
    svc = secrets(request)
    return respond(svc.update(svc.by_id(request.path_params["id"]), body.value).view())


async def delete_by_id(request: Request) -> Response:
    svc = secrets(request)
    return respond(svc.delete(svc.by_id(request.path_params["id"])).view())


ROUTES: Routes = [
    ("GET", "/v1/secrets", list_secrets),
    ("POST", "/v1/secrets", create),
    ("GET", "/v1/secrets/id/{id}", get_by_id),
    ("POST", "/v1/secrets/id/{id}/delete", delete_by_id),
    ("POST", "/v1/secrets/id/{id}/update", update_by_id),
    ("GET", "/v1/secrets/{name}", get_by_name),
    ("POST", "/v1/secrets/{name}", update_by_name),
    ("POST", "/v1/secrets/{name}/delete", delete_by_name),
]
