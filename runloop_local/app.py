"""The engine's ASGI app: the spec's routes, bearer auth, JSON errors, 501 for the rest of the spec."""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import WebSocketRoute
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocket

from .agents import routes as agent_routes
from .benchmarks import routes as benchmark_routes
from .benchmarks.jobs import BenchmarkJobService
from .benchmarks.rules import CONCURRENCY_ENV, concurrency_setting
from .benchmarks.runs import BenchmarkRunService
from .benchmarks.scenario_host import ScenarioRunsHost
from .benchmarks.service import BenchmarkService
from .blueprints import routes as blueprint_routes
from .blueprints.service import BlueprintService
from .computers import routes as computer_routes
from .computers.service import ComputerService
from .devboxes import routes as devbox_routes
from .devboxes.service import DevboxService
from .executions import routes as execution_routes
from .files import routes as file_routes
from .http.asgi import EngineASGI, ErrorHandlers
from .http.auth import BearerAuth
from .http.errors import (
    ApiError,
    error_response,
    handle_api_error,
    handle_client_disconnect,
    handle_unexpected,
)
from .http.idempotency import Idempotency
from .http.requests import Endpoint, Routes
from .http.routing import MethodNotAllowed, RouteTable
from .http.spec_operations import SPEC_OPERATIONS
from .network.rules import host_capability_notes
from .network_policies import routes as network_policy_routes
from .objects import routes as object_routes
from .pty import routes as pty_routes
from .pty.service import PtyService
from .scenarios import routes as scenario_routes
from .scenarios.runs import ScenarioRunService
from .scenarios.service import ScenarioService
from .scorers import routes as scorer_routes
from .secrets import routes as secret_routes
from .snapshots import routes as snapshot_routes
from .snapshots.service import SnapshotService
from .ssh import routes as ssh_routes
from .ssh.service import SshService
from .tunnels import routes as tunnel_routes
from .tunnels.pty_service import PtyTunnelService
from .tunnels.service import TunnelService

__all__ = ["IMPLEMENTED", "build_app", "implemented_operations"]

log = logging.getLogger("runloop_local")

IMPLEMENTED: Routes = [
    *devbox_routes.ROUTES,
    *execution_routes.ROUTES,
    *file_routes.ROUTES,
    *snapshot_routes.ROUTES,
    *blueprint_routes.ROUTES,
    *secret_routes.ROUTES,
    *object_routes.ROUTES,
    *pty_routes.ROUTES,
    *ssh_routes.ROUTES,
    *network_policy_routes.ROUTES,
    *tunnel_routes.ROUTES,
    *computer_routes.ROUTES,
    *scenario_routes.ROUTES,
    *scorer_routes.ROUTES,
    *agent_routes.ROUTES,
    *benchmark_routes.ROUTES,
]
"""Every implemented operation: (method, spec path, endpoint)."""


def implemented_operations() -> dict[tuple[str, str], str]:
    """The operationIds the engine implements, by (method, path)."""
    ids = {(m, p): op for m, p, op in SPEC_OPERATIONS}
    return {(m, p): ids[(m, p)] for m, p, _ in IMPLEMENTED}


def _not_implemented(operation_id: str, method: str, path: str) -> Endpoint:
    async def endpoint(request: Request) -> Response:
        return error_response(
            501, f"{operation_id} ({method} {path}) is not implemented by the local engine yet"
        )

    return endpoint


def _table() -> RouteTable[Endpoint]:
    table: dict[tuple[str, str], Endpoint] = {(m, p): e for m, p, e in IMPLEMENTED}
    spec_ops = {(m, p) for m, p, _ in SPEC_OPERATIONS}
    missing = set(table) - spec_ops
    if missing:
        raise RuntimeError(f"routes not in the spec: {sorted(missing)}")
    for method, path, operation_id in SPEC_OPERATIONS:
        table.setdefault((method, path), _not_implemented(operation_id, method, path))
    table.update(
        {(m, p): e for m, p, e in object_routes.SIGNED_ROUTES}
    )  # presigned object URLs, not in the spec
    table.update({(m, p): e for m, p, e in tunnel_routes.LOCAL_ROUTES})  # the engine's own
    return RouteTable((m, p, e) for (m, p), e in table.items())


def _dispatcher(table: RouteTable[Endpoint]) -> ASGIApp:
    async def dispatch(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":  # terminals and live screens have routes of their own
            await pty_routes.deny_websocket(
                WebSocket(scope, receive, send), 404, f"no websocket at {scope['path']}"
            )
            return
        found = table.match(scope["method"], scope["path"])
        if (
            found is None
            and scope["method"] in ("GET", "HEAD")
            and scope["path"].startswith(computer_routes.SCREEN_PREFIX)
        ):
            response = await computer_routes.screen_file(Request(scope, receive, send))  # noVNC's files
            await response(scope, receive, send)
            return
        if found is None:
            raise HTTPException(404)
        if isinstance(found, MethodNotAllowed):
            raise HTTPException(405, headers={"Allow": ", ".join(found.allowed)})
        endpoint, params = found
        scope["path_params"] = params
        response = await endpoint(Request(scope, receive, send))
        await response(scope, receive, send)

    return dispatch


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        return error_response(404, f"no such endpoint: {request.method} {request.url.path}")
    if exc.status_code == 405:
        response = error_response(405, f"{request.method} is not allowed on {request.url.path}")
        response.headers.update(exc.headers or {})
        return response
    return error_response(exc.status_code, str(exc.detail))


def build_app(
    service: DevboxService, token: str, *, host: str = "127.0.0.1", ssh_port: int = 0
) -> EngineASGI:
    """The engine's app, serving ``service`` to clients holding ``token``.

    Args:
        service: The devbox service (started and closed with the app's lifespan).
        token: The bearer token every request must carry.
        host: The address the engine listens on (tunnel ports and the SSH server bind it too).
        ssh_port: The SSH server's port; 0 picks a free one (``create_ssh_key`` answers it).

    Returns:
        The ASGI app (HTTP straight to the route table; Starlette for the lifespan and
        websockets, see :mod:`.http.asgi`).
    """

    snapshots = SnapshotService(service)
    objects = service.objects
    blueprints = BlueprintService(service, objects)
    pty = PtyService(service)
    ssh = SshService(service, host, ssh_port)
    tunnels = TunnelService(service, host)
    pty_tunnels = PtyTunnelService(service, token, host)
    computers = ComputerService(service)
    scenarios = ScenarioService(service.data_dir)
    scenario_runs = ScenarioRunService(service, blueprints, snapshots, scenarios, service.scoring)
    benchmarks = BenchmarkService(service.data_dir, ScenarioRunsHost(scenario_runs))
    benchmark_runs = BenchmarkRunService(
        service.data_dir,
        benchmarks,
        benchmarks.scenarios,
        max_concurrent=concurrency_setting(os.environ.get(CONCURRENCY_ENV)),
    )
    benchmark_jobs = BenchmarkJobService(service.data_dir, benchmark_runs)
    scenarios.benchmark_scenarios = lambda id: benchmarks.get(id).scenario_ids
    scenario_runs.state_listeners.append(lambda _run: benchmark_runs.wake())

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await service.start()
        for note in host_capability_notes(service.network_policies.capabilities):
            log.warning("%s", note)
        app.state.idempotency = Idempotency(service.data_dir / "engine.sqlite3")
        snapshots.start()
        blueprints.start()
        objects.start()
        pty.start()
        await ssh.start()
        tunnels.start()
        pty_tunnels.start()
        # Every record that holds layers is open now: layers none holds (a killed engine's
        # half-taken snapshot, a cut build's steps) go.
        await service.images.collect_garbage()
        await scenario_runs.recover()
        benchmark_runs.start()  # after the scenario runs' recovery: it resumes running benchmark runs
        try:
            yield
        finally:
            await benchmark_runs.close()
            benchmark_jobs.close()
            benchmarks.close()
            await scenario_runs.close()
            scenarios.close()
            await ssh.close()
            await tunnels.close()
            await pty_tunnels.close()
            await pty.stop()
            computers.close()
            await blueprints.close()
            objects.close()
            await snapshots.close()
            await service.close()
            app.state.idempotency.close()

    handlers: ErrorHandlers = {
        ApiError: handle_api_error,
        HTTPException: _http_error,
        ClientDisconnect: handle_client_disconnect,
        Exception: handle_unexpected,
    }
    app = Starlette(
        routes=[
            WebSocketRoute("/pty/{session_name}", pty_routes.terminal_socket),
            WebSocketRoute(computer_routes.SCREEN_SOCKET, computer_routes.screen_socket),
        ],
        middleware=[Middleware(BearerAuth, token=token)],
        exception_handlers=dict(handlers),
        lifespan=lifespan,
    )
    app.state.service = service
    app.state.snapshots = snapshots
    app.state.blueprints = blueprints
    app.state.secrets = service.secrets
    app.state.network_policies = service.network_policies
    app.state.objects = objects
    app.state.pty = pty
    app.state.ssh = ssh
    app.state.tunnels = tunnels
    app.state.pty_tunnels = pty_tunnels
    app.state.computers = computers
    app.state.scenarios = scenarios
    app.state.scenario_runs = scenario_runs
    app.state.benchmarks = benchmarks
    app.state.benchmark_runs = benchmark_runs
    app.state.benchmark_jobs = benchmark_jobs
    dispatch = _dispatcher(_table())
    app.router.default = dispatch  # websockets to other paths: a 404 of the same words
    return EngineASGI(app, BearerAuth(dispatch, token=token), handlers)
