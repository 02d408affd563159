"""``AsyncBlueprint``: a devbox image built from a Dockerfile."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from typing_extensions import Unpack

from runloop_api._async.resources.devboxes import AsyncDevboxesResource
from runloop_api.types import BlueprintBuildLog, BlueprintView

from .._base.errors import BuildFailedError
from .._base.forwarding import forwards_to
from .._base.options import MutationOptions, RequestOptions, pick_polling
from .._base.polling import PollingConfig
from .._base.progress import ProgressArg, open_reporter
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

    async def get_info(self, **options: Unpack[RequestOptions]) -> BlueprintView:
        """Reads the blueprint's current view from the server."""
        return await self._ctx.api.blueprints.retrieve(self._id, **options)

    async def logs(self, **options: Unpack[RequestOptions]) -> list[BlueprintBuildLog]:
        """The build log so far."""
        view = await self._ctx.api.blueprints.logs(self._id, **options)
        return list(view.logs)

    async def await_build_complete(
        self,
        *,
        polling: PollingConfig | None = None,
        polling_config: PollingConfig | None = None,
        progress: ProgressArg = None,
    ) -> BlueprintView:
        """Waits until the build has finished.

        Args:
            polling: Polling settings for the wait (default: the SDK's).
            polling_config: ``polling`` under the official SDK's name.
            progress: A callback receiving a :class:`~runloop_sdk.Progress` per new build log
                line, ``True`` for a terminal bar (needs ``rich``), ``None``: a bar if
                ``RUNLOOP_PROGRESS=1``. Reading the log costs one more request per poll.

        Raises:
            BuildFailedError: When the build failed; carries the tail of the build log.
            PollingTimeoutError: When the wait gave up; carries the last view.
        """
        reporter = open_reporter(progress, f"build {self._id}", None, "lines")
        seen = 0

        async def fetch(hold: int) -> BlueprintView:
            nonlocal seen
            view = await self.get_info()
            if reporter.active:
                for entry in (await self.logs())[seen:]:
                    seen += 1
                    reporter.update(seen, entry.message)
            return view

        try:
            view = await poll_until(
                fetch,
                lambda v: blueprint_outcome(v) != "building",
                self._ctx.polling_for(pick_polling(polling, polling_config)),
                what=f"blueprint {self._id} to build",
            )
        finally:
            reporter.close()
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

    @forwards_to(AsyncDevboxesResource.create)
    async def create_devbox(
        self,
        *,
        polling: PollingConfig | None = None,
        polling_config: PollingConfig | None = None,
        **params: Any,
    ) -> AsyncDevbox:
        """Creates a devbox from this blueprint and waits until it is running.

        Args:
            polling: Polling settings for the wait.
            polling_config: ``polling`` under the official SDK's name.
            **params: What ``sdk.devbox.create`` accepts (``name``, ``metadata``, ...).
        """
        from .devbox_ops import AsyncDevboxOps

        return await AsyncDevboxOps(self._ctx).create(
            blueprint_id=self._id, polling=pick_polling(polling, polling_config), **params
        )

    async def delete(self, **options: Unpack[MutationOptions]) -> None:
        """Deletes the blueprint."""
        await self._ctx.api.blueprints.delete(self._id, **options)
