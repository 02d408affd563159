"""The HTTP core of the async client: sending, retries, errors and response parsing."""

from __future__ import annotations

import asyncio
import logging
import os
import time
import uuid
from collections.abc import Mapping
from typing import Any, TypeVar

import httpx
from pydantic import ValidationError
from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt

from .._base.config import ClientConfig, long_poll_timeout, resolve_config
from .._base.errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    RequestTimeoutError,
    RunloopError,
    make_status_error,
    response_validation_error,
)
from .._base.logs import LOGGER, configure_from_env, describe_request
from .._base.models import BaseModel
from .._base.retry import retry_delay, should_retry
from .binary import AsyncBinaryResponse
from .pagination import AsyncPage
from .streaming import AsyncEventStream
from .transport import AsyncPooledTransport, SetCookieOnlyJar, h2_missing

__all__ = ["AsyncAPIClient", "Timeout"]

ModelT = TypeVar("ModelT", bound=BaseModel)
Timeout = float | httpx.Timeout | None

_NOT_SENT_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol)


class AsyncAPIClient:
    """Holds the connection pool and settings; every resource sends through :meth:`send`."""

    def __init__(
        self,
        *,
        bearer_token: str | None = None,
        base_url: str | None = None,
        timeout: float | httpx.Timeout | None = 30.0,
        max_retries: int = 2,
        default_headers: Mapping[str, str] | None = None,
        http_client: httpx.AsyncClient | None = None,
        http2: bool = False,
    ) -> None:
        self._config: ClientConfig = resolve_config(
            bearer_token=bearer_token,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
        )
        configure_from_env(os.environ)
        self._owns_http = http_client is None
        if http2 and http_client is not None:
            raise RunloopError(
                "http2=True sets up this client's own connections; with http_client=..., "
                "make that httpx client with http2=True instead"
            )
        if http2 and (problem := h2_missing()) is not None:
            raise RunloopError(problem)
        if http_client is None:
            # Not httpx's own pool: with many requests at once it opens a new connection for
            # most of them and its work grows with the square of its connections (see .transport).
            transport = AsyncPooledTransport(
                max_connections=100, http2_origin=self._config.base_url if http2 else None
            )
            http_client = httpx.AsyncClient(timeout=self._config.timeout, transport=transport)
            # httpx takes no jar of another class (it copies the cookies given into its own).
            http_client._cookies = SetCookieOnlyJar()
        self._http = http_client
        self._headers = httpx.Headers(self._config.headers)
        self._base_url = self._config.base_url
        self._timeout = self._config.timeout
        self._max_retries = self._config.max_retries

    @property
    def base_url(self) -> str:
        """The API's base URL."""
        return self._base_url

    @property
    def bearer_token(self) -> str:
        """The API key this client sends."""
        return self._config.bearer_token

    @property
    def max_retries(self) -> int:
        """How many times a failed request that may be repeated is sent again."""
        return self._max_retries

    @property
    def http_client(self) -> httpx.AsyncClient:
        """The underlying httpx client."""
        return self._http

    async def close(self) -> None:
        """Closes the connection pool (unless the caller supplied the httpx client)."""
        if self._owns_http:
            await self._http.aclose()

    def build_request(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, Any] | None = None,
        json: Any = None,
        files: Any = None,
        data: Mapping[str, Any] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        accept: str | None = None,
        idempotency_key: str | None = None,
        timeout: Timeout = None,
        long_poll: bool = False,
        long_poll_hold: float | None = None,
    ) -> httpx.Request:
        """Builds one request with auth, idempotency key and timeout applied.

        A long-poll (``long_poll``) gets a read timeout that outlasts the server's hold: ``long_poll_hold``
        seconds when the caller chose them, else the longest the server holds.
        """
        headers = self._headers.copy()
        if method != "GET":
            headers["x-request-id"] = idempotency_key or f"rl-{uuid.uuid4().hex}"
            if json is None and files is None and data is None:
                # As the official client does: a bodyless POST still says its (empty) body is JSON.
                headers["Content-Type"] = "application/json"
        if accept is not None:
            # Answers that are not JSON (downloads, text, event streams) ask for their own type.
            headers["Accept"] = accept
        if extra_headers:
            headers.update(extra_headers)
        resolved: httpx.Timeout = self._timeout
        if timeout is not None:
            resolved = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        if long_poll:
            resolved = long_poll_timeout(resolved, long_poll_hold)
        return httpx.Request(
            method,
            self._base_url + path,
            params=query or None,
            json=json,
            files=files,
            data=data,
            headers=headers,
            extensions={"timeout": resolved.as_dict()},
        )

    async def send(
        self,
        request: httpx.Request,
        *,
        idempotent: bool,
        long_poll: bool = False,
        stream: bool = False,
        max_retries: int | None = None,
    ) -> httpx.Response:
        """Sends a request, retrying what may be retried; raises a typed error for 4xx/5xx.

        The first attempt runs outside tenacity so a call that succeeds pays nothing for retries.
        """
        try:
            return await self._send_once(request, stream=stream)
        except APIError as first_error:
            retries = self._max_retries if max_retries is None else max_retries
            if retries == 0 or not should_retry(first_error, idempotent=idempotent, long_poll=long_poll):
                raise
            error: APIError = first_error

        def retryable(exc: BaseException) -> bool:
            return should_retry(exc, idempotent=idempotent, long_poll=long_poll)

        def wait(retry_state: Any) -> float:
            # The first retry already waited below; tenacity's attempt 1 is the call's attempt 2.
            outcome = retry_state.outcome
            failed = outcome.exception() if outcome is not None else error
            return retry_delay(failed, retry_state.attempt_number + 1)

        retrying = AsyncRetrying(
            stop=stop_after_attempt(retries),
            wait=wait,
            retry=retry_if_exception(retryable),
            reraise=True,
        )
        await asyncio.sleep(retry_delay(error, 1))
        async for attempt in retrying:
            with attempt:
                return await self._send_once(request, stream=stream)
        raise error  # pragma: no cover - tenacity either returns or re-raises

    async def _send_once(self, request: httpx.Request, *, stream: bool) -> httpx.Response:
        if LOGGER.isEnabledFor(logging.DEBUG):
            LOGGER.debug(
                "%s %s sending request_id=%s",
                request.method,
                request.url.path,
                request.headers.get("x-request-id", "-"),
            )
        started = time.monotonic()
        try:
            response = await self._http.send(request, stream=stream)
        except httpx.TransportError as exc:
            if LOGGER.isEnabledFor(logging.INFO):
                line = describe_request(request, status=None, seconds=time.monotonic() - started, error=exc)
                LOGGER.info("%s", line)
            raise self._transport_error(request, exc) from exc
        if LOGGER.isEnabledFor(logging.INFO):
            line = describe_request(
                request,
                status=response.status_code,
                seconds=time.monotonic() - started,
                response_request_id=response.headers.get("x-request-id"),
                detail=LOGGER.isEnabledFor(logging.DEBUG),
            )
            LOGGER.info("%s", line)
        if response.status_code >= 400:
            try:
                content = await response.aread()
            finally:
                await response.aclose()
            raise make_status_error(response, content)
        return response

    def _transport_error(self, request: httpx.Request, exc: httpx.TransportError) -> APIError:
        sent = not isinstance(exc, _NOT_SENT_ERRORS)
        if isinstance(exc, httpx.TimeoutException):
            return APITimeoutError(
                f"{request.method} {request.url.path} timed out: {exc!r}",
                method=request.method,
                url=str(request.url),
                request_sent=sent,
            )
        return APIConnectionError(
            f"{request.method} {request.url.path} could not reach {self._base_url}: {exc!r}",
            method=request.method,
            url=str(request.url),
            request_sent=sent,
        )

    async def request_json(
        self,
        method: str,
        path: str,
        *,
        cast_to: type[ModelT],
        idempotent: bool,
        fallback_path: str | None = None,
        **build: Any,
    ) -> ModelT:
        """Sends a request and parses the JSON answer into ``cast_to``.

        With ``fallback_path`` the call is a long-poll: a 408 means "not reached yet", and the
        current state is read from ``fallback_path`` instead of raising. ``long_poll=True`` (passed
        on to :meth:`build_request`) marks a call the server may hold open.
        """
        request = self.build_request(method, path, **build)
        # A 408 from a call the server holds (a long-poll, an optimistic execute) means "not yet":
        # the caller's answer, never a failure to retry.
        holds = fallback_path is not None or bool(build.get("long_poll"))
        try:
            response = await self.send(request, idempotent=idempotent, long_poll=holds)
        except RequestTimeoutError:
            if fallback_path is None:
                raise
            # The read carries the caller's headers and timeout, but not the long-poll's hold.
            fallback = self.build_request(
                "GET", fallback_path, extra_headers=build.get("extra_headers"), timeout=build.get("timeout")
            )
            response = await self.send(fallback, idempotent=True)
        try:
            return cast_to.model_validate_json(response.content)
        except ValidationError as exc:
            raise response_validation_error(response, response.content, exc, model=cast_to) from exc

    async def request_text(self, method: str, path: str, *, idempotent: bool, **build: Any) -> str:
        """Sends a request and returns the body as text."""
        response = await self.send(self.build_request(method, path, **build), idempotent=idempotent)
        return response.text

    async def request_binary(
        self, method: str, path: str, *, idempotent: bool, **build: Any
    ) -> AsyncBinaryResponse:
        """Sends a request and returns the body unread, to be streamed by the caller."""
        response = await self.send(
            self.build_request(method, path, **build), idempotent=idempotent, stream=True
        )
        return AsyncBinaryResponse(response)

    async def request_page(
        self,
        path: str,
        *,
        list_model: type[BaseModel],
        items_field: str,
        query: dict[str, Any],
        **build: Any,
    ) -> AsyncPage[Any]:
        """Fetches one page of a cursor-paginated list."""
        request = self.build_request("GET", path, query=query, **build)
        response = await self.send(request, idempotent=True)
        try:
            raw = list_model.model_validate_json(response.content)
        except ValidationError as exc:
            raise response_validation_error(response, response.content, exc, model=list_model) from exc
        return AsyncPage(
            client=self,
            path=path,
            list_model=list_model,
            items_field=items_field,
            query=query,
            raw=raw,
            build=build,
        )

    def stream_events(
        self, path: str, *, model: type[ModelT], query: dict[str, Any], **build: Any
    ) -> AsyncEventStream[ModelT]:
        """Opens a server-sent event stream that resumes from the last offset after a dropped connection."""
        return AsyncEventStream(self, path, model=model, query=query, build=build)
