"""Change notifications: waiters of long-polls wake when a record changes."""

from __future__ import annotations

import asyncio
import contextlib

__all__ = ["Notifier"]


class Notifier:
    """Wakes every waiter when something changed (output, status)."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        """Wakes the current waiters."""
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, timeout: float) -> bool:
        """Waits for the next change; False when ``timeout`` passed first."""
        event = self._event
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(event.wait(), timeout)
            return True
        return False
