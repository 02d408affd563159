"""Retry decisions: which failures are retried, and how long to wait. Pure functions, no I/O."""

from __future__ import annotations

import email.utils
import math
import random
import time
from collections.abc import Callable

from .errors import APIConnectionError, APIStatusError

__all__ = [
    "RETRYABLE_STATUSES",
    "SAFE_WITHOUT_EFFECT_STATUSES",
    "should_retry",
    "parse_retry_after",
    "backoff_delay",
    "retry_delay",
]

RETRYABLE_STATUSES = frozenset({408, 429, 502, 503, 504})
# Answers that say the server did not act on the request, so even a create may be repeated.
SAFE_WITHOUT_EFFECT_STATUSES = frozenset({429, 503})

INITIAL_DELAY = 0.5
MAX_DELAY = 8.0
MAX_RETRY_AFTER = 60.0


def should_retry(error: BaseException, *, idempotent: bool, long_poll: bool = False) -> bool:
    """Decides whether a failed attempt may be repeated.

    Args:
        error: The error the attempt raised.
        idempotent: True when repeating the request cannot change anything twice: GETs,
            read-only POSTs such as file reads, creates the server runs once per idempotency key
            (every attempt of a call carries the same ``x-request-id``), ``execute`` (once per
            ``command_id``) and POSTs whose repeat leaves the same state (shutdown, file writes).
        long_poll: True for wait_for_status calls, where a 408 is an answer, not a failure.

    Returns:
        True when the request should be sent again.
    """
    if isinstance(error, APIStatusError):
        status = error.status_code
        if long_poll and status == 408:
            return False
        if status not in RETRYABLE_STATUSES:
            return False
        return idempotent or status in SAFE_WITHOUT_EFFECT_STATUSES
    if isinstance(error, APIConnectionError):
        # A changing request that reached the server may have taken effect: never repeat it.
        return idempotent or not error.request_sent
    return False


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Parses a Retry-After header (seconds or an HTTP date) into seconds to wait, or None."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        seconds = when.timestamp() - (time.time() if now is None else now)
    if math.isnan(seconds):
        return None  # "nan" parses as a float but is no delay at all
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


def backoff_delay(attempt: int, *, jitter: Callable[[], float] = random.random) -> float:
    """Exponential backoff with full jitter: attempt 1 waits up to 0.5 s, doubling, capped at 8 s."""
    ceiling = min(INITIAL_DELAY * 2.0 ** (attempt - 1), MAX_DELAY)
    return ceiling * (0.5 + 0.5 * jitter())


def retry_delay(error: BaseException | None, attempt: int) -> float:
    """Seconds to wait before the next attempt: the server's Retry-After when given, else backoff."""
    if isinstance(error, APIStatusError):
        hinted = parse_retry_after(error.response.headers.get("retry-after"))
        if hinted is not None:
            return hinted
    return backoff_delay(attempt)
