"""The pure retry decisions: which failures repeat, and how long to wait."""

from __future__ import annotations

import email.utils

import httpx
import pytest

from runloop_api import APIConnectionError, APITimeoutError, RunloopError
from runloop_api._base.errors import APIStatusError, make_status_error
from runloop_api._base.retry import backoff_delay, parse_retry_after, retry_delay, should_retry


def status_error(status: int, headers: dict[str, str] | None = None) -> APIStatusError:
    request = httpx.Request("POST", "https://api.runloop.test/v1/devboxes")
    response = httpx.Response(status, headers=headers, request=request)
    return make_status_error(response, b'{"message": "x"}')


def connection_error(*, sent: bool) -> APIConnectionError:
    return APIConnectionError("boom", method="POST", url="u", request_sent=sent)


@pytest.mark.parametrize(
    ("status", "idempotent", "expected"),
    [
        (408, True, True),
        (429, True, True),
        (502, True, True),
        (503, True, True),
        (504, True, True),
        (500, True, False),
        (400, True, False),
        (404, True, False),
        (409, True, False),
        # A change is repeated only where the server says it did not act.
        (429, False, True),
        (503, False, True),
        (408, False, False),
        (502, False, False),
        (504, False, False),
    ],
)
def test_should_retry_status(status: int, idempotent: bool, expected: bool) -> None:
    assert should_retry(status_error(status), idempotent=idempotent) is expected


def test_long_poll_408_is_an_answer_not_a_failure() -> None:
    assert should_retry(status_error(408), idempotent=True, long_poll=True) is False
    assert should_retry(status_error(503), idempotent=True, long_poll=True) is True


@pytest.mark.parametrize(
    ("sent", "idempotent", "expected"),
    [(False, False, True), (True, False, False), (True, True, True), (False, True, True)],
)
def test_should_retry_connection_errors(sent: bool, idempotent: bool, expected: bool) -> None:
    assert should_retry(connection_error(sent=sent), idempotent=idempotent) is expected
    timeout = APITimeoutError("slow", method="GET", url="u", request_sent=sent)
    assert should_retry(timeout, idempotent=idempotent) is expected


def test_other_errors_are_never_retried() -> None:
    assert should_retry(RunloopError("config"), idempotent=True) is False
    assert should_retry(ValueError("bug"), idempotent=True) is False


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("", None),
        ("2", 2.0),
        (" 1.5 ", 1.5),
        ("-4", 0.0),
        ("120", 60.0),
        ("soon", None),
        ("nan", None),
        ("inf", 60.0),
    ],
)
def test_parse_retry_after_seconds(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value) == expected


def test_parse_retry_after_http_date() -> None:
    now = 1_700_000_000.0
    assert parse_retry_after(email.utils.formatdate(now + 10, usegmt=True), now=now) == pytest.approx(10.0)
    assert parse_retry_after(email.utils.formatdate(now - 10, usegmt=True), now=now) == 0.0
    assert parse_retry_after(email.utils.formatdate(now + 3600, usegmt=True), now=now) == 60.0


def test_backoff_doubles_to_a_cap_with_jitter() -> None:
    assert [backoff_delay(n, jitter=lambda: 1.0) for n in range(1, 7)] == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]
    assert [backoff_delay(n, jitter=lambda: 0.0) for n in (1, 2)] == [0.25, 0.5]


def test_retry_delay_prefers_retry_after() -> None:
    assert retry_delay(status_error(429, {"retry-after": "7"}), 1) == 7.0
    assert 0.25 <= retry_delay(status_error(503), 1) <= 0.5
    assert 0.5 <= retry_delay(connection_error(sent=False), 2) <= 1.0
    assert 1.0 <= retry_delay(None, 3) <= 2.0
