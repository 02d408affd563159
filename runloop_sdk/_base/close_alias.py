"""``aclose()``, the official async SDK's name of ``close()``.

Only the async client has it; ``scripts/unasync.py`` turns ``aclose`` into ``close``, so the
async source cannot define both and the alias lives here, with an empty sync twin.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Protocol

__all__ = ["AsyncCloseAlias", "CloseAlias"]


class _Closable(Protocol):
    def close(self) -> Awaitable[None]: ...


class AsyncCloseAlias:
    """Adds ``aclose()`` to a class with an async ``close()``."""

    async def aclose(self: _Closable) -> None:
        """Same as ``close()``."""
        await self.close()


class CloseAlias:
    """The sync twin: ``close()`` already is the name."""
