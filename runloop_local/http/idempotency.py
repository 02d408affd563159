"""Idempotent creates: a create repeated with the same ``x-request-id`` answers the first result.

The official clients send a fresh ``x-request-id`` with every request and the same one with each
retry of it, so a create whose answer was lost on the way (a cut connection) can be sent again
without making a second devbox, snapshot, object or blueprint. Keys are kept in the engine's
database for a day (they survive restarts); a repeat that arrives while the first is still being
served waits for it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from ..db.json_record import open_table

__all__ = ["HEADER", "Idempotency"]

HEADER = "x-request-id"
KEEP_SECONDS = 24 * 3600
MAX_KEY = 256
_SCHEMA = """
CREATE TABLE IF NOT EXISTS idempotency_keys (
    operation TEXT NOT NULL,
    key TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    created_s REAL NOT NULL,
    PRIMARY KEY (operation, key)
);
"""


class Idempotency:
    """The idempotency keys of one engine.

    Args:
        path: The engine's database file.
    """

    def __init__(self, path: Path) -> None:
        self._db, self._lock = open_table(path, _SCHEMA)
        self._inflight: dict[tuple[str, str], asyncio.Future[str]] = {}
        with self._lock:
            self._db.execute(
                "DELETE FROM idempotency_keys WHERE created_s < ?", (time.time() - KEEP_SECONDS,)
            )

    def close(self) -> None:
        """Closes the connection."""
        with self._lock:
            self._db.close()

    async def once(self, operation: str, key: str | None, create: Callable[[], Awaitable[str]]) -> str:
        """Runs ``create`` (which returns the new resource's id) unless ``key`` already made one.

        Args:
            operation: The operationId (a key counts per operation).
            key: The request's ``x-request-id`` (None or too long: no idempotency).
            create: Makes the resource.

        Returns:
            The id of the resource made by the first request with this key.

        Raises:
            Exception: What ``create`` raised (a repeat waiting on it gets the same).
        """
        if not key or len(key) > MAX_KEY:
            return await create()
        slot = (operation, key)
        with self._lock:
            row = self._db.execute(
                "SELECT resource_id FROM idempotency_keys WHERE operation = ? AND key = ?", slot
            ).fetchone()
        if row is not None:
            return str(row[0])
        running = self._inflight.get(slot)
        if running is not None:
            return await asyncio.shield(running)
        future: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._inflight[slot] = future
        try:
            resource_id = await create()
        except BaseException as exc:
            if isinstance(exc, asyncio.CancelledError):
                future.cancel()
            else:
                future.set_exception(exc)
                future.exception()  # retrieved: nobody may be waiting
            raise
        finally:
            del self._inflight[slot]
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO idempotency_keys (operation, key, resource_id, created_s) VALUES (?, ?, ?, ?)",
                (*slot, resource_id, time.time()),
            )
        future.set_result(resource_id)
        return resource_id
