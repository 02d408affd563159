"""Request parsing and JSON answers shared by the route modules."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import TypeVar

from pydantic import BaseModel, ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ..errors import bad_request, validation_message
from ..service import DevboxService

__all__ = ["Endpoint", "RouteTable", "json_body", "query_bool", "query_int", "respond", "service"]

ModelT = TypeVar("ModelT", bound=BaseModel)
Endpoint = Callable[[Request], Awaitable[Response]]
RouteTable = list[tuple[str, str, Endpoint]]
"""(method, spec path, endpoint) of each implemented operation."""


def service(request: Request) -> DevboxService:
    """The engine's service, kept in the app state."""
    found: DevboxService = request.app.state.service
    return found


def respond(model: BaseModel) -> JSONResponse:
    """A 200 answer with ``model`` as JSON (null fields included, as the spec's views require)."""
    return JSONResponse(model.model_dump(mode="json"))


async def json_body(request: Request, model: type[ModelT], *, optional: bool = False) -> ModelT:
    """Parses the JSON body into ``model``.

    Args:
        request: The request.
        model: The spec schema's model.
        optional: Whether an empty body means ``{}``.

    Raises:
        ApiError: 400 naming the problem: no body, not JSON, not an object, or the fields that fail.
    """
    raw = await request.body()
    if not raw.strip():
        if not optional:
            raise bad_request("the request body is empty: send a JSON object")
        raw = b"{}"
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise bad_request(f"the request body is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise bad_request(f"the request body must be a JSON object, not {type(data).__name__}")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise bad_request(validation_message(exc)) from None


def query_int(request: Request, name: str, default: int, *, low: int, high: int) -> int:
    """An integer query parameter within ``[low, high]``.

    Raises:
        ApiError: 400 naming the parameter.
    """
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise bad_request(f"invalid query parameter `{name}` {raw!r}: expected an integer") from None
    if not low <= value <= high:
        raise bad_request(f"invalid query parameter `{name}` {value}: expected {low} to {high}")
    return value


def query_bool(request: Request, name: str) -> bool:
    """A boolean query parameter (``true``/``false``), False when absent.

    Raises:
        ApiError: 400 naming the parameter.
    """
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return False
    if raw.lower() in ("true", "1"):
        return True
    if raw.lower() in ("false", "0"):
        return False
    raise bad_request(f"invalid query parameter `{name}` {raw!r}: expected true or false")
