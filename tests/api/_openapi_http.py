"""Adapters from httpx requests and responses to openapi-core's request and response protocols."""

from __future__ import annotations

from urllib.parse import parse_qs

import httpx
from openapi_core.datatypes import RequestParameters
from werkzeug.datastructures import Headers, ImmutableMultiDict

from ._spec import openapi

__all__ = ["OpenAPIRequest", "OpenAPIResponse", "validate_request", "validate_response"]


class OpenAPIRequest:
    """An httpx request as openapi-core reads it (the body must have been read)."""

    def __init__(self, request: httpx.Request) -> None:
        self._request = request
        query = parse_qs(request.url.query.decode("ascii"), keep_blank_values=True)
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(list((k, v) for k, values in query.items() for v in values)),
            header=Headers(list(request.headers.items())),
            cookie=ImmutableMultiDict(),
        )

    @property
    def host_url(self) -> str:
        return f"{self._request.url.scheme}://{self._request.url.netloc.decode('ascii')}"

    @property
    def path(self) -> str:
        return self._request.url.path

    @property
    def method(self) -> str:
        return self._request.method.lower()

    @property
    def body(self) -> bytes | None:
        return self._request.content or None

    @property
    def content_type(self) -> str:
        return str(self._request.headers.get("content-type", "")).lower()


class OpenAPIResponse:
    """An answer the mock server is about to send, as openapi-core reads it."""

    def __init__(self, status_code: int, content_type: str, data: bytes) -> None:
        self.status_code = status_code
        self.content_type = content_type
        self.data = data
        self.headers = Headers([("content-type", content_type)])


def validate_request(request: httpx.Request) -> None:
    """Raises when the request does not match the spec (method, path, query, headers, body)."""
    openapi().validate_request(OpenAPIRequest(request))


def validate_response(request: httpx.Request, status_code: int, content_type: str, data: bytes) -> None:
    """Raises when the answer does not match what the spec declares for this request."""
    openapi().validate_response(OpenAPIRequest(request), OpenAPIResponse(status_code, content_type, data))
