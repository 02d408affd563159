"""Routes of benchmark definitions; :data:`ROUTES` also gathers the runs' and the jobs' routes."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from runloop_api.types import (
    BenchmarkCreateParameters,
    BenchmarkScenarioUpdateParameters,
    BenchmarkUpdateParameters,
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
from . import job_routes, run_routes
from .service import BenchmarkService

__all__ = ["ROUTES"]


def benchmarks(request: Request) -> BenchmarkService:
    """The engine's benchmark service, kept in the app state."""
    return app_state(request, "benchmarks", BenchmarkService)


async def create(request: Request) -> Response:
    body = await json_body(request, BenchmarkCreateParameters)
    svc = benchmarks(request)

    async def make() -> str:
        return svc.create(body).id

    return respond(svc.get(await idempotent(request, "createBenchmark", make)).view())


async def list_benchmarks(request: Request) -> Response:
    limit, after, include_total = page_query(request)
    page, has_more, total = benchmarks(request).page(
        name=query_value(request, "name") or None,
        search=query_value(request, "search") or None,
        limit=limit,
        starting_after=after,
    )
    return list_body("benchmarks", [dump(r.view()) for r in page], has_more, total, include_total)


async def list_public(request: Request) -> Response:
    # The engine's benchmarks belong to its token holder: none is public.
    _, _, include_total = page_query(request)
    return list_body("benchmarks", [], False, 0, include_total)


async def retrieve(request: Request) -> Response:
    return respond(benchmarks(request).get(request.path_params["id"]).view())


async def update(request: Request) -> Response:
    body = await json_body(request, BenchmarkUpdateParameters, optional=True)
    return respond(benchmarks(request).update(request.path_params["id"], body).view())


async def update_scenarios(request: Request) -> Response:
    body = await json_body(request, BenchmarkScenarioUpdateParameters, optional=True)
    return respond(benchmarks(request).update_scenarios(request.path_params["id"], body).view())


async def archive(request: Request) -> Response:
    return respond(benchmarks(request).set_status(request.path_params["id"], "archived").view())


async def unarchive(request: Request) -> Response:
    return respond(benchmarks(request).set_status(request.path_params["id"], "active").view())


async def definitions(request: Request) -> Response:
    limit, after, _ = page_query(request)
    page, has_more, total = benchmarks(request).definitions(
        request.path_params["id"], limit=limit, starting_after=after
    )
    return list_body("scenarios", [dump(v) for v in page], has_more, total, True)


metadata_keys, metadata_values = metadata_routes(lambda r: benchmarks(r).store)


ROUTES: Routes = [
    ("GET", "/v1/benchmarks", list_benchmarks),
    ("POST", "/v1/benchmarks", create),
    ("GET", "/v1/benchmarks/list_public", list_public),
    ("GET", "/v1/benchmarks/metadata/keys", metadata_keys),
    ("GET", "/v1/benchmarks/metadata/keys/{key}/values", metadata_values),
    ("GET", "/v1/benchmarks/{id}", retrieve),
    ("POST", "/v1/benchmarks/{id}", update),
    ("POST", "/v1/benchmarks/{id}/archive", archive),
    ("GET", "/v1/benchmarks/{id}/definitions", definitions),
    ("POST", "/v1/benchmarks/{id}/scenarios", update_scenarios),
    ("POST", "/v1/benchmarks/{id}/unarchive", unarchive),
    *run_routes.ROUTES,
    *job_routes.ROUTES,
]
