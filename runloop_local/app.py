"""The engine's ASGI app: the spec's routes, bearer auth, JSON errors, 501 for the rest of the spec."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ._spec_operations import SPEC_OPERATIONS
from .auth import BearerAuth
from .errors import ApiError, error_response, handle_api_error, handle_unexpected
from .routes import IMPLEMENTED
from .routes._common import Endpoint
from .service import DevboxService

__all__ = ["build_app", "implemented_operations", "route_order"]


def route_order(path: str) -> tuple[int, ...]:
    """Sort key of a route: literal segments before parameters, position by position (pure).

    So ``/v1/devboxes/disk_snapshots`` is tried before ``/v1/devboxes/{id}``.
    """
    return tuple(1 if seg.startswith("{") else 0 for seg in path.strip("/").split("/"))


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


def _routes() -> list[Route]:
    table: dict[tuple[str, str], Endpoint] = {(m, p): e for m, p, e in IMPLEMENTED}
    spec_ops = {(m, p) for m, p, _ in SPEC_OPERATIONS}
    missing = set(table) - spec_ops
    if missing:
        raise RuntimeError(f"routes not in the spec: {sorted(missing)}")
    for method, path, operation_id in SPEC_OPERATIONS:
        table.setdefault((method, path), _not_implemented(operation_id, method, path))
    ordered = sorted(table.items(), key=lambda item: (route_order(item[0][1]), item[0][1]))
    return [Route(path, endpoint, methods=[method]) for (method, path), endpoint in ordered]


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        return error_response(404, f"no such endpoint: {request.method} {request.url.path}")
    if exc.status_code == 405:
        return error_response(405, f"{request.method} is not allowed on {request.url.path}")
    return error_response(exc.status_code, str(exc.detail))


def build_app(service: DevboxService, token: str) -> Starlette:
    """The engine's app, serving ``service`` to clients holding ``token``.

    Args:
        service: The devbox service (started and closed with the app's lifespan).
        token: The bearer token every request must carry.

    Returns:
        A Starlette app.
    """

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await service.start()
        try:
            yield
        finally:
            await service.close()

    app = Starlette(
        routes=_routes(),
        middleware=[Middleware(BearerAuth, token=token)],
        exception_handlers={
            ApiError: handle_api_error,
            HTTPException: _http_error,
            Exception: handle_unexpected,
        },
        lifespan=lifespan,
    )
    app.state.service = service
    return app
