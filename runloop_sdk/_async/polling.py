"""The one waiting mechanism: a tenacity-driven poller over long-polls or plain GETs."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from tenacity import AsyncRetrying, RetryCallState, retry_if_result

from .._base.errors import PollingTimeoutError
from .._base.polling import PollClock, PollingConfig, long_poll_hold, next_wait, should_stop

__all__ = ["poll_until"]

T = TypeVar("T")


async def poll_until(
    fetch: Callable[[int], Awaitable[T]],
    reached: Callable[[T], bool],
    config: PollingConfig,
    *,
    what: str,
) -> T:
    """Fetches until ``reached`` says yes, the way ``config`` allows.

    Args:
        fetch: One attempt; receives how many seconds a long-poll may hold (plain GETs ignore it).
        reached: True when the wait is over; raises to end it with an error (a terminal failure).
        config: Interval, attempt and time limits.
        what: What is awaited, for the timeout's message.

    Returns:
        The view that reached the wanted state.

    Raises:
        PollingTimeoutError: When the limits are hit first; carries the last view seen.
    """
    clock = PollClock(started=time.monotonic())
    last: list[T] = []

    async def attempt() -> tuple[T, bool]:
        clock.attempts += 1
        clock.attempt_started = time.monotonic()
        try:
            value = await fetch(long_poll_hold(config, clock, clock.attempt_started))
        finally:
            clock.attempt_finished = time.monotonic()
        last[:] = [value]
        return value, reached(value)

    def stop(state: RetryCallState) -> bool:
        return should_stop(config, clock, time.monotonic())

    def wait(state: RetryCallState) -> float:
        return next_wait(config, clock, time.monotonic())

    def give_up(state: RetryCallState) -> Any:
        raise PollingTimeoutError(
            what,
            last_state=last[0] if last else None,
            attempts=clock.attempts,
            elapsed=time.monotonic() - clock.started,
        )

    retrying = AsyncRetrying(
        stop=stop,
        wait=wait,
        retry=retry_if_result(lambda outcome: not outcome[1]),
        retry_error_callback=give_up,
    )
    outcome: tuple[T, bool] = await retrying(attempt)
    return outcome[0]
