"""The pure reconnect policy of event streams: what counts as a failure, when to give up, how long to wait."""

from __future__ import annotations

import httpx
import pytest

from runloop_api import APIConnectionError, APITimeoutError
from runloop_api._base.errors import make_status_error
from runloop_api._base.streaming import MAX_RECONNECTS, Reconnect, after_break

REQUEST = httpx.Request(
    "GET", "https://api.runloop.test/v1/devboxes/dbx_1/executions/exe_1/stream_stdout_updates"
)


def status_error(status: int, headers: dict[str, str] | None = None) -> BaseException:
    response = httpx.Response(status, headers=headers, request=REQUEST)
    return make_status_error(response, b'{"message": "nope"}')


def connection_error(cls: type[APIConnectionError] = APIConnectionError) -> APIConnectionError:
    return cls("could not reach", method="GET", url=str(REQUEST.url), request_sent=False)


def no_jitter() -> float:
    return 0.0


@pytest.mark.parametrize("failures", [0, 3, MAX_RECONNECTS, 1000])
def test_silence_is_free_and_immediate(failures: int) -> None:
    decision = after_break(httpx.ReadTimeout("no data"), failures)
    assert decision == Reconnect(failures=failures, give_up=False, delay=0.0)


@pytest.mark.parametrize(
    "error",
    [httpx.ReadError("reset"), httpx.RemoteProtocolError("incomplete body"), httpx.WriteError("broken pipe")],
    ids=type,
)
def test_a_broken_connection_while_reading_counts(error: BaseException) -> None:
    decision = after_break(error, 0, jitter=no_jitter)
    assert decision == Reconnect(failures=1, give_up=False, delay=0.0625)


@pytest.mark.parametrize(
    "error",
    [
        connection_error(),
        connection_error(APITimeoutError),
        status_error(408),
        status_error(429),
        status_error(500),
        status_error(502),
        status_error(503),
        status_error(504),
    ],
    ids=repr,
)
def test_failures_to_reopen_count_with_backoff(error: BaseException) -> None:
    first = after_break(error, 0, jitter=no_jitter)
    assert first == Reconnect(failures=1, give_up=False, delay=0.25)
    later = after_break(error, 2, jitter=no_jitter)
    assert later == Reconnect(failures=3, give_up=False, delay=1.0)


def test_retry_after_of_a_reopen_is_honoured() -> None:
    decision = after_break(status_error(503, {"retry-after": "7"}), 1, jitter=no_jitter)
    assert decision == Reconnect(failures=2, give_up=False, delay=7.0)


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 422])
def test_a_definite_no_ends_the_stream_at_once(status: int) -> None:
    assert after_break(status_error(status), 0).give_up


def test_anything_else_ends_the_stream() -> None:
    assert after_break(ValueError("bug"), 0).give_up


def test_gives_up_on_the_failure_after_the_budget() -> None:
    error = httpx.ReadError("reset")
    assert not after_break(error, MAX_RECONNECTS - 1).give_up
    last = after_break(error, MAX_RECONNECTS)
    assert last.give_up and last.failures == MAX_RECONNECTS + 1
    assert after_break(error, 0, max_failures=0).give_up


def test_backoff_grows_and_is_capped() -> None:
    delays = [after_break(connection_error(), n, max_failures=100, jitter=no_jitter).delay for n in range(8)]
    assert delays == sorted(delays)
    assert delays[-1] == 4.0  # half of the 8 s cap: full jitter draws in [cap/2, cap]
