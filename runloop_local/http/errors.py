"""JSON errors of the engine: ``{"message": ...}`` with the status the spec expects."""

from __future__ import annotations

import logging
from typing import Any

from pydantic import ValidationError
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response

__all__ = [
    "ApiError",
    "bad_request",
    "error_response",
    "not_found",
    "validation_message",
    "handle_api_error",
    "handle_client_disconnect",
    "handle_unexpected",
]

log = logging.getLogger("runloop_local")


class ApiError(Exception):
    """An error answered to the client with ``status`` and a JSON message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def bad_request(message: str) -> ApiError:
    """A 400 error."""
    return ApiError(400, message)


def not_found(kind: str, id: str) -> ApiError:
    """A 404 error for an unknown id."""
    return ApiError(404, f"{kind} {id!r} not found")


def error_response(status: int, message: str) -> JSONResponse:
    """The JSON answer of an error."""
    return JSONResponse({"message": message}, status_code=status)


def _field_name(loc: tuple[Any, ...]) -> str:
    # pydantic puts union member names in the location; they mean nothing to a caller.
    parts = [str(p) for p in loc if not (isinstance(p, str) and ("[" in p or p[:1].isupper()))]
    return ".".join(parts) or "body"


def validation_message(exc: ValidationError, *, where: str = "request body") -> str:
    """A message naming every field that failed validation, pure.

    Args:
        exc: The pydantic error.
        where: What was being validated (for the message).

    Returns:
        For example ``invalid request body: field `statuses`: Field required``.
    """
    seen: dict[str, str] = {}
    for err in exc.errors():
        name = _field_name(tuple(err.get("loc", ())))
        seen.setdefault(name, str(err.get("msg", "invalid")))
    details = "; ".join(f"field `{name}`: {msg}" for name, msg in seen.items())
    return f"invalid {where}: {details}"


async def handle_api_error(request: Request, exc: Exception) -> Response:
    """Starlette handler of :class:`ApiError`."""
    assert isinstance(exc, ApiError)
    return error_response(exc.status, exc.message)


async def handle_client_disconnect(request: Request, exc: Exception) -> Response:
    """Starlette handler of a client that went away before its request's body arrived.

    Not a bug of the engine (a dropped connection, a client that gave up): nothing was done, and
    the answer reaches nobody. It is logged at debug level, never as an unexpected error.
    """
    assert isinstance(exc, ClientDisconnect)
    log.debug("client went away during %s %s", request.method, request.url.path)
    return error_response(400, "the client disconnected before its request's body arrived")


async def handle_unexpected(request: Request, exc: Exception) -> Response:
    """Last resort: a bug answers a clear JSON message (still a 500) and is logged with its trace."""
    log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(
        500,
        f"the local engine failed unexpectedly on {request.method} {request.url.path}: "
        f"{type(exc).__name__}: {exc}. This is a bug of runloop_local; please report it.",
    )
