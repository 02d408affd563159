# Generated from runloop_sdk/_async/devbox_ops.py by scripts/unasync.py. Do not edit.
"""``sdk.devbox``: creating devboxes (waiting until they run), finding and listing them."""

from __future__ import annotations

from typing import Any

from typing_extensions import Unpack

from runloop_api._sync.resources.devboxes import DevboxesResource
from runloop_api.types import DevboxView, DevboxViewStatus

from .._base.forwarding import forwards_to
from .._base.listing import Listing
from .._base.options import RequestOptions, pick_polling
from .._base.polling import PollingConfig
from ._context import ClientContext
from .devbox import Devbox

__all__ = ["DevboxOps"]


class DevboxOps:
    """Devbox factory (``sdk.devbox``)."""

    def __init__(self, ctx: ClientContext) -> None:
        self._ctx = ctx

    @forwards_to(DevboxesResource.create)
    def create(
        self,
        *,
        polling: PollingConfig | None = None,
        polling_config: PollingConfig | None = None,
        **params: Any,
    ) -> Devbox:
        """Creates a devbox and returns once it is running.

        If the wait fails or is interrupted, the devbox is shut down before the error is raised,
        so it does not keep running unseen.

        Args:
            polling: Polling settings for the wait (default: the SDK's).
            polling_config: ``polling`` under the official SDK's name.
            **params: What ``api.devboxes.create`` accepts: ``name``, ``metadata``,
                ``environment_variables``, ``launch_parameters``, ``blueprint_id``,
                ``snapshot_id``, ``secrets``, ``file_mounts``, ``entrypoint``, ...,
                and the request options (``timeout``, ``idempotency_key``, ``extra_headers``, ...).

        Returns:
            The running devbox.

        Raises:
            DevboxFailedError: When it failed to start; carries the server's failure_reason.
            PollingTimeoutError: When it was not running in time; carries the last view.
        """
        view = self._ctx.api.devboxes.create(**params)
        devbox = Devbox(self._ctx, view.id)
        if view.status == "running":
            return devbox
        try:
            devbox.await_running(polling=pick_polling(polling, polling_config))
        except BaseException as error:
            try:
                devbox.shutdown()
            except Exception as shutdown_error:
                if hasattr(error, "add_note"):
                    error.add_note(f"(and shutting down devbox {view.id} failed: {shutdown_error!r})")
            raise
        return devbox

    @forwards_to(DevboxesResource.create)
    def create_from_blueprint_id(
        self,
        blueprint_id: str,
        *,
        polling: PollingConfig | None = None,
        polling_config: PollingConfig | None = None,
        **params: Any,
    ) -> Devbox:
        """Creates a devbox from a blueprint (by id) and returns once it is running.

        Args:
            blueprint_id: The blueprint.
            polling: Polling settings for the wait.
            polling_config: ``polling`` under the official SDK's name.
            **params: Further ``create`` parameters.
        """
        return self.create(blueprint_id=blueprint_id, polling=pick_polling(polling, polling_config), **params)

    @forwards_to(DevboxesResource.create)
    def create_from_blueprint_name(
        self,
        blueprint_name: str,
        *,
        polling: PollingConfig | None = None,
        polling_config: PollingConfig | None = None,
        **params: Any,
    ) -> Devbox:
        """Creates a devbox from the latest blueprint of that name and returns once it is running.

        Args:
            blueprint_name: The blueprint's name.
            polling: Polling settings for the wait.
            polling_config: ``polling`` under the official SDK's name.
            **params: Further ``create`` parameters.
        """
        return self.create(
            blueprint_name=blueprint_name, polling=pick_polling(polling, polling_config), **params
        )

    @forwards_to(DevboxesResource.create)
    def create_from_snapshot(
        self,
        snapshot_id: str,
        *,
        polling: PollingConfig | None = None,
        polling_config: PollingConfig | None = None,
        **params: Any,
    ) -> Devbox:
        """Creates a devbox from a disk snapshot and returns once it is running.

        Args:
            snapshot_id: The snapshot.
            polling: Polling settings for the wait.
            polling_config: ``polling`` under the official SDK's name.
            **params: Further ``create`` parameters.
        """
        return self.create(snapshot_id=snapshot_id, polling=pick_polling(polling, polling_config), **params)

    def from_id(self, devbox_id: str) -> Devbox:
        """The devbox with this id (no request is made)."""
        return Devbox(self._ctx, devbox_id)

    def list(
        self,
        *,
        status: DevboxViewStatus | None = None,
        page_size: int | None = None,
        limit: int | None = None,
        starting_after: str | None = None,
        include_total_count: bool | None = None,
        **options: Unpack[RequestOptions],
    ) -> Listing[DevboxView, Devbox]:
        """Every devbox: ``for`` fetches pages lazily as the iteration goes, ``await``
        reads them all into a list.

        Args:
            status: Only devboxes in this status.
            page_size: Devboxes fetched per request.
            limit: At most this many devboxes (the official SDK's one page of ``limit``).
            starting_after: Start after the devbox with this id.
            include_total_count: Ask the server to count them (the official SDK's flag).
            **options: Request options (``timeout``, ``extra_headers``, ...).
        """

        def fetch() -> Any:
            return self._ctx.api.devboxes.list(
                status=status,
                limit=page_size or limit,
                starting_after=starting_after,
                include_total_count=include_total_count,
                **options,
            )

        return Listing(fetch, lambda view: Devbox(self._ctx, view.id), limit)
