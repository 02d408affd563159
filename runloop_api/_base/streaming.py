"""Where a resumed stream starts, and whether and when it reconnects. Pure, no I/O."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from .errors import APIConnectionError, APIStatusError
from .retry import backoff_delay, parse_retry_after

__all__ = ["MAX_RECONNECTS", "REOPEN_STATUSES", "Reconnect", "resume_offset", "after_break"]

MAX_RECONNECTS = 5
"""Consecutive failures a stream survives; the next one ends it. Silent periods are not failures."""

# Answers to a (re)open that say "not now" rather than "never": the stream tries again.
REOPEN_STATUSES = frozenset({408, 429})


def resume_offset(item: Any, previous: str | None) -> str | None:
    """The offset to resume from after ``item``.

    Each chunk's ``offset`` is the stream position just after the chunk, which is what the
    official client passes back as ``offset`` when it reconnects. An item without an offset
    keeps the previous resume point.
    """
    value = getattr(item, "offset", None)
    if value is None:
        return previous
    return str(value)


@dataclass(frozen=True)
class Reconnect:
    """What a stream does after its connection ended early or could not be (re)opened.

    Attributes:
        failures: Consecutive failures counted so far (the stream resets it when an event arrives).
        give_up: True when the stream should raise instead of reconnecting.
        delay: Seconds to wait before reconnecting.
    """

    failures: int
    give_up: bool
    delay: float


def after_break(
    error: BaseException,
    failures: int,
    *,
    max_failures: int = MAX_RECONNECTS,
    jitter: Callable[[], float] = random.random,
) -> Reconnect:
    """Decides what a stream does after ``error``, given ``failures`` consecutive failures before it.

    - A read timeout while reading events is silence (a command that prints nothing for longer
      than the read timeout), not a failure: reconnect at once from the last offset, uncounted.
    - A broken connection while reading (reset, protocol error) counts; reconnect after a short backoff.
    - On (re)opening: a connection failure or timeout, a 408, a 429 or a 5xx counts; reconnect after
      the server's ``Retry-After`` or a backoff. Any other status (404, 401, ...) ends the stream.
    - Anything else ends the stream.

    Args:
        error: The httpx error raised while reading the events, or the API error raised while opening.
        failures: Consecutive failures before this one.
        max_failures: Failures tolerated in a row; the one after ends the stream.
        jitter: Source of randomness for the backoff, in [0, 1).

    Returns:
        The new failure count, whether to give up, and how long to wait before reconnecting.
    """
    if isinstance(error, httpx.ReadTimeout):
        return Reconnect(failures=failures, give_up=False, delay=0.0)
    counted = failures + 1
    if isinstance(error, httpx.TransportError):
        delay = backoff_delay(counted, jitter=jitter) / 4
    elif isinstance(error, APIStatusError):
        if error.status_code not in REOPEN_STATUSES and error.status_code < 500:
            return Reconnect(failures=counted, give_up=True, delay=0.0)
        hinted = parse_retry_after(error.response.headers.get("retry-after"))
        delay = backoff_delay(counted, jitter=jitter) if hinted is None else hinted
    elif isinstance(error, APIConnectionError):
        delay = backoff_delay(counted, jitter=jitter)
    else:
        return Reconnect(failures=counted, give_up=True, delay=0.0)
    return Reconnect(failures=counted, give_up=counted > max_failures, delay=delay)
