# Generated from runloop_sdk/_async/blueprint.py by scripts/unasync.py. Do not edit.
"""``Blueprint``: a devbox image built from a Dockerfile."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from typing_extensions import Unpack

from runloop_api._sync.resources.devboxes import DevboxesResource
from runloop_api.types import BlueprintBuildLog, BlueprintView

from .._base.errors import BuildFailedError
from .._base.forwarding import forwards_to
from .._base.options import MutationOptions, RequestOptions, pick_polling
from .._base.polling import PollingConfig
from .._base.progress import ProgressArg, open_reporter
from .._base.states import blueprint_outcome
from ._context import ClientContext
from .polling import poll_until

if TYPE_CHECKING:
    from .devbox import Devbox

__all__ = ["Blueprint"]

LOG_TAIL_LINES = 20


class Blueprint:
    """A blueprint: build it once, start many devboxes from it.

    Example:
        >>> bp = sdk.blueprint.create(name="py", dockerfile="FROM ubuntu:22.04")
        >>> box = bp.create_devbox()
    """

    def __init__(self, ctx: ClientContext, blueprint_id: str) -> None:
        self._ctx = ctx
        self._id = blueprint_id

    def __repr__(self) -> str:
        return f"Blueprint(id={self._id!r})"

    @property
    def id(self) -> str:
        """The blueprint's id."""
        return self._id

    def get_info(self, **options: Unpack[RequestOptions]) -> BlueprintView:
        """Reads the blueprint's current view from the server."""
        return self._ctx.api.blueprints.retrieve(self._id, **options)

    def logs(self, **options: Unpack[RequestOptions]) -> list[BlueprintBuildLog]:
        """The build log so far."""
        view = self._ctx.api.blueprints.logs(self._id, **options)
        return list(view.logs)

    def await_build_complete(
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

        def fetch(hold: int) -> BlueprintView:
            nonlocal seen
            view = self.get_info()
            if reporter.active:
                for entry in (self.logs())[seen:]:
                    seen += 1
                    reporter.update(seen, entry.message)
            return view

        try:
            view = poll_until(
                fetch,
                lambda v: blueprint_outcome(v) != "building",
                self._ctx.polling_for(pick_polling(polling, polling_config)),
                what=f"blueprint {self._id} to build",
            )
        finally:
            reporter.close()
        if blueprint_outcome(view) == "failed":
            lines = [entry.message for entry in self.logs()]
            raise BuildFailedError(
                self._id, failure_reason=view.failure_reason, log_tail=lines[-LOG_TAIL_LINES:], view=view
            )
        return view

    def stream_logs(self, *, interval: float | None = None) -> Iterator[BlueprintBuildLog]:
        """Yields build log entries as they are written, until the build has finished.

        Args:
            interval: Seconds between two reads of the log (default: the polling interval).
        """
        pause = self._ctx.polling.interval if interval is None else interval
        seen = 0
        while True:
            view = self.get_info()
            entries = self.logs()
            for entry in entries[seen:]:
                yield entry
            seen = max(seen, len(entries))
            if blueprint_outcome(view) != "building":
                return
            time.sleep(pause)

    @forwards_to(DevboxesResource.create)
    def create_devbox(
        self,
        *,
        polling: PollingConfig | None = None,
        polling_config: PollingConfig | None = None,
        **params: Any,
    ) -> Devbox:
        """Creates a devbox from this blueprint and waits until it is running.

        Args:
            polling: Polling settings for the wait.
            polling_config: ``polling`` under the official SDK's name.
            **params: What ``sdk.devbox.create`` accepts (``name``, ``metadata``, ...).
        """
        from .devbox_ops import DevboxOps

        return DevboxOps(self._ctx).create(
            blueprint_id=self._id, polling=pick_polling(polling, polling_config), **params
        )

    def delete(self, **options: Unpack[MutationOptions]) -> None:
        """Deletes the blueprint."""
        self._ctx.api.blueprints.delete(self._id, **options)
