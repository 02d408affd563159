"""Routes of secrets: create, list, get, update and delete, by name and by id."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from runloop_api.types import SecretCreateParameters, SecretUpdateParameters

from ..http.requests import Routes, app_state, dump, idempotent, json_body, query_int, respond
from .records import SecretRecord
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


def _found(request: Request) -> SecretRecord:
    """The secret a route names: by ``{id}`` (the ``/id/`` routes) or by ``{name}``."""
    svc = secrets(request)
    id = request.path_params.get("id")
    return svc.by_id(id) if id is not None else svc.by_name(request.path_params["name"])


async def retrieve(request: Request) -> Response:
    return respond(_found(request).view())


async def update(request: Request) -> Response:
    body = await json_body(request, SecretUpdateParameters)  # the same schema as SecretUpdateByIDParams
    return respond(secrets(request).update(_found(request), body.value).view())


async def delete(request: Request) -> Response:
    return respond(secrets(request).delete(_found(request)).view())


ROUTES: Routes = [
    ("GET", "/v1/secrets", list_secrets),
    ("POST", "/v1/secrets", create),
    ("GET", "/v1/secrets/id/{id}", retrieve),
    ("POST", "/v1/secrets/id/{id}/delete", delete),
    ("POST", "/v1/secrets/id/{id}/update", update),
    ("GET", "/v1/secrets/{name}", retrieve),
    ("POST", "/v1/secrets/{name}", update),
    ("POST", "/v1/secrets/{name}/delete", delete),
]
