"""Every answer of the engine checked against the spec, through an httpx response hook."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx
import yaml
from openapi_core import OpenAPI
from openapi_core.datatypes import RequestParameters
from werkzeug.datastructures import Headers, ImmutableMultiDict

SPEC_PATH = Path(__file__).resolve().parents[2] / "spec" / "runloop-openapi.yaml"
STREAMED = ("text/event-stream", "application/octet-stream")


@functools.cache
def load_spec() -> dict[str, Any]:
    """The OpenAPI document as plain data."""
    spec: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text())
    return spec


@functools.cache
def _openapi(base_url: str) -> OpenAPI:
    spec = dict(load_spec())
    spec["servers"] = [{"url": base_url}]
    return OpenAPI.from_dict(spec)


class _Request:
    def __init__(self, request: httpx.Request) -> None:
        self._request = request
        query = parse_qs(request.url.query.decode("ascii"), keep_blank_values=True)
        self.parameters = RequestParameters(
            query=ImmutableMultiDict([(k, v) for k, values in query.items() for v in values]),
            header=Headers(list(request.headers.items())),
            cookie=ImmutableMultiDict(),
        )
        self.host_url = f"{request.url.scheme}://{request.url.netloc.decode('ascii')}"
        self.path = request.url.path
        self.method = request.method.lower()
        self.body = None
        self.content_type = str(request.headers.get("content-type", "")).lower()


class _Response:
    def __init__(self, status_code: int, content_type: str, data: bytes) -> None:
        self.status_code = status_code
        self.content_type = content_type
        self.data = data
        self.headers = Headers([("content-type", content_type)])


class SpecViolation(AssertionError):
    """An answer that does not match the spec."""


def check_response(response: httpx.Response, *, data: bytes | None = None) -> None:
    """Raises :class:`SpecViolation` when an answer does not match the spec.

    2xx answers are validated with openapi-core (streamed bodies: status and media type only, or
    ``data`` when given); error answers must be JSON ``{"message": "..."}``.
    """
    request = response.request
    content_type = response.headers.get("content-type", "").split(";")[0].strip()
    if response.status_code >= 300:
        body = json.loads(response.read())
        if not (isinstance(body, dict) and isinstance(body.get("message"), str) and body["message"]):
            raise SpecViolation(f"{request.method} {request.url.path}: error body {body!r} has no message")
        return
    if content_type in STREAMED and data is None:
        return  # streamed bodies are checked by the tests that read them
    body_bytes = data if data is not None else response.read()
    base = f"{request.url.scheme}://{request.url.netloc.decode('ascii')}"
    try:
        _openapi(base).validate_response(
            _Request(request), _Response(response.status_code, content_type, body_bytes)
        )
    except Exception as exc:
        raise SpecViolation(
            f"{request.method} {request.url.path}: {exc!r} {getattr(exc, '__cause__', '')}"
        ) from exc


class ValidatingClient(httpx.Client):
    """An httpx client that checks every answer against the spec; ``checked`` counts them."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(event_hooks={"response": [self._hook]}, **kwargs)
        self.checked = 0
        self.violations: list[str] = []
        self.server_errors: list[str] = []

    def _hook(self, response: httpx.Response) -> None:
        if response.status_code >= 500 and response.status_code != 501:
            self.server_errors.append(f"{response.request.method} {response.request.url.path}")
        try:
            check_response(response)
        except SpecViolation as exc:
            self.violations.append(str(exc))
            raise
        self.checked += 1
