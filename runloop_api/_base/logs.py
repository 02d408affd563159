"""Request logging: ``RUNLOOP_LOG=debug|info`` logs each request through ``logging``.

One line per HTTP attempt on the ``runloop_api`` logger: method, path, status (or the
transport error), time taken and the request id. Headers are never logged, so neither is the
API key. ``info`` logs every request; ``debug`` adds the query string and the attempt's
streaming flag. Without the variable nothing is configured: an application may still attach
its own handler to the ``runloop_api`` logger and set its level.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Mapping

import httpx

__all__ = ["LOGGER", "configure_from_env", "describe_request", "level_from_env"]

LOGGER = logging.getLogger("runloop_api")

_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO}
_HANDLER_NAME = "runloop_api.RUNLOOP_LOG"


def level_from_env(environ: Mapping[str, str]) -> int | None:
    """The level ``RUNLOOP_LOG`` asks for, or None when unset or not ``debug``/``info``."""
    return _LEVELS.get(environ.get("RUNLOOP_LOG", "").strip().lower())


def configure_from_env(environ: Mapping[str, str]) -> None:
    """Attaches one stderr handler to the ``runloop_api`` logger when ``RUNLOOP_LOG`` asks for it.

    Safe to call for every client: the handler is added once.
    """
    level = level_from_env(environ)
    if level is None:
        return
    LOGGER.setLevel(level)
    if any(handler.get_name() == _HANDLER_NAME for handler in LOGGER.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    LOGGER.addHandler(handler)


def describe_request(
    request: httpx.Request,
    *,
    status: int | None,
    seconds: float,
    error: BaseException | None = None,
    response_request_id: str | None = None,
    detail: bool = False,
) -> str:
    """One log line for one attempt (pure). Only the method, path, query (``detail``), status,
    time and request id go in: never a header value but ``x-request-id``.

    Args:
        request: The request sent.
        status: The answer's status, None when there was none.
        seconds: How long the attempt took.
        error: The transport error, when there was no answer.
        response_request_id: The server's ``x-request-id``, when it sent one.
        detail: Add the query string (debug).
    """
    path = request.url.path
    if detail and request.url.query:
        path += "?" + request.url.query.decode("ascii", "replace")
    outcome = str(status) if status is not None else f"failed ({type(error).__name__})"
    request_id = response_request_id or request.headers.get("x-request-id") or "-"
    return f"{request.method} {path} -> {outcome} in {seconds * 1000:.0f} ms request_id={request_id}"
