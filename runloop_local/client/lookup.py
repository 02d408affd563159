"""Which devbox a person meant: an id, or the name of one that has not ended."""

from __future__ import annotations

from collections.abc import Iterable

from runloop_api import NotFoundError, RunloopAPI
from runloop_api.types import DevboxView

__all__ = ["ENDED", "UnknownDevboxError", "find_devbox", "pick_by_name"]

ENDED = frozenset({"shutdown", "failure"})
"""Statuses of devboxes that are over: ``ls`` leaves them out, names no longer pick them."""


class UnknownDevboxError(LookupError):
    """No devbox (or more than one) answers to the id or name given."""


def pick_by_name(views: Iterable[DevboxView], name: str) -> DevboxView:
    """The one devbox that has not ended and is called ``name`` (pure).

    Raises:
        UnknownDevboxError: None is called so, or several are (their ids are named).
    """
    found = [view for view in views if view.name == name and view.status not in ENDED]
    if not found:
        raise UnknownDevboxError(f"no devbox has the id or name {name!r} (see: runloop-local ls)")
    if len(found) > 1:
        ids = ", ".join(view.id for view in found)
        raise UnknownDevboxError(f"several devboxes are called {name!r} ({ids}); give an id")
    return found[0]


def find_devbox(api: RunloopAPI, key: str) -> DevboxView:
    """The devbox whose id is ``key``, else the one not ended whose name is ``key``.

    Raises:
        UnknownDevboxError: None (or several) answer to ``key``.
    """
    try:
        return api.devboxes.retrieve(key)
    except NotFoundError:
        return pick_by_name(api.devboxes.list(limit=100), key)
