"""Request parsing and JSON answers shared by the route modules."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, Protocol, TypeVar, get_args

from pydantic import BaseModel, ValidationError
from starlette.requests import ClientDisconnect, HTTPConnection, Request
from starlette.responses import Response

from runloop_api._base.models import STRICT_ENUMS
from runloop_api.types import DevboxView, MetadataKeysView, MetadataValuesView

from .errors import ApiError, bad_request, validation_message
from .idempotency import HEADER, Idempotency

__all__ = [
    "DEVBOX_REQUIRED_NULLABLE",
    "INT32_MAX",
    "Endpoint",
    "check_enum",
    "wait_request",
    "dump",
    "dump_json",
    "literal_values",
    "Routes",
    "app_state",
    "metadata_routes",
    "json_body",
    "query_bool",
    "query_int",
    "query_value",
    "respond",
]

ModelT = TypeVar("ModelT", bound=BaseModel)
StateT = TypeVar("StateT")
Endpoint = Callable[[Request], Awaitable[Response]]
Routes = list[tuple[str, str, Endpoint]]
DEVBOX_REQUIRED_NULLABLE = ("end_time_ms",)
INT32_MAX = 2**31 - 1
"""The largest ``format: int32`` value of the spec."""
"""(method, spec path, endpoint) of each implemented operation."""


class HasMetadata(Protocol):
    """A store that lists the metadata keys and values of its records."""

    def metadata_keys(self) -> list[str]: ...

    def metadata_values(self, key: str) -> list[str]: ...


def metadata_routes(store_of: Callable[[Request], HasMetadata]) -> tuple[Endpoint, Endpoint]:
    """The ``metadata/keys`` and ``metadata/keys/{key}/values`` endpoints of one kind of record."""

    async def keys(request: Request) -> Response:
        return respond(MetadataKeysView(keys=store_of(request).metadata_keys()))

    async def values(request: Request) -> Response:
        key = request.path_params["key"]
        return respond(MetadataValuesView(key=key, values=store_of(request).metadata_values(key)))

    return keys, values


async def idempotent(request: Request, operation: str, create: Callable[[], Awaitable[str]]) -> str:
    """Runs a create once per ``x-request-id`` (see :class:`.idempotency.Idempotency`); the resource's id."""
    keys = app_state(request, "idempotency", Idempotency)
    return await keys.once(operation, request.headers.get(HEADER), create)


def app_state(request: HTTPConnection, name: str, kind: type[StateT]) -> StateT:
    """The service the app keeps in its state under ``name`` (``build_app`` puts them there)."""
    found = getattr(request.app.state, name)
    assert isinstance(found, kind), f"app.state.{name} is a {type(found).__name__}, not a {kind.__name__}"
    return found


def dump(model: BaseModel, keep_null: tuple[str, ...] = ()) -> dict[str, Any]:
    """``model`` as JSON data without null fields, except the top-level ``keep_null`` ones.

    The spec declares most optional fields non-nullable (absent, not null); the few fields
    that are required but nullable (``DevboxView.end_time_ms``) are kept.
    """
    data = model.model_dump(mode="json", exclude_none=True)
    for name in keep_null:
        data.setdefault(name, None)
    return data


def dump_json(model: BaseModel, keep_null: tuple[str, ...] = ()) -> bytes:
    """:func:`dump` as JSON text, serialized in one pass by pydantic-core."""
    text = model.__pydantic_serializer__.to_json(model, exclude_none=True)
    missing = [name for name in keep_null if getattr(model, name, None) is None]
    if not missing:
        return text
    nulls = ",".join(f'"{name}":null' for name in missing).encode()
    return text[:-1] + (b"," if text != b"{}" else b"") + nulls + b"}"


def respond(model: BaseModel) -> Response:
    """A 200 answer with ``model`` as JSON (see :func:`dump`)."""
    keep = DEVBOX_REQUIRED_NULLABLE if isinstance(model, DevboxView) else ()
    return Response(dump_json(model, keep), media_type="application/json")


async def json_body(request: Request, model: type[ModelT], *, optional: bool = False) -> ModelT:
    """Parses the JSON body into ``model``.

    Args:
        request: The request.
        model: The spec schema's model.
        optional: Whether an empty body means ``{}``.

    Raises:
        ApiError: 400 naming the problem: no body, not JSON, not an object, or the fields that fail.
    """
    raw = await _read_capped(request)
    context = {STRICT_ENUMS: True}  # no value an enum does not list (clients keep those, in answers)
    if raw[:1] == b"{":  # the usual case, parsed and checked in one pass by pydantic-core
        with contextlib.suppress(ValidationError):
            return model.model_validate_json(raw, strict=True, context=context)
    # Anything else takes the slow way, which says what is wrong in the words of the spec.
    if not raw:  # only no body at all is "no body"; whitespace is not JSON
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
        # strict: JSON's types as the spec says (no false for 0, no "5" for 5)
        return model.model_validate_json(raw, strict=True, context=context)
    except ValidationError as exc:
        if not all(_integral_float(err) for err in exc.errors()):
            raise bad_request(validation_message(exc)) from None
    # 30.0 is an integer to JSON Schema, and the official client sends timeouts so
    return model.model_validate(data, context=context)


def _integral_float(err: Any) -> bool:
    value = err.get("input")
    return bool(err.get("type") == "int_type" and isinstance(value, float) and value.is_integer())


def literal_values(alias: Any) -> frozenset[str]:
    """The values of a ``Literal`` enum alias of the API types (also when wrapped in ``Annotated``)."""
    found: set[str] = set()
    for arg in get_args(alias):
        if isinstance(arg, str):
            found.add(arg)
        else:
            found |= literal_values(arg)
    return frozenset(found)


def check_enum(field: str, values: Iterable[str], alias: Any) -> None:
    """Rejects values outside an enum (the API models keep unknown values, a request must not).

    Raises:
        ApiError: 400 naming the field and the allowed values.
    """
    allowed = literal_values(alias)
    for value in values:
        if value not in allowed:
            raise bad_request(f"invalid field `{field}`: {value!r} is not one of {sorted(allowed)}")


MAX_JSON_BODY_BYTES = 64 * 1024 * 1024
"""Largest JSON request body (file contents included); larger files go through upload_file."""


def wait_request(
    statuses: Iterable[str], timeout_seconds: int | None, alias: Any, max_seconds: int
) -> tuple[list[str], int]:
    """Checks a ``wait_for_status`` body, pure: the statuses to wait for and the hold in seconds.

    Args:
        statuses: The requested statuses.
        timeout_seconds: The requested hold, or None for the longest.
        alias: The Literal alias of the allowed statuses.
        max_seconds: The longest hold this endpoint grants.

    Raises:
        ApiError: 400 when no status is given, one is unknown, or the timeout is negative.
    """
    wanted = list(statuses)
    if not wanted:
        raise bad_request("invalid field `statuses`: give at least one status")
    check_enum("statuses", wanted, alias)
    timeout = max_seconds if timeout_seconds is None else timeout_seconds
    if not 0 <= timeout <= INT32_MAX:
        raise bad_request(f"invalid field `timeout_seconds` {timeout}: expected 0 to {INT32_MAX}")
    return wanted, min(timeout, max_seconds)


async def _read_capped(request: Request) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_JSON_BODY_BYTES:
        raise _too_large()
    # The ASGI messages themselves: Request.stream() is an async generator, which costs more
    # than the rest of reading a small body.
    body = bytearray()
    while True:
        message = await request.receive()
        if message["type"] == "http.disconnect":
            raise ClientDisconnect()
        chunk: bytes = message.get("body", b"")
        if not body and not message.get("more_body", False):
            return chunk  # all in one message: no copy
        body += chunk
        if len(body) > MAX_JSON_BODY_BYTES:
            raise _too_large()
        if not message.get("more_body", False):
            return bytes(body)


def _too_large() -> ApiError:
    return ApiError(
        413,
        f"the JSON request body is larger than {MAX_JSON_BODY_BYTES // 2**20} MiB; upload large files with upload_file",
    )


def query_value(request: Request, name: str) -> str | None:
    """A query parameter's value, without parsing an empty query string (the usual case)."""
    return request.query_params.get(name) if request.scope.get("query_string") else None


def query_int(request: Request, name: str, default: int, *, low: int, high: int) -> int:
    """An integer query parameter within ``[low, high]``.

    Raises:
        ApiError: 400 naming the parameter.
    """
    raw = request.query_params.get(name)
    if raw is None:  # "limit=" is not a number: 400, not the default (the spec types it)
        return default
    try:
        value = int(raw)
    except ValueError:
        raise bad_request(f"invalid query parameter `{name}` {raw!r}: expected an integer") from None
    if not low <= value <= high:
        raise bad_request(f"invalid query parameter `{name}` {value}: expected {low} to {high}")
    return value


def query_bool(request: Request, name: str, *, default: bool = False) -> bool:
    """A boolean query parameter (``true``/``false``), ``default`` when absent or empty.

    Raises:
        ApiError: 400 naming the parameter.
    """
    raw = request.query_params.get(name)
    if raw is None:  # "include_total_count=" is not a boolean: 400
        return default
    if raw.lower() in ("true", "1"):
        return True
    if raw.lower() in ("false", "0"):
        return False
    raise bad_request(f"invalid query parameter `{name}` {raw!r}: expected true or false")
