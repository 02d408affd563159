# Generated from runloop_sdk/_async/ops.py by scripts/unasync.py. Do not edit.
"""The other factories: blueprint, snapshot, computer, storage object, secret, network policy."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from typing import Any

from runloop_api.types import ContentType

from .._base.polling import PollingConfig
from ._context import ClientContext
from .blueprint import Blueprint
from .computer import Computer
from .network_policy import NetworkPolicy
from .secret import Secret
from .snapshot import Snapshot
from .storage_object import StorageObject, upload_dir, upload_object

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

    def create(self, *, name: str, polling: PollingConfig | None = None, **params: Any) -> Blueprint:
        """Starts a build and returns once it has finished.

        Args:
            name: The blueprint's name.
            polling: Polling settings for the wait.
            **params: What ``api.blueprints.create`` accepts (``dockerfile``, ``system_setup_commands``, ...).

        Raises:
            BuildFailedError: When the build failed; carries the tail of the build log.
        """
        blueprint = self.create_async(name=name, **params)
        blueprint.await_build_complete(polling=polling)
        return blueprint

    def create_async(self, *, name: str, **params: Any) -> Blueprint:
        """Starts a build and returns at once (follow it with ``stream_logs()``)."""
        view = self._ctx.api.blueprints.create(name=name, **params)
        return Blueprint(self._ctx, view.id)

    def from_id(self, blueprint_id: str) -> Blueprint:
        """The blueprint with this id (no request is made)."""
        return Blueprint(self._ctx, blueprint_id)

    def list(self, *, name: str | None = None) -> Iterator[Blueprint]:
        """Yields every blueprint (optionally of one name), fetching pages lazily."""
        page = self._ctx.api.blueprints.list(name=name)
        for view in page:
            yield Blueprint(self._ctx, view.id)


class SnapshotOps:
    """Disk snapshot factory (``sdk.snapshot``)."""

    def __init__(self, ctx: ClientContext) -> None:
        self._ctx = ctx

    def from_id(self, snapshot_id: str) -> Snapshot:
        """The snapshot with this id (no request is made)."""
        return Snapshot(self._ctx, snapshot_id)

    def list(self, *, devbox_id: str | None = None) -> Iterator[Snapshot]:
        """Yields every snapshot (optionally of one devbox), fetching pages lazily."""
        page = self._ctx.api.devboxes.disk_snapshots.list(devbox_id=devbox_id)
        for view in page:
            yield Snapshot(self._ctx, view.id)


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
    """Storage object factory (``sdk.storage_object``)."""

    def __init__(self, ctx: ClientContext) -> None:
        self._ctx = ctx

    def upload_from_text(
        self, text: str, *, name: str, metadata: Mapping[str, str] | None = None, ttl_ms: int | None = None
    ) -> StorageObject:
        """Stores text (UTF-8) as a new object."""
        return upload_object(
            self._ctx, name=name, content_type="text", data=text.encode(), metadata=metadata, ttl_ms=ttl_ms
        )

    def upload_from_bytes(
        self,
        data: bytes,
        *,
        name: str,
        content_type: ContentType = "binary",
        metadata: Mapping[str, str] | None = None,
        ttl_ms: int | None = None,
    ) -> StorageObject:
        """Stores bytes as a new object."""
        return upload_object(
            self._ctx, name=name, content_type=content_type, data=data, metadata=metadata, ttl_ms=ttl_ms
        )

    def upload_from_file(
        self,
        path: str | os.PathLike[str],
        *,
        name: str | None = None,
        content_type: ContentType = "binary",
        metadata: Mapping[str, str] | None = None,
        ttl_ms: int | None = None,
    ) -> StorageObject:
        """Stores a local file as a new object, streamed (named after the file by default)."""
        return upload_object(
            self._ctx,
            name=name or os.path.basename(os.fspath(path)),
            content_type=content_type,
            path=path,
            metadata=metadata,
            ttl_ms=ttl_ms,
        )

    def upload_from_dir(
        self,
        path: str | os.PathLike[str],
        *,
        name: str | None = None,
        metadata: Mapping[str, str] | None = None,
        ttl_ms: int | None = None,
    ) -> StorageObject:
        """Packs a local folder as ``.tar.gz`` and stores it as a new object."""
        return upload_dir(self._ctx, path, name=name, metadata=metadata, ttl_ms=ttl_ms)

    def from_id(self, object_id: str) -> StorageObject:
        """The object with this id (no request is made)."""
        return StorageObject(self._ctx, object_id)

    def list(self, *, name: str | None = None) -> Iterator[StorageObject]:
        """Yields every object (optionally of one name), fetching pages lazily."""
        page = self._ctx.api.objects.list(name=name)
        for view in page:
            yield StorageObject(self._ctx, view.id)


class SecretOps:
    """Secret factory (``sdk.secret``)."""

    def __init__(self, ctx: ClientContext) -> None:
        self._ctx = ctx

    def create(self, name: str, value: str) -> Secret:
        """Stores a secret; devboxes see it as an environment variable when asked for it."""
        view = self._ctx.api.secrets.create(name=name, value=value)
        return Secret(self._ctx, view.name)

    def from_name(self, name: str) -> Secret:
        """The secret with this name (no request is made)."""
        return Secret(self._ctx, name)

    def list(self) -> list[Secret]:
        """Every secret."""
        view = self._ctx.api.secrets.list()
        return [Secret(self._ctx, secret.name) for secret in view.secrets]


class NetworkPolicyOps:
    """Network policy factory (``sdk.network_policy``)."""

    def __init__(self, ctx: ClientContext) -> None:
        self._ctx = ctx

    def create(self, *, name: str, **params: Any) -> NetworkPolicy:
        """Creates a policy.

        Args:
            name: The policy's name.
            **params: What ``api.network_policies.create`` accepts (``allowed_hostnames``, ...).
        """
        view = self._ctx.api.network_policies.create(name=name, **params)
        return NetworkPolicy(self._ctx, view.id)

    def from_id(self, policy_id: str) -> NetworkPolicy:
        """The policy with this id (no request is made)."""
        return NetworkPolicy(self._ctx, policy_id)

    def list(self, *, name: str | None = None) -> Iterator[NetworkPolicy]:
        """Yields every policy, fetching pages lazily."""
        page = self._ctx.api.network_policies.list(name=name)
        for view in page:
            yield NetworkPolicy(self._ctx, view.id)
