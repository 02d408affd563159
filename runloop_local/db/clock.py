"""The engine's clock: record times are Unix milliseconds."""

from __future__ import annotations

import time

__all__ = ["now_ms"]


def now_ms() -> int:
    """Now, Unix milliseconds."""
    return time.time_ns() // 1_000_000
