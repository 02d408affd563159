"""A client that goes away in the middle of sending a request is no error of the engine."""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from runloop_api import RunloopAPI
from runloop_local import LocalEngine


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def engine_logs() -> Iterator[_Records]:
    """Every record of the engine's logger and of uvicorn's error logger (it does not propagate)."""
    handler = _Records()
    loggers = [logging.getLogger("runloop_local"), logging.getLogger("uvicorn.error")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
    yield handler
    for logger, level in zip(loggers, levels, strict=True):
        logger.removeHandler(handler)
        logger.setLevel(level)


def _send_half(base_url: str, token: str, path: str) -> None:
    """Sends a POST's headers and half of its JSON body, then closes the connection."""
    url = urlsplit(base_url)
    body = b'{"statuses": ["running"], "timeout_seconds": 1}'
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {url.netloc}\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode()
    with socket.create_connection((url.hostname, url.port or 80)) as sock:
        sock.sendall(head + body[: len(body) // 2])
        time.sleep(0.2)  # the engine is reading the body now


def test_a_body_cut_short_is_not_logged_as_an_engine_failure(
    engine: LocalEngine, api: RunloopAPI, engine_logs: _Records
) -> None:
    box = api.devboxes.create(name="dropped")
    for _ in range(3):
        _send_half(engine.base_url, engine.token, f"/v1/devboxes/{box.id}/wait_for_status")
    time.sleep(0.3)
    errors = [r.getMessage() for r in engine_logs.records if r.levelno >= logging.WARNING]
    assert errors == []
    assert any("client went away" in r.getMessage() for r in engine_logs.records)
    assert api.devboxes.retrieve(box.id).id == box.id  # the engine serves on
    api.devboxes.shutdown(box.id)
