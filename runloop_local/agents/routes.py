"""Routes of agents: create, list (and the always empty public list), get, delete, devbox counts."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from runloop_api.types import AgentCreateParameters

from ..devboxes.rules import ACTIVE_STATUSES
from ..devboxes.service import DevboxService
from ..http.errors import bad_request
from ..http.listing import list_body, page_query
from ..http.requests import Routes, app_state, dump, idempotent, json_body, query_bool
from .service import AgentService

__all__ = ["ROUTES"]


def _devboxes(request: Request) -> DevboxService:
    return app_state(request, "service", DevboxService)


def agents(request: Request) -> AgentService:
    """The engine's agents (the devbox service holds them: agent mounts need them)."""
    return _devboxes(request).agents


async def create(request: Request) -> Response:
    body = await json_body(request, AgentCreateParameters)
    svc = agents(request)

    async def make() -> str:
        return svc.create(body).id

    return JSONResponse(dump(svc.get(await idempotent(request, "createAgent", make)).view()))


def _page(request: Request, *, public: bool) -> Response:
    query = request.query_params
    svc = agents(request)
    limit, after, include_total = page_query(request)
    if public or query_bool(request, "is_public"):  # the engine has no public agents
        return list_body("agents", [], False, 0, include_total)
    if after is not None and svc.store.get(after) is None:
        raise bad_request(f"invalid query parameter `starting_after`: no agent {after!r}")
    page, has_more, total = svc.page(
        name=query.get("name") or None,
        search=query.get("search") or None,
        version=query.get("version") or None,
        limit=limit,
        starting_after=after,
    )
    return list_body("agents", [dump(r.view()) for r in page], has_more, total, include_total)


async def list_agents(request: Request) -> Response:
    return _page(request, public=False)


async def list_public(request: Request) -> Response:
    return _page(request, public=True)


async def retrieve(request: Request) -> Response:
    return JSONResponse(dump(agents(request).get(request.path_params["id"]).view()))


async def delete(request: Request) -> Response:
    agents(request).delete(request.path_params["id"])
    return JSONResponse({})


async def devbox_counts(request: Request) -> Response:
    """Devboxes that have not ended (running, starting or suspended), by the agents they mounted."""
    store = _devboxes(request).store
    live = store.devboxes_with_status(frozenset(ACTIVE_STATUSES | {"suspended"}))
    counts = AgentService.devbox_counts(rec.mounts for rec in live)
    return JSONResponse({"counts": counts, "total_count": sum(counts.values())})


ROUTES: Routes = [
    ("GET", "/v1/agents", list_agents),
    ("POST", "/v1/agents", create),
    ("GET", "/v1/agents/devbox_counts", devbox_counts),
    ("GET", "/v1/agents/list_public", list_public),
    ("GET", "/v1/agents/{id}", retrieve),
    ("POST", "/v1/agents/{id}/delete", delete),
]
