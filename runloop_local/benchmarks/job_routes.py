"""Routes of benchmark jobs: create, list and retrieve."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from runloop_api.types import BenchmarkJobCreateParameters

from ..http.listing import list_body, page_query
from ..http.requests import Routes, app_state, dump, idempotent, json_body, query_value, respond
from .jobs import BenchmarkJobService

__all__ = ["ROUTES"]


def jobs(request: Request) -> BenchmarkJobService:
    """The engine's benchmark job service, kept in the app state."""
    return app_state(request, "benchmark_jobs", BenchmarkJobService)


async def create(request: Request) -> Response:
    body = await json_body(request, BenchmarkJobCreateParameters, optional=True)
    svc = jobs(request)

    async def make() -> str:
        return (await svc.create(body)).id

    return respond(svc.view(svc.get(await idempotent(request, "createBenchmarkJob", make))))


async def list_jobs(request: Request) -> Response:
    limit, after, include_total = page_query(request)
    svc = jobs(request)
    page, has_more, total = svc.page(
        name=query_value(request, "name") or None,
        search=query_value(request, "search") or None,
        limit=limit,
        starting_after=after,
    )
    return list_body("jobs", [dump(svc.view(r)) for r in page], has_more, total, include_total)


async def retrieve(request: Request) -> Response:
    svc = jobs(request)
    return respond(svc.view(svc.get(request.path_params["id"])))


ROUTES: Routes = [
    ("GET", "/v1/benchmark_jobs", list_jobs),
    ("POST", "/v1/benchmark_jobs", create),
    ("GET", "/v1/benchmark_jobs/{id}", retrieve),
]
