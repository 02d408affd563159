"""Client-side ids: UUIDv7 command ids (time-sortable) for the optimistic ``execute`` endpoint. Pure."""

from __future__ import annotations

import os
import time
import uuid

__all__ = ["uuid7"]


def uuid7(now_ms: int | None = None, random_bytes: bytes | None = None) -> str:
    """A UUIDv7 (RFC 9562): 48-bit Unix milliseconds, version 7, variant 10, 74 random bits.

    Args:
        now_ms: The timestamp to use (defaults to now).
        random_bytes: 10 random bytes to use (defaults to ``os.urandom``).
    """
    ms = time.time_ns() // 1_000_000 if now_ms is None else now_ms
    rand = os.urandom(10) if random_bytes is None else random_bytes
    value = (ms & ((1 << 48) - 1)) << 80
    value |= int.from_bytes(rand, "big") & ((1 << 80) - 1)
    value &= ~(0xF << 76)
    value |= 0x7 << 76
    value &= ~(0x3 << 62)
    value |= 0x2 << 62
    return str(uuid.UUID(int=value))
