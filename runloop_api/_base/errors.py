"""The error hierarchy of the raw client, and the pure function that picks a class for a status."""

from __future__ import annotations

import json
from typing import Any

import httpx
from pydantic import ValidationError

__all__ = [
    "RunloopError",
    "APIError",
    "APIStatusError",
    "BadRequestError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "RequestTimeoutError",
    "UnprocessableEntityError",
    "RateLimitError",
    "InternalServerError",
    "APIConnectionError",
    "APITimeoutError",
    "APIResponseValidationError",
    "status_error_class",
    "make_status_error",
    "server_message",
    "body_read_error",
    "response_validation_error",
    "describe_validation_error",
]


class RunloopError(Exception):
    """Base class of every error raised by this package."""


class APIError(RunloopError):
    """A request to the Runloop API failed.

    Attributes:
        method: The HTTP method of the failed request.
        url: The URL of the failed request.
    """

    def __init__(self, message: str, *, method: str, url: str) -> None:
        super().__init__(message)
        self.message = message
        self.method = method
        self.url = url


class APIStatusError(APIError):
    """The server answered with a 4xx or 5xx status.

    Attributes:
        status_code: The HTTP status code.
        body: The decoded JSON body, or the text body when it is not JSON.
        request_id: The server's request id header, when it sent one.
        response: The httpx response.
    """

    def __init__(self, message: str, *, response: httpx.Response, body: Any) -> None:
        request = response.request
        super().__init__(message, method=request.method, url=str(request.url))
        self.response = response
        self.status_code = response.status_code
        self.body = body
        self.request_id = response.headers.get("x-request-id")


class BadRequestError(APIStatusError):
    """400: the request was malformed or not allowed in the resource's current state."""


class AuthenticationError(APIStatusError):
    """401: the bearer token is missing or wrong."""


class PermissionDeniedError(APIStatusError):
    """403: the token may not do this."""


class NotFoundError(APIStatusError):
    """404: no such resource."""


class RequestTimeoutError(APIStatusError):
    """408: the server gave up waiting (long-polls answer this when the state has not been reached yet)."""


class ConflictError(APIStatusError):
    """409: the request conflicts with the resource's state."""


class UnprocessableEntityError(APIStatusError):
    """422: the request was well formed but its values are not acceptable."""


class RateLimitError(APIStatusError):
    """429: too many requests."""


class InternalServerError(APIStatusError):
    """5xx: the server failed."""


class APIResponseValidationError(APIError):
    """The server answered 2xx, but the body does not fit the model the operation returns (or is not JSON).

    The pydantic ``ValidationError`` that found the mismatch is chained as ``__cause__``.

    Attributes:
        status_code: The HTTP status code.
        body: The decoded JSON of what did not fit (the body, or one event of a stream), or its text
            when it is not JSON.
        request_id: The server's request id header, when it sent one.
        response: The httpx response.
    """

    def __init__(self, message: str, *, response: httpx.Response, body: Any) -> None:
        request = response.request
        super().__init__(message, method=request.method, url=str(request.url))
        self.response = response
        self.status_code = response.status_code
        self.body = body
        self.request_id = response.headers.get("x-request-id")


class APIConnectionError(APIError):
    """The request could not be completed: no answer, or the connection broke.

    Attributes:
        request_sent: False when the failure happened before any byte of the request left
            this process (so the server cannot have acted on it).
    """

    def __init__(self, message: str, *, method: str, url: str, request_sent: bool) -> None:
        super().__init__(message, method=method, url=url)
        self.request_sent = request_sent


class APITimeoutError(APIConnectionError):
    """The request timed out."""


_STATUS_CLASSES: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    408: RequestTimeoutError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def status_error_class(status: int) -> type[APIStatusError]:
    """Returns the error class for an HTTP error status."""
    if status >= 500:
        return InternalServerError
    return _STATUS_CLASSES.get(status, APIStatusError)


def decode_error_body(content: bytes) -> Any:
    """Decodes an error body: JSON when it parses, else the text."""
    text = content.decode("utf-8", errors="replace")
    try:
        return json.loads(text)
    except ValueError:
        return text


def server_message(body: Any) -> str:
    """Extracts the server's own message from an error body (any of the usual shapes)."""
    if isinstance(body, dict):
        for key in ("message", "error", "detail"):
            value = body.get(key)
            if isinstance(value, str) and value:
                return value
            if isinstance(value, dict):
                return server_message(value)
        return json.dumps(body)[:500]
    text = str(body).strip()
    return text[:500] if text else "(empty body)"


def make_status_error(response: httpx.Response, content: bytes) -> APIStatusError:
    """Builds the typed error for a 4xx/5xx response, with a message naming method, path and status."""
    body = decode_error_body(content)
    request = response.request
    message = (
        f"{request.method} {request.url.path} failed with {response.status_code} "
        f"{response.reason_phrase}: {server_message(body)}"
    )
    return status_error_class(response.status_code)(message, response=response, body=body)


def body_read_error(request: httpx.Request, exc: httpx.TransportError) -> APIConnectionError:
    """The typed error for a connection that broke while a response body was being read."""
    cls = APITimeoutError if isinstance(exc, httpx.TimeoutException) else APIConnectionError
    return cls(
        f"{request.method} {request.url.path} broke off while reading the response body: {exc!r}",
        method=request.method,
        url=str(request.url),
        request_sent=True,
    )


MAX_LISTED_MISMATCHES = 3


def _location(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(body)"


def describe_validation_error(exc: ValidationError, *, limit: int = MAX_LISTED_MISMATCHES) -> str:
    """Says what did not fit, one ``location: problem`` per mismatch, the first ``limit`` of them.

    Example: ``devboxes[0].status: Input should be 'running' or 'failure' (got 'on_fire')``.
    """
    errors = exc.errors(include_url=False)
    parts: list[str] = []
    for error in errors[:limit]:
        text = f"{_location(error['loc'])}: {error['msg']}"
        value = error.get("input")
        if error["type"] != "json_invalid" and isinstance(value, (str, int, float, bool)):
            text += f" (got {value!r:.60})"
        parts.append(text)
    if len(errors) > limit:
        parts.append(f"and {len(errors) - limit} more")
    return "; ".join(parts)


def response_validation_error(
    response: httpx.Response,
    content: bytes | str,
    exc: ValidationError,
    *,
    model: type[Any],
    what: str = "body",
) -> APIResponseValidationError:
    """The typed error for a 2xx answer (or one event of a stream) that ``model`` cannot parse.

    Args:
        response: The answer.
        content: What did not fit: the body, or the data of one event.
        exc: The error pydantic raised.
        model: The model the content should have fitted.
        what: What ``content`` is, for the message ("body", "event").
    """
    request = response.request
    raw = content if isinstance(content, bytes) else content.encode()
    message = (
        f"{request.method} {request.url.path} answered {response.status_code} {response.reason_phrase}, "
        f"but its {what} does not fit {model.__name__}: {describe_validation_error(exc)}. "
        "The server may speak a newer or different API than this client expects; check base_url and "
        "upgrade the SDK."
    )
    return APIResponseValidationError(message, response=response, body=decode_error_body(raw))
