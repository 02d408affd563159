"""How each flavour opens a websocket with the websockets package (the sync client differs)."""

from __future__ import annotations

import inspect
from typing import Any

from websockets.sync.client import connect as sync_connect

__all__ = ["AsyncWebsocketOptions", "WebsocketOptions"]


class AsyncWebsocketOptions:
    """Extra arguments of ``websockets.asyncio.client.connect``: none."""

    @staticmethod
    def extra() -> dict[str, Any]:
        """Keyword arguments to add to ``connect``."""
        return {}


class WebsocketOptions:
    """Extra arguments of ``websockets.sync.client.connect``.

    Since websockets 17.1 a sync connection opened without a ``with`` block warns unless it is
    opened with ``legacy=True``; a terminal session outlives any one block, so it asks for that.
    """

    @staticmethod
    def extra() -> dict[str, Any]:
        """Keyword arguments to add to ``connect``."""
        return {"legacy": True} if "legacy" in inspect.signature(sync_connect).parameters else {}
