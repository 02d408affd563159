"""Devbox records: reading them, their status changes (checked by :mod:`.rules`), logs and waits."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from ..db.clock import now_ms
from ..db.notifier import Notifier
from ..http.errors import not_found
from .records import DevboxRecord
from .rules import TERMINAL_STATUSES, LifecycleError, transition_record
from .store import Store

__all__ = ["DevboxRecords"]


class DevboxRecords:
    """The devboxes of the database, with a notifier per devbox for waits on its status.

    Args:
        store: The engine's database.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self._notifiers: dict[str, Notifier] = {}
        self._known_status: dict[str, str] = {}
        """Status of each devbox whose status this engine process wrote (every status change
        goes through :meth:`_write_status`), so hot paths need no database read."""
        self.status_listeners: list[Callable[[str, str], None]] = []
        """Called with (devbox id, new status) after each status change is written (tunnels
        open and close their ports by it)."""

    def notifier(self, id: str) -> Notifier:
        """The notifier of status changes of devbox ``id``."""
        found = self._notifiers.get(id)
        if found is None:
            found = self._notifiers[id] = Notifier()
        return found

    def get(self, id: str) -> DevboxRecord:
        """The record of devbox ``id``.

        Raises:
            ApiError: 404 for an unknown id.
        """
        rec = self.store.get_devbox(id)
        if rec is None:
            raise not_found("devbox", id)
        return rec

    def log(
        self, devbox_id: str, message: str, *, level: str = "info", source: str = "stats", **extra: Any
    ) -> None:
        """Appends a DevboxLog entry to a devbox's log."""
        entry = {"level": level, "source": source, "timestamp_ms": now_ms(), "message": message, **extra}
        self.store.add_log(devbox_id, entry, execution_id=extra.get("cmd_id"))

    def _write_status(self, rec: DevboxRecord, new: str, now: int, **fields: Any) -> None:
        entry = transition_record(rec.status, new, now, failure_reason=fields.get("failure_reason"))
        rec.status = new
        rec.state_transitions.append(entry)
        for key, value in fields.items():
            setattr(rec, key, value)
        if new in TERMINAL_STATUSES:
            rec.end_time_ms = now
        self.store.put_devbox(rec)
        self._known_status[rec.id] = new
        self.notifier(rec.id).notify()
        for listener in self.status_listeners:
            listener(rec.id, new)

    def advance(self, id: str, new: str, **fields: Any) -> bool:
        """Moves devbox ``id`` to ``new`` if allowed from its current status; False otherwise."""
        rec = self.store.get_devbox(id)
        if rec is None:
            return False
        try:
            self._write_status(rec, new, now_ms(), **fields)
        except LifecycleError:
            return False
        return True

    async def wait_for_status(self, id: str, statuses: list[str], timeout: float) -> DevboxRecord | None:
        """Waits until devbox ``id`` has one of ``statuses``.

        Returns:
            The record, or None when ``timeout`` passed first or the devbox ended (shutdown or
            failure) in another status, which it can never leave.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        notifier = self.notifier(id)
        while True:
            rec = self.get(id)
            if rec.status in statuses:
                return rec
            if rec.status in TERMINAL_STATUSES:
                return None  # it will never change again: no point holding the request
            left = deadline - loop.time()
            if left <= 0:
                return None
            await notifier.wait(left)
