"""Routes of benchmark runs, and the deprecated ``/v1/benchmarks/runs/...`` aliases (same handlers)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from runloop_api.types import BenchmarkRunState, ScenarioRunState, StartBenchmarkRunParameters

from ..db.clock import now_ms
from ..http.listing import list_body, page_query
from ..http.requests import Routes, app_state, check_enum, dump, idempotent, json_body, query_value, respond
from .rules import page_in_memory
from .runs import BenchmarkRunService

__all__ = ["ROUTES"]


def runs(request: Request) -> BenchmarkRunService:
    """The engine's benchmark run service, kept in the app state."""
    return app_state(request, "benchmark_runs", BenchmarkRunService)


async def start(request: Request) -> Response:
    body = await json_body(request, StartBenchmarkRunParameters)
    svc = runs(request)

    async def make() -> str:
        return (await svc.start_run(body)).id

    return respond(svc.get(await idempotent(request, "startBenchmarkRun", make)).view(now_ms()))


def _list(request: Request, benchmark_id: str | None) -> Response:
    limit, after, include_total = page_query(request)
    state = query_value(request, "state") or None
    if state is not None:
        check_enum("state", [state], BenchmarkRunState)
    now = now_ms()
    page, has_more, total = runs(request).page(
        benchmark_id=benchmark_id,
        state=state,
        name=query_value(request, "name") or None,
        search=query_value(request, "search") or None,
        limit=limit,
        starting_after=after,
    )
    return list_body("runs", [dump(r.view(now)) for r in page], has_more, total, include_total)


async def list_runs(request: Request) -> Response:
    return _list(request, query_value(request, "benchmark_id") or None)


async def runs_of_benchmark(request: Request) -> Response:
    bench = runs(request).benchmarks.get(request.path_params["id"])
    return _list(request, bench.id)


async def retrieve(request: Request) -> Response:
    return respond(runs(request).get(request.path_params["id"]).view(now_ms()))


async def cancel(request: Request) -> Response:
    return respond((await runs(request).cancel(request.path_params["id"])).view(now_ms()))


async def complete(request: Request) -> Response:
    return respond((await runs(request).complete(request.path_params["id"])).view(now_ms()))


async def scenario_runs(request: Request) -> Response:
    limit, after, include_total = page_query(request)
    state = query_value(request, "state") or None
    if state is not None:
        check_enum("state", [state], ScenarioRunState)
    search = query_value(request, "search") or None
    found = runs(request).scenario_runs(request.path_params["id"])[::-1]  # newest first, as lists are
    found = [
        r
        for r in found
        if (state is None or r.state == state)
        and (search is None or search in r.id or search in (r.name or ""))
    ]
    page, has_more, total = page_in_memory(found, [r.id for r in found], limit=limit, starting_after=after)
    return list_body("runs", [dump(r) for r in page], has_more, total, include_total)


async def download_logs(request: Request) -> Response:
    id = request.path_params["id"]
    return Response(
        await runs(request).logs_zip(id),
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{id}-logs.zip"'},
    )


ROUTES: Routes = [
    ("POST", "/v1/benchmarks/start_run", start),
    ("GET", "/v1/benchmarks/{id}/runs", runs_of_benchmark),
    ("GET", "/v1/benchmark_runs", list_runs),
    ("GET", "/v1/benchmark_runs/{id}", retrieve),
    ("POST", "/v1/benchmark_runs/{id}/cancel", cancel),
    ("POST", "/v1/benchmark_runs/{id}/complete", complete),
    ("POST", "/v1/benchmark_runs/{id}/download_logs", download_logs),
    ("GET", "/v1/benchmark_runs/{id}/scenario_runs", scenario_runs),
    # The deprecated aliases of the same operations (the spec marks them deprecated).
    ("GET", "/v1/benchmarks/runs", list_runs),
    ("GET", "/v1/benchmarks/runs/{id}", retrieve),
    ("POST", "/v1/benchmarks/runs/{id}/cancel", cancel),
    ("POST", "/v1/benchmarks/runs/{id}/complete", complete),
    ("POST", "/v1/benchmarks/runs/{id}/download_logs", download_logs),
    ("GET", "/v1/benchmarks/runs/{id}/scenario_runs", scenario_runs),
]
