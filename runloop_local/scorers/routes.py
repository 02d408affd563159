"""Routes of custom scorers: create, list, get, update, and validate (run once with a context)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from runloop_api.types import CreateCustomScorerParams, ScorerValidateParameters

from ..blueprints.service import BlueprintService
from ..devboxes.service import DevboxService
from ..http.errors import bad_request
from ..http.requests import Routes, app_state, dump, idempotent, json_body, query_bool, query_int, respond
from ..snapshots.service import SnapshotService
from .service import ScorerService
from .validate import validate_scorer

__all__ = ["ROUTES"]


def _devboxes(request: Request) -> DevboxService:
    return app_state(request, "service", DevboxService)


def scorers(request: Request) -> ScorerService:
    """The engine's custom scorers (the devbox service holds them: scoring runs need them)."""
    return _devboxes(request).scorers


async def create(request: Request) -> Response:
    body = await json_body(request, CreateCustomScorerParams)
    svc = scorers(request)

    async def make() -> str:
        return svc.create(body.type, body.bash_script).id

    return respond(svc.by_id(await idempotent(request, "createCustomScorer", make)).view())


async def list_scorers(request: Request) -> Response:
    query = request.query_params
    svc = scorers(request)
    after = query.get("starting_after") or None
    if after is not None and svc.store.get(after) is None:
        raise bad_request(f"invalid query parameter `starting_after`: no scorer {after!r}")
    page, has_more, total = svc.page(
        limit=query_int(request, "limit", 20, low=1, high=5000),
        starting_after=after,
        search=query.get("search") or None,
    )
    body: dict[str, Any] = {"scorers": [dump(r.view()) for r in page], "has_more": has_more}
    if query_bool(request, "include_total_count"):
        body["total_count"] = total
    return JSONResponse(body)


async def retrieve(request: Request) -> Response:
    return respond(scorers(request).by_id(request.path_params["id"]).view())


async def update(request: Request) -> Response:
    body = await json_body(request, CreateCustomScorerParams)
    svc = scorers(request)
    return respond(svc.update(svc.by_id(request.path_params["id"]), body.type, body.bash_script).view())


async def validate(request: Request) -> Response:
    body = await json_body(request, ScorerValidateParameters)
    rec = scorers(request).by_id(request.path_params["id"])
    answer = await validate_scorer(
        _devboxes(request),
        app_state(request, "blueprints", BlueprintService),
        app_state(request, "snapshots", SnapshotService),
        rec,
        body.scoring_context,
        body.environment_parameters,
    )
    return respond(answer)


ROUTES: Routes = [
    ("GET", "/v1/scenarios/scorers", list_scorers),
    ("POST", "/v1/scenarios/scorers", create),
    ("GET", "/v1/scenarios/scorers/{id}", retrieve),
    ("POST", "/v1/scenarios/scorers/{id}", update),
    ("POST", "/v1/scenarios/scorers/{id}/validate", validate),
]
