"""Polling settings and the pure decisions every poller shares (how long to hold, wait, stop)."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

__all__ = [
    "LONG_POLL_MAX_SECONDS",
    "PollingConfig",
    "PollClock",
    "long_poll_hold",
    "next_wait",
    "should_stop",
]

LONG_POLL_MAX_SECONDS = 25
"""The longest hold the API grants a ``wait_for_status`` long-poll (executions allow 25 s)."""


_UNSET: Any = object()


@dataclass(frozen=True, init=False)
class PollingConfig:
    """How the SDK waits for a devbox, execution, snapshot or blueprint to reach a state.

    Where the API offers a long-poll (``wait_for_status``) each attempt is one long-poll and
    ``interval`` only spaces out attempts that came back early; elsewhere each attempt is one GET
    and ``interval`` is the pause between them. The official SDK's spellings
    ``interval_seconds=`` and ``timeout_seconds=`` are accepted too.

    Attributes:
        interval: Seconds between the starts of two attempts.
        max_attempts: Attempts before giving up (``None``: no limit).
        timeout: Seconds before giving up (``None``: no limit).
    """

    interval: float
    max_attempts: int | None
    timeout: float | None

    def __init__(
        self,
        interval: float = _UNSET,
        max_attempts: int | None = None,
        timeout: float | None = _UNSET,
        *,
        interval_seconds: float = _UNSET,
        timeout_seconds: float | None = _UNSET,
    ) -> None:
        if interval is not _UNSET and interval_seconds is not _UNSET:
            raise TypeError("give interval= or interval_seconds=, not both")
        if timeout is not _UNSET and timeout_seconds is not _UNSET:
            raise TypeError("give timeout= or timeout_seconds=, not both")
        interval = interval if interval is not _UNSET else interval_seconds
        timeout = timeout if timeout is not _UNSET else timeout_seconds
        object.__setattr__(self, "interval", 1.0 if interval is _UNSET else interval)
        object.__setattr__(self, "max_attempts", max_attempts)
        object.__setattr__(self, "timeout", 1800.0 if timeout is _UNSET else timeout)
        self.__post_init__()

    @property
    def interval_seconds(self) -> float:
        """``interval`` under the official SDK's name."""
        return self.interval

    @property
    def timeout_seconds(self) -> float | None:
        """``timeout`` under the official SDK's name."""
        return self.timeout

    def __post_init__(self) -> None:
        if self.interval < 0:
            raise ValueError(f"PollingConfig.interval must be >= 0, got {self.interval}")
        if self.max_attempts is not None and self.max_attempts < 1:
            raise ValueError(f"PollingConfig.max_attempts must be >= 1 or None, got {self.max_attempts}")
        if self.timeout is not None and self.timeout < 0:
            raise ValueError(f"PollingConfig.timeout must be >= 0 or None, got {self.timeout}")

    def with_timeout(self, timeout: float | None) -> PollingConfig:
        """A copy with another overall timeout."""
        return replace(self, timeout=timeout)


@dataclass
class PollClock:
    """What a poller has measured so far (mutable; one per wait)."""

    started: float
    attempts: int = 0
    attempt_started: float = 0.0
    attempt_finished: float = 0.0


def long_poll_hold(config: PollingConfig, clock: PollClock, now: float) -> int:
    """How many seconds the next long-poll may ask the server to hold.

    Never past the poller's deadline, so a timeout is honoured to the second; at least 1.
    """
    if config.timeout is None:
        return LONG_POLL_MAX_SECONDS
    remaining = config.timeout - (now - clock.started)
    return max(1, min(LONG_POLL_MAX_SECONDS, math.ceil(remaining)))


def next_wait(config: PollingConfig, clock: PollClock, now: float) -> float:
    """Seconds to sleep before the next attempt.

    A long-poll that held for the whole interval already waited, so it is followed at once; an
    attempt that came back early (a plain GET, or a server without long-polls) is spaced out to
    ``interval``. Never sleeps past the deadline.
    """
    took = clock.attempt_finished - clock.attempt_started
    wait = max(0.0, config.interval - took)
    if config.timeout is not None:
        wait = min(wait, max(0.0, config.timeout - (now - clock.started)))
    return wait


def should_stop(config: PollingConfig, clock: PollClock, now: float) -> bool:
    """True when no further attempt may be made."""
    if config.max_attempts is not None and clock.attempts >= config.max_attempts:
        return True
    return config.timeout is not None and now - clock.started >= config.timeout
