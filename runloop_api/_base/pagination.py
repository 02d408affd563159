"""Cursor pagination: where the next page starts. Pure, no I/O."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["next_cursor"]


def next_cursor(items: Sequence[Any], has_more: bool | None) -> str | None:
    """Returns the ``starting_after`` of the next page, or None when this is the last page.

    The cursor is the id of the last item. A page that claims more but is empty, or whose last
    item has no id, ends the walk rather than asking for the same page forever.
    """
    if not has_more or not items:
        return None
    last_id = getattr(items[-1], "id", None)
    return last_id if isinstance(last_id, str) and last_id else None
