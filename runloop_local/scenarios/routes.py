"""Routes of scenarios and scenario runs."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from runloop_api.types import (
    ScenarioCreateParameters,
    ScenarioUpdateParameters,
    StartScenarioRunParameters,
)

from ..http.listing import list_body, page_query
from ..http.requests import (
    Routes,
    app_state,
    dump,
    idempotent,
    json_body,
    metadata_routes,
    query_value,
    respond,
)
from .runs import ScenarioRunService
from .service import ScenarioService

__all__ = ["ROUTES"]

SCORE_HOLD_S = 30.0
"""How long ``score`` holds the request for the scoring to end (it answers ``scoring`` after that)."""


def scenarios(request: Request) -> ScenarioService:
    """The engine's scenario service, kept in the app state."""
    return app_state(request, "scenarios", ScenarioService)


def runs(request: Request) -> ScenarioRunService:
    """The engine's scenario-run service, kept in the app state."""
    return app_state(request, "scenario_runs", ScenarioRunService)


# -- scenarios ---------------------------------------------------------------------------------------


async def create(request: Request) -> Response:
    body = await json_body(request, ScenarioCreateParameters)
    svc = scenarios(request)

    async def make() -> str:
        return svc.create(body).id

    return respond(svc.get(await idempotent(request, "createScenario", make)).view())


async def list_scenarios(request: Request) -> Response:
    limit, after, include_total = page_query(request)
    validation = query_value(request, "validation_type") or None  # any string: the spec types it so
    page, has_more, total = scenarios(request).page(
        limit=limit,
        starting_after=after,
        name=query_value(request, "name") or None,
        search=query_value(request, "search") or None,
        validation_type=validation,
        benchmark_id=query_value(request, "benchmark_id") or None,
    )
    return list_body("scenarios", [dump(r.view()) for r in page], has_more, total, include_total)


async def list_public(request: Request) -> Response:
    # Scenarios of the engine belong to its token holder: none is public.
    _, _, include_total = page_query(request)
    return list_body("scenarios", [], False, 0, include_total)


async def retrieve(request: Request) -> Response:
    return respond(scenarios(request).get(request.path_params["id"]).view())


async def update(request: Request) -> Response:
    body = await json_body(request, ScenarioUpdateParameters, optional=True)
    return respond(scenarios(request).update(request.path_params["id"], body).view())


async def archive(request: Request) -> Response:
    return respond(scenarios(request).set_status(request.path_params["id"], "archived").view())


async def unarchive(request: Request) -> Response:
    return respond(scenarios(request).set_status(request.path_params["id"], "active").view())


async def scenario_runs(request: Request) -> Response:
    # The spec types this answer as a ScenarioDefinitionView (a spec error, see spec/README.md):
    # the scenario's view, with the run list's fields beside it.
    scenario = scenarios(request).get(request.path_params["id"])
    limit, after, include_total = page_query(request)
    page, has_more, total = runs(request).page(limit=limit, starting_after=after, scenario_id=scenario.id)
    body = dump(scenario.view())
    body.update({"runs": [dump(r.view()) for r in page], "has_more": has_more})
    if include_total:
        body["total_count"] = total
    return JSONResponse(body)


metadata_keys, metadata_values = metadata_routes(lambda r: scenarios(r).store)


# -- runs --------------------------------------------------------------------------------------------


async def start_run(request: Request) -> Response:
    body = await json_body(request, StartScenarioRunParameters)
    svc = runs(request)

    async def make() -> str:
        rec = await svc.start(
            body.scenario_id,
            run_name=body.run_name,
            metadata=body.metadata,
            run_profile=body.runProfile,
            benchmark_run_id=body.benchmark_run_id,
        )
        return rec.id

    return respond(svc.get(await idempotent(request, "startScenarioRun", make)).view())


async def list_runs(request: Request) -> Response:
    limit, after, include_total = page_query(request)
    state = query_value(request, "state") or None  # any string: the spec types it so
    page, has_more, total = runs(request).page(
        limit=limit,
        starting_after=after,
        scenario_id=query_value(request, "scenario_id") or None,
        benchmark_run_id=query_value(request, "benchmark_run_id") or None,
        state=state,
        name=query_value(request, "name") or None,
        search=query_value(request, "search") or None,
    )
    return list_body("runs", [dump(r.view()) for r in page], has_more, total, include_total)


async def retrieve_run(request: Request) -> Response:
    return respond(runs(request).get(request.path_params["id"]).view())


async def score(request: Request) -> Response:
    return respond((await runs(request).score(request.path_params["id"], hold_s=SCORE_HOLD_S)).view())


async def complete(request: Request) -> Response:
    return respond((await runs(request).complete(request.path_params["id"])).view())


async def cancel(request: Request) -> Response:
    return respond((await runs(request).cancel(request.path_params["id"])).view())


async def download_logs(request: Request) -> Response:
    id = request.path_params["id"]
    return Response(
        runs(request).logs(id),
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{id}-logs.zip"'},
    )


ROUTES: Routes = [
    ("GET", "/v1/scenarios", list_scenarios),
    ("POST", "/v1/scenarios", create),
    ("GET", "/v1/scenarios/list_public", list_public),
    ("GET", "/v1/scenarios/metadata/keys", metadata_keys),
    ("GET", "/v1/scenarios/metadata/keys/{key}/values", metadata_values),
    ("GET", "/v1/scenarios/runs", list_runs),
    ("GET", "/v1/scenarios/runs/{id}", retrieve_run),
    ("POST", "/v1/scenarios/runs/{id}/cancel", cancel),
    ("POST", "/v1/scenarios/runs/{id}/complete", complete),
    ("POST", "/v1/scenarios/runs/{id}/download_logs", download_logs),
    ("POST", "/v1/scenarios/runs/{id}/score", score),
    ("POST", "/v1/scenarios/start_run", start_run),
    ("GET", "/v1/scenarios/{id}", retrieve),
    ("POST", "/v1/scenarios/{id}", update),
    ("POST", "/v1/scenarios/{id}/archive", archive),
    ("GET", "/v1/scenarios/{id}/runs", scenario_runs),
    ("POST", "/v1/scenarios/{id}/unarchive", unarchive),
]
