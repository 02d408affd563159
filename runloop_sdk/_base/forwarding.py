"""Marks an object method whose ``**params`` go on to a raw method unchanged.

The parity test (``tests/sdk/test_official_sdk_parity.py``) reads the mark to learn which
keywords such a method accepts: those of the raw method it forwards to.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["FORWARDS_ATTR", "forwards_to"]

F = TypeVar("F", bound=Callable[..., Any])

FORWARDS_ATTR = "__runloop_forwards_to__"


def forwards_to(target: Callable[..., Any]) -> Callable[[F], F]:
    """Records that the decorated method hands its ``**params`` to ``target``.

    Args:
        target: The raw method (taken from its class, e.g. ``AsyncDevboxesResource.create``).

    Returns:
        A decorator that returns the method itself, marked.
    """

    def mark(function: F) -> F:
        setattr(function, FORWARDS_ATTR, target)
        return function

    return mark
