"""Where a resumed stream starts. Pure, no I/O."""

from __future__ import annotations

from typing import Any

__all__ = ["resume_offset"]


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
