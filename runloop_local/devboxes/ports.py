"""What the parts around the devbox service need of it, as narrow protocols.

Booting, the reaper and the executions service are handed the devbox service, but name only
what they use, so that none of them imports :mod:`.service` (which builds them): no circle.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from ..executions.live import LiveDevbox
from .records import DevboxRecord
from .store import Store

__all__ = ["DevboxHost"]


class DevboxHost(Protocol):
    """Devbox records, their logs and status changes, and the live devboxes of this engine."""

    @property
    def data_dir(self) -> Path:
        """Where the database and the devboxes' folders live."""
        ...

    @property
    def store(self) -> Store:
        """The engine's database."""
        ...

    @property
    def live(self) -> dict[str, LiveDevbox]:
        """The devboxes whose sandbox is starting or running, by id."""
        ...

    def get(self, id: str) -> DevboxRecord:
        """The record of a devbox (404 for an unknown id)."""
        ...

    def log(
        self, devbox_id: str, message: str, *, level: str = "info", source: str = "stats", **extra: Any
    ) -> None:
        """Appends an entry to a devbox's log."""
        ...

    def advance(self, id: str, new: str, **fields: Any) -> bool:
        """Moves a devbox to a new status if allowed; False otherwise."""
        ...

    async def stop_live(self, live: LiveDevbox) -> None:
        """Ends a devbox's processes and closes its executions."""
        ...
