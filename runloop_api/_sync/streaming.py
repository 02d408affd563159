# Generated from runloop_api/_async/streaming.py by scripts/unasync.py. Do not edit.
"""Server-sent event streams of typed chunks that resume from the last offset after a dropped connection."""

from __future__ import annotations

import time
from collections.abc import Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import httpx
from pydantic import ValidationError

from .._base.errors import APIConnectionError, APIError, response_validation_error
from .._base.models import BaseModel
from .._base.sse import SSEData, SSELines
from .._base.streaming import MAX_RECONNECTS, after_break, resume_offset

if TYPE_CHECKING:
    from ._client_base import APIClient

__all__ = ["EventStream", "MAX_RECONNECTS"]

ModelT = TypeVar("ModelT", bound=BaseModel)


class EventStream(Generic[ModelT]):
    """An iterator of typed events from a server-sent event stream.

    When the connection drops mid-stream, it reconnects with ``offset`` set to the offset of the
    last event received, so no chunk is lost or repeated. A stream that stays silent for longer
    than the read timeout (a command that prints nothing for a while) reconnects the same way,
    for as long as it takes; only real failures (broken connections, failed reopens, 5xx) count
    towards the ``MAX_RECONNECTS`` failures in a row after which it raises. ``last_offset`` is
    where a later call would resume.
    """

    def __init__(
        self,
        client: APIClient,
        path: str,
        *,
        model: type[ModelT],
        query: dict[str, Any],
        build: dict[str, Any],
    ) -> None:
        self._client = client
        self._path = path
        self._model = model
        self._query = query
        self._build = build
        self._response: httpx.Response | None = None
        offset = query.get("offset")
        self.last_offset: str | None = None if offset is None else str(offset)
        """The resume point after the last event received (pass it back as ``offset``)."""
        self.reconnects = 0
        """How many times the stream opened its connection again (after a drop, a silence or a failed open)."""

    def _open(self) -> httpx.Response:
        query = dict(self._query)
        if self.last_offset is not None:
            query["offset"] = self.last_offset
        request = self._client.build_request("GET", self._path, query=query, **self._build)
        # No retries inside: the stream's own policy (after_break) decides, with one budget.
        return self._client.send(request, idempotent=True, stream=True, max_retries=0)

    def __iter__(self) -> Iterator[ModelT]:
        failures = 0
        opened = False
        while True:
            if opened:
                self.reconnects += 1
            opened = True
            try:
                self._response = self._open()
            except APIError as exc:
                decision = after_break(exc, failures)
                if decision.give_up:
                    raise
                failures = decision.failures
                time.sleep(decision.delay)
                continue
            response = self._response
            delay = 0.0
            try:
                decoder = SSEData()
                lines = SSELines()
                for chunk in response.iter_bytes():
                    for line in lines.feed_bytes(chunk):
                        data = decoder.decode(line)
                        if not data:
                            continue
                        try:
                            # From bytes: text made first cost several times the parse.
                            item = self._model.model_validate_json(data)
                        except ValidationError as exc:
                            raise response_validation_error(
                                response,
                                data.decode("utf-8", "replace"),
                                exc,
                                model=self._model,
                                what="event",
                            ) from exc
                        self.last_offset = resume_offset(item, self.last_offset)
                        failures = 0
                        yield item
                return
            except httpx.TransportError as exc:
                decision = after_break(exc, failures)
                if decision.give_up:
                    request = response.request
                    raise APIConnectionError(
                        f"GET {self._path} stream dropped {decision.failures} times in a row: {exc!r}",
                        method=request.method,
                        url=str(request.url),
                        request_sent=True,
                    ) from exc
                failures = decision.failures
                delay = decision.delay
            finally:
                response.close()
            time.sleep(delay)

    def close(self) -> None:
        """Closes the current connection."""
        if self._response is not None:
            self._response.close()

    def __enter__(self) -> EventStream[ModelT]:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
