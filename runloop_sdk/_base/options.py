"""Per-request options every object method accepts, and the official SDK's keyword aliases.

The official SDK's methods take ``extra_headers``, ``extra_query``, ``extra_body``, ``timeout``
(seconds for the HTTP request) and, on changes, ``idempotency_key``; ours hand them to the raw
call. The alias helpers pick one value of two spellings (ours and the official one).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any, TypeVar

import httpx
from typing_extensions import TypedDict

from .polling import PollingConfig

__all__ = [
    "ExtraOptions",
    "MutationOptions",
    "RequestOptions",
    "WaitOptions",
    "either",
    "pick_polling",
    "required",
    "ttl_to_ms",
]

T = TypeVar("T")


class ExtraOptions(TypedDict, total=False):
    """What a request may carry besides its parameters."""

    extra_headers: Mapping[str, str] | None
    """Headers added to this request."""
    extra_query: Mapping[str, Any] | None
    """Query parameters added to this request."""
    extra_body: Mapping[str, Any] | None
    """JSON fields added to this request's body."""


class WaitOptions(ExtraOptions, total=False):
    """Options of a method whose own ``timeout=`` bounds a whole wait, not one request."""

    idempotency_key: str | None
    """Sent as ``Idempotency-Key``: the server answers a repeat with the first result."""


class RequestOptions(ExtraOptions, total=False):
    """Options of one request (the official SDK's ``BaseRequestOptions``)."""

    timeout: float | httpx.Timeout | None
    """Seconds before this HTTP request gives up."""


class MutationOptions(RequestOptions, total=False):
    """Options of one request that changes something (the official ``LongRequestOptions``)."""

    idempotency_key: str | None
    """Sent as ``Idempotency-Key``: the server answers a repeat with the first result."""


def either(ours: str, ours_value: T | None, theirs: str, theirs_value: T | None) -> T | None:
    """The value given under either spelling of one argument.

    Raises:
        TypeError: When both spellings were given.
    """
    if ours_value is not None and theirs_value is not None:
        raise TypeError(f"give {ours}= or {theirs}=, not both")
    return ours_value if ours_value is not None else theirs_value


def required(ours: str, ours_value: Any, theirs: str, theirs_value: Any) -> Any:
    """Like :func:`either`, for an argument that must be given (the caller annotates the result:
    mypy would widen a union argument's type to ``object``).

    Raises:
        TypeError: When neither or both spellings were given.
    """
    value = either(ours, ours_value, theirs, theirs_value)
    if value is None:
        raise TypeError(f"missing argument: {ours}= (or {theirs}=)")
    return value


def pick_polling(polling: PollingConfig | None, polling_config: PollingConfig | None) -> PollingConfig | None:
    """``polling=`` (ours) or ``polling_config=`` (the official SDK's name).

    Raises:
        TypeError: When both were given.
    """
    return either("polling", polling, "polling_config", polling_config)


def ttl_to_ms(ttl_ms: int | None, ttl: timedelta | None) -> int | None:
    """``ttl_ms=`` (ours, milliseconds) or ``ttl=`` (the official SDK's ``timedelta``).

    Raises:
        TypeError: When both were given.
    """
    if ttl is None:
        return ttl_ms
    if ttl_ms is not None:
        raise TypeError("give ttl_ms= or ttl=, not both")
    return round(ttl.total_seconds() * 1000)
