# Generated from runloop_sdk/_async/ops.py by scripts/unasync.py. Do not edit.
"""The other factories: blueprint, snapshot, computer, storage object, secret, network policy."""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from typing_extensions import Unpack

from runloop_api._sync.resources.blueprints import BlueprintsResource
from runloop_api._sync.resources.network_policies import NetworkPoliciesResource
from runloop_api.types import (
    BlueprintView,
    ContentType,
    DevboxDiskSnapshotView,
    NetworkPolicyView,
    ObjectState,
    ObjectView,
    SecretView,
)

from .._base.forwarding import forwards_to
from .._base.listing import Listing
from .._base.options import MutationOptions, RequestOptions, pick_polling, required, ttl_to_ms
from .._base.polling import PollingConfig
from .._base.progress import ProgressArg
from ._context import ClientContext
from .blueprint import Blueprint
from .computer import Computer
from .network_policy import NetworkPolicy
from .secret import Secret
from .snapshot import Snapshot
from .storage_object import StorageObject, TarFilter, upload_dir, upload_object

__all__ = [
    "BlueprintOps",
    "SnapshotOps",
    "ComputerOps",
    "StorageObjectOps",
    "SecretOps",
    "NetworkPolicyOps",
]


class BlueprintOps:
    """Blueprint factory (``sdk.blueprint``)."""

    def __init__(self, ctx: ClientContext) -> None:
        self._ctx = ctx

    @forwards_to(BlueprintsResource.create)
    def create(
        self,
        *,
        name: str,
        polling: PollingConfig | None = None,
        polling_config: PollingConfig | None = None,
        progress: ProgressArg = None,
        **params: Any,
    ) -> Blueprint:
        """Starts a build and returns once it has finished.

        Args:
            name: The blueprint's name.
            polling: Polling settings for the wait.
            polling_config: ``polling`` under the official SDK's name.
            progress: A callback receiving a :class:`~runloop_sdk.Progress` per build log line,
                ``True`` for a terminal bar (needs ``rich``), ``None``: a bar if ``RUNLOOP_PROGRESS=1``.
            **params: What ``api.blueprints.create`` accepts (``dockerfile``, ``system_setup_commands``,
                ..., and the request options ``timeout``, ``idempotency_key``, ...).

        Raises:
            BuildFailedError: When the build failed; carries the tail of the build log.
        """
        blueprint = self.create_async(name=name, **params)
        blueprint.await_build_complete(polling=pick_polling(polling, polling_config), progress=progress)
        return blueprint

    @forwards_to(BlueprintsResource.create)
    def create_async(self, *, name: str, **params: Any) -> Blueprint:
        """Starts a build and returns at once (follow it with ``stream_logs()``)."""
        view = self._ctx.api.blueprints.create(name=name, **params)
        return Blueprint(self._ctx, view.id)

    def from_id(self, blueprint_id: str) -> Blueprint:
        """The blueprint with this id (no request is made)."""
        return Blueprint(self._ctx, blueprint_id)

    def list(
        self,
        *,
        name: str | None = None,
        status: str | None = None,
        limit: int | None = None,
        starting_after: str | None = None,
        include_total_count: bool | None = None,
        **options: Unpack[RequestOptions],
    ) -> Listing[BlueprintView, Blueprint]:
        """Every blueprint (optionally of one name or status): ``for`` pages lazily, ``await``
        reads all; ``limit`` caps how many."""

        def fetch() -> Any:
            return self._ctx.api.blueprints.list(
                name=name,
                status=status,
                limit=limit,
                starting_after=starting_after,
                include_total_count=include_total_count,
                **options,
            )

        return Listing(fetch, lambda view: Blueprint(self._ctx, view.id), limit)


class SnapshotOps:
    """Disk snapshot factory (``sdk.snapshot``)."""

    def __init__(self, ctx: ClientContext) -> None:
        self._ctx = ctx

    def from_id(self, snapshot_id: str) -> Snapshot:
        """The snapshot with this id (no request is made)."""
        return Snapshot(self._ctx, snapshot_id)

    def list(
        self,
        *,
        devbox_id: str | None = None,
        source_blueprint_id: str | None = None,
        metadata_key: str | None = None,
        metadata_key_in: str | None = None,
        limit: int | None = None,
        starting_after: str | None = None,
        include_total_count: bool | None = None,
        **options: Unpack[RequestOptions],
    ) -> Listing[DevboxDiskSnapshotView, Snapshot]:
        """Every snapshot (optionally of one devbox): ``for`` pages lazily, ``await`` reads
        all; ``limit`` caps how many."""

        def fetch() -> Any:
            return self._ctx.api.devboxes.disk_snapshots.list(
                devbox_id=devbox_id,
                source_blueprint_id=source_blueprint_id,
                metadata_key=metadata_key,
                metadata_key_in=metadata_key_in,
                limit=limit,
                starting_after=starting_after,
                include_total_count=include_total_count,
                **options,
            )

        return Listing(fetch, lambda view: Snapshot(self._ctx, view.id), limit)


class ComputerOps:
    """Computer factory (``sdk.computer``)."""

    def __init__(self, ctx: ClientContext) -> None:
        self._ctx = ctx

    def create(
        self,
        *,
        name: str | None = None,
        display_width: int | None = None,
        display_height: int | None = None,
        polling: PollingConfig | None = None,
    ) -> Computer:
        """Creates a computer and returns once its devbox is running.

        Args:
            name: The computer's name.
            display_width: Screen width in pixels.
            display_height: Screen height in pixels.
            polling: Polling settings for the wait.
        """
        dimensions = None
        if display_width is not None and display_height is not None:
            dimensions = {"display_width_px": display_width, "display_height_px": display_height}
        view = self._ctx.api.devboxes.computers.create(name=name, display_dimensions=dimensions)
        computer = Computer(self._ctx, view.devbox.id)
        if view.devbox.status != "running":
            computer.devbox.await_running(polling=polling)
        return computer

    def from_id(self, computer_id: str) -> Computer:
        """The computer with this id (no request is made)."""
        return Computer(self._ctx, computer_id)


class StorageObjectOps:
    """Storage object factory (``sdk.storage_object``).

    ``ttl_ms=`` (milliseconds) and the official SDK's ``ttl=`` (a ``timedelta``) both set how
    long an object is kept.
    """

    def __init__(self, ctx: ClientContext) -> None:
        self._ctx = ctx

    def create(
        self,
        *,
        name: str,
        content_type: ContentType,
        metadata: Mapping[str, str] | None = None,
        ttl_ms: int | None = None,
        **options: Unpack[MutationOptions],
    ) -> StorageObject:
        """Creates an empty object to fill with ``upload_content`` and close with ``complete``."""
        view = self._ctx.api.objects.create(
            name=name, content_type=content_type, metadata=metadata, ttl_ms=ttl_ms, **options
        )
        return StorageObject(self._ctx, view.id, view.upload_url, view.upload_headers)

    def upload_from_text(
        self,
        text: str,
        *,
        name: str,
        metadata: Mapping[str, str] | None = None,
        ttl_ms: int | None = None,
        ttl: timedelta | None = None,
        **options: Unpack[MutationOptions],
    ) -> StorageObject:
        """Stores text (UTF-8) as a new object."""
        return upload_object(
            self._ctx,
            name=name,
            content_type="text",
            data=text.encode(),
            metadata=metadata,
            ttl_ms=ttl_to_ms(ttl_ms, ttl),
            options=options,
        )

    def upload_from_bytes(
        self,
        data: bytes,
        *,
        name: str,
        content_type: ContentType = "binary",
        metadata: Mapping[str, str] | None = None,
        ttl_ms: int | None = None,
        ttl: timedelta | None = None,
        **options: Unpack[MutationOptions],
    ) -> StorageObject:
        """Stores bytes as a new object."""
        return upload_object(
            self._ctx,
            name=name,
            content_type=content_type,
            data=data,
            metadata=metadata,
            ttl_ms=ttl_to_ms(ttl_ms, ttl),
            options=options,
        )

    def upload_from_file(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        file_path: str | os.PathLike[str] | None = None,
        name: str | None = None,
        content_type: ContentType | None = None,
        metadata: Mapping[str, str] | None = None,
        ttl_ms: int | None = None,
        ttl: timedelta | None = None,
        progress: ProgressArg = None,
        **options: Unpack[MutationOptions],
    ) -> StorageObject:
        """Stores a local file as a new object, streamed (named after the file by default).

        Args:
            path: The local file.
            file_path: ``path`` under the official SDK's name.
            name: The object's name (default: the file's).
            content_type: How the contents are typed (default: ``"binary"``).
            metadata: Metadata to attach.
            ttl_ms: How long the object is kept, in milliseconds.
            ttl: ``ttl_ms`` as the official SDK's ``timedelta``.
            progress: A callback receiving :class:`~runloop_sdk.Progress`, ``True`` for a
                terminal bar (needs ``rich``), ``None``: a bar if ``RUNLOOP_PROGRESS=1``.
            **options: Request options of the creating request.
        """
        source: str | os.PathLike[str] = required("path", path, "file_path", file_path)
        return upload_object(
            self._ctx,
            name=name or os.path.basename(os.fspath(source)),
            content_type=content_type or "binary",
            path=source,
            metadata=metadata,
            ttl_ms=ttl_to_ms(ttl_ms, ttl),
            progress=progress,
            options=options,
        )

    def upload_from_dir(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        dir_path: str | os.PathLike[str] | None = None,
        name: str | None = None,
        metadata: Mapping[str, str] | None = None,
        ttl_ms: int | None = None,
        ttl: timedelta | None = None,
        ignore: TarFilter | None = None,
        progress: ProgressArg = None,
        **options: Unpack[MutationOptions],
    ) -> StorageObject:
        """Packs a local folder as ``.tar.gz`` and stores it as a new object.

        Args:
            path: The local folder.
            dir_path: ``path`` under the official SDK's name.
            name: The object's name (default: the folder's, ``.tar.gz``).
            metadata: Metadata to attach.
            ttl_ms: How long the object is kept, in milliseconds.
            ttl: ``ttl_ms`` as the official SDK's ``timedelta``.
            ignore: A ``tarfile`` filter: returns the entry, or None to leave it out.
            progress: As for :meth:`upload_from_file`.
            **options: Request options of the creating request.
        """
        source: str | os.PathLike[str] = required("path", path, "dir_path", dir_path)
        return upload_dir(
            self._ctx,
            source,
            name=name,
            metadata=metadata,
            ttl_ms=ttl_to_ms(ttl_ms, ttl),
            ignore=ignore,
            progress=progress,
            options=options,
        )

    def from_id(self, object_id: str) -> StorageObject:
        """The object with this id (no request is made)."""
        return StorageObject(self._ctx, object_id)

    def list(
        self,
        *,
        name: str | None = None,
        content_type: ContentType | None = None,
        state: ObjectState | None = None,
        search: str | None = None,
        limit: int | None = None,
        starting_after: str | None = None,
        include_total_count: bool | None = None,
        **options: Unpack[RequestOptions],
    ) -> Listing[ObjectView, StorageObject]:
        """Every object (optionally filtered): ``for`` pages lazily, ``await`` reads all;
        ``limit`` caps how many."""

        def fetch() -> Any:
            return self._ctx.api.objects.list(
                name=name,
                content_type=content_type,
                state=state,
                search=search,
                limit=limit,
                starting_after=starting_after,
                include_total_count=include_total_count,
                **options,
            )

        return Listing(fetch, lambda view: StorageObject(self._ctx, view.id), limit)


class SecretOps:
    """Secret factory (``sdk.secret``)."""

    def __init__(self, ctx: ClientContext) -> None:
        self._ctx = ctx

    def create(self, name: str, value: str, **options: Unpack[MutationOptions]) -> Secret:
        """Stores a secret; devboxes see it as an environment variable when asked for it."""
        view = self._ctx.api.secrets.create(name=name, value=value, **options)
        return Secret(self._ctx, view.name)

    def update(self, secret: Secret | str, value: str, **options: Unpack[MutationOptions]) -> Secret:
        """Replaces a secret's value.

        Args:
            secret: The secret, or its name.
            value: The new value.
            **options: Request options.
        """
        name = secret if isinstance(secret, str) else secret.name
        self._ctx.api.secrets.update(name, value=value, **options)
        return Secret(self._ctx, name)

    def delete(self, secret: Secret | str, **options: Unpack[MutationOptions]) -> SecretView:
        """Deletes a secret (given as the object or its name)."""
        name = secret if isinstance(secret, str) else secret.name
        return self._ctx.api.secrets.delete(name, **options)

    def from_name(self, name: str) -> Secret:
        """The secret with this name (no request is made)."""
        return Secret(self._ctx, name)

    def list(self, **options: Unpack[RequestOptions]) -> list[Secret]:
        """Every secret."""
        view = self._ctx.api.secrets.list(**options)
        return [Secret(self._ctx, secret.name) for secret in view.secrets]


class NetworkPolicyOps:
    """Network policy factory (``sdk.network_policy``)."""

    def __init__(self, ctx: ClientContext) -> None:
        self._ctx = ctx

    @forwards_to(NetworkPoliciesResource.create)
    def create(self, *, name: str, **params: Any) -> NetworkPolicy:
        """Creates a policy.

        Args:
            name: The policy's name.
            **params: What ``api.network_policies.create`` accepts (``allowed_hostnames``, ...).
        """
        view = self._ctx.api.network_policies.create(name=name, **params)
        return NetworkPolicy(self._ctx, view.id)

    def from_id(self, network_policy_id: str) -> NetworkPolicy:
        """The policy with this id (no request is made)."""
        return NetworkPolicy(self._ctx, network_policy_id)

    def list(
        self,
        *,
        name: str | None = None,
        id: str | None = None,
        search: str | None = None,
        limit: int | None = None,
        starting_after: str | None = None,
        include_total_count: bool | None = None,
        **options: Unpack[RequestOptions],
    ) -> Listing[NetworkPolicyView, NetworkPolicy]:
        """Every policy (optionally filtered): ``for`` pages lazily, ``await`` reads all;
        ``limit`` caps how many."""

        def fetch() -> Any:
            return self._ctx.api.network_policies.list(
                name=name,
                id=id,
                search=search,
                limit=limit,
                starting_after=starting_after,
                include_total_count=include_total_count,
                **options,
            )

        return Listing(fetch, lambda view: NetworkPolicy(self._ctx, view.id), limit)
