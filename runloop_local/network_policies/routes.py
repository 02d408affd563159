"""Routes of network policies: create, list, retrieve, update and delete."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from runloop_api.types import NetworkPolicyCreateParameters, NetworkPolicyUpdateParameters

from ..http.errors import bad_request
from ..http.requests import Routes, app_state, dump, idempotent, json_body, query_bool, query_int, respond
from .service import NetworkPolicyService

__all__ = ["ROUTES"]


def policies(request: Request) -> NetworkPolicyService:
    """The engine's network policy service, kept in the app state."""
    return app_state(request, "network_policies", NetworkPolicyService)


async def create(request: Request) -> Response:
    body = await json_body(request, NetworkPolicyCreateParameters)
    svc = policies(request)

    async def make() -> str:
        return svc.create(body).id

    return respond(svc.get(await idempotent(request, "createNetworkPolicy", make)).view())


async def list_policies(request: Request) -> Response:
    query = request.query_params
    svc = policies(request)
    after = query.get("starting_after") or None
    if after is not None and svc.store.get(after) is None:
        raise bad_request(f"invalid query parameter `starting_after`: no network policy {after!r}")
    page, has_more, total = svc.page(
        id=query.get("id") or None,
        name=query.get("name") or None,
        search=query.get("search") or None,
        limit=query_int(request, "limit", 20, low=1, high=5000),
        starting_after=after,
    )
    body: dict[str, Any] = {"network_policies": [dump(r.view()) for r in page], "has_more": has_more}
    if query_bool(request, "include_total_count", default=True):
        body["total_count"] = total
    return JSONResponse(body)


async def retrieve(request: Request) -> Response:
    return respond(policies(request).get(request.path_params["id"]).view())


async def update(request: Request) -> Response:
    body = await json_body(request, NetworkPolicyUpdateParameters, optional=True)
    return respond(policies(request).update(request.path_params["id"], body).view())


async def delete(request: Request) -> Response:
    return respond(policies(request).delete(request.path_params["id"]).view())


ROUTES: Routes = [
    ("GET", "/v1/network-policies", list_policies),
    ("POST", "/v1/network-policies", create),
    ("GET", "/v1/network-policies/{id}", retrieve),
    ("POST", "/v1/network-policies/{id}", update),
    ("POST", "/v1/network-policies/{id}/delete", delete),
]
