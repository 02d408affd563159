"""``AsyncBlueprint``: a devbox image built from a Dockerfile."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from runloop_api.types import BlueprintBuildLog, BlueprintView

from .._base.errors import BuildFailedError
from .._base.polling import PollingConfig
from .._base.states import blueprint_outcome
from ._context import AsyncClientContext
from .polling import poll_until

if TYPE_CHECKING:
    from .devbox import AsyncDevbox

__all__ = ["AsyncBlueprint"]

LOG_TAIL_LINES = 20


class AsyncBlueprint:
    """A blueprint: build it once, start many devboxes from it.

    Example:
        >>> bp = await sdk.blueprint.create(name="py", dockerfile="FROM ubuntu:22.04")
        >>> box = await bp.create_devbox()
    """

    def __init__(self, ctx: AsyncClientContext, blueprint_id: str) -> None:
        self._ctx = ctx
        self._id = blueprint_id

    def __repr__(self) -> str:
        return f"AsyncBlueprint(id={self._id!r})"

    @property
    def id(self) -> str:
        """The blueprint's id."""
        return self._id

    async def get_info(self) -> BlueprintView:
        """Reads the blueprint's current view from the server."""
        return await self._ctx.api.blueprints.retrieve(self._id)

    async def logs(self) -> list[BlueprintBuildLog]:
        """The build log so far."""
        view = await self._ctx.api.blueprints.logs(self._id)
        return list(view.logs)

    async def await_build_complete(self, *, polling: PollingConfig | None = None) -> BlueprintView:
        """Waits until the build has finished.

        Raises:
            BuildFailedError: When the build failed; carries the tail of the build log.
            PollingTimeoutError: When the wait gave up; carries the last view.
        """

        async def fetch(hold: int) -> BlueprintView:
            return await self.get_info()

        view = await poll_until(
            fetch,
            lambda v: blueprint_outcome(v) != "building",
            self._ctx.polling_for(polling),
            what=f"blueprint {self._id} to build",
        )
        if blueprint_outcome(view) == "failed":
            lines = [entry.message for entry in await self.logs()]
            raise BuildFailedError(
                self._id, failure_reason=view.failure_reason, log_tail=lines[-LOG_TAIL_LINES:], view=view
            )
        return view

    async def stream_logs(self, *, interval: float | None = None) -> AsyncIterator[BlueprintBuildLog]:
        """Yields build log entries as they are written, until the build has finished.

        Args:
            interval: Seconds between two reads of the log (default: the polling interval).
        """
        pause = self._ctx.polling.interval if interval is None else interval
        seen = 0
        while True:
            view = await self.get_info()
            entries = await self.logs()
            for entry in entries[seen:]:
                yield entry
            seen = max(seen, len(entries))
            if blueprint_outcome(view) != "building":
                return
            await asyncio.sleep(pause)

    async def create_devbox(self, **params: Any) -> AsyncDevbox:
        """Creates a devbox from this blueprint and waits until it is running.

        Args:
            **params: What ``sdk.devbox.create`` accepts (``name``, ``metadata``, ...).
        """
        from .devbox_ops import AsyncDevboxOps

        return await AsyncDevboxOps(self._ctx).create(blueprint_id=self._id, **params)

    async def delete(self) -> None:
        """Deletes the blueprint."""
        await self._ctx.api.blueprints.delete(self._id)
