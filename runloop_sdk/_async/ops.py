"""The other factories: blueprint, snapshot, computer, storage object, secret, network policy."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Mapping
from typing import Any

from runloop_api.types import ContentType

from .._base.polling import PollingConfig
from ._context import AsyncClientContext
from .blueprint import AsyncBlueprint
from .computer import AsyncComputer
from .network_policy import AsyncNetworkPolicy
from .secret import AsyncSecret
from .snapshot import AsyncSnapshot
from .storage_object import AsyncStorageObject, upload_dir, upload_object

__all__ = [
    "AsyncBlueprintOps",
    "AsyncSnapshotOps",
    "AsyncComputerOps",
    "AsyncStorageObjectOps",
    "AsyncSecretOps",
    "AsyncNetworkPolicyOps",
]


class AsyncBlueprintOps:
    """Blueprint factory (``sdk.blueprint``)."""

    def __init__(self, ctx: AsyncClientContext) -> None:
        self._ctx = ctx

    async def create(
        self, *, name: str, polling: PollingConfig | None = None, **params: Any
    ) -> AsyncBlueprint:
        """Starts a build and returns once it has finished.

        Args:
            name: The blueprint's name.
            polling: Polling settings for the wait.
            **params: What ``api.blueprints.create`` accepts (``dockerfile``, ``system_setup_commands``, ...).

        Raises:
            BuildFailedError: When the build failed; carries the tail of the build log.
        """
        blueprint = await self.create_async(name=name, **params)
        await blueprint.await_build_complete(polling=polling)
        return blueprint

    async def create_async(self, *, name: str, **params: Any) -> AsyncBlueprint:
        """Starts a build and returns at once (follow it with ``stream_logs()``)."""
        view = await self._ctx.api.blueprints.create(name=name, **params)
        return AsyncBlueprint(self._ctx, view.id)

    def from_id(self, blueprint_id: str) -> AsyncBlueprint:
        """The blueprint with this id (no request is made)."""
        return AsyncBlueprint(self._ctx, blueprint_id)

    async def list(self, *, name: str | None = None) -> AsyncIterator[AsyncBlueprint]:
        """Yields every blueprint (optionally of one name), fetching pages lazily."""
        page = await self._ctx.api.blueprints.list(name=name)
        async for view in page:
            yield AsyncBlueprint(self._ctx, view.id)


class AsyncSnapshotOps:
    """Disk snapshot factory (``sdk.snapshot``)."""

    def __init__(self, ctx: AsyncClientContext) -> None:
        self._ctx = ctx

    def from_id(self, snapshot_id: str) -> AsyncSnapshot:
        """The snapshot with this id (no request is made)."""
        return AsyncSnapshot(self._ctx, snapshot_id)

    async def list(self, *, devbox_id: str | None = None) -> AsyncIterator[AsyncSnapshot]:
        """Yields every snapshot (optionally of one devbox), fetching pages lazily."""
        page = await self._ctx.api.devboxes.disk_snapshots.list(devbox_id=devbox_id)
        async for view in page:
            yield AsyncSnapshot(self._ctx, view.id)


class AsyncComputerOps:
    """Computer factory (``sdk.computer``)."""

    def __init__(self, ctx: AsyncClientContext) -> None:
        self._ctx = ctx

    async def create(
        self,
        *,
        name: str | None = None,
        display_width: int | None = None,
        display_height: int | None = None,
        polling: PollingConfig | None = None,
    ) -> AsyncComputer:
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
        view = await self._ctx.api.devboxes.computers.create(name=name, display_dimensions=dimensions)
        computer = AsyncComputer(self._ctx, view.devbox.id)
        if view.devbox.status != "running":
            await computer.devbox.await_running(polling=polling)
        return computer

    def from_id(self, computer_id: str) -> AsyncComputer:
        """The computer with this id (no request is made)."""
        return AsyncComputer(self._ctx, computer_id)


class AsyncStorageObjectOps:
    """Storage object factory (``sdk.storage_object``)."""

    def __init__(self, ctx: AsyncClientContext) -> None:
        self._ctx = ctx

    async def upload_from_text(
        self, text: str, *, name: str, metadata: Mapping[str, str] | None = None, ttl_ms: int | None = None
    ) -> AsyncStorageObject:
        """Stores text (UTF-8) as a new object."""
        return await upload_object(
            self._ctx, name=name, content_type="text", data=text.encode(), metadata=metadata, ttl_ms=ttl_ms
        )

    async def upload_from_bytes(
        self,
        data: bytes,
        *,
        name: str,
        content_type: ContentType = "binary",
        metadata: Mapping[str, str] | None = None,
        ttl_ms: int | None = None,
    ) -> AsyncStorageObject:
        """Stores bytes as a new object."""
        return await upload_object(
            self._ctx, name=name, content_type=content_type, data=data, metadata=metadata, ttl_ms=ttl_ms
        )

    async def upload_from_file(
        self,
        path: str | os.PathLike[str],
        *,
        name: str | None = None,
        content_type: ContentType = "binary",
        metadata: Mapping[str, str] | None = None,
        ttl_ms: int | None = None,
    ) -> AsyncStorageObject:
        """Stores a local file as a new object, streamed (named after the file by default)."""
        return await upload_object(
            self._ctx,
            name=name or os.path.basename(os.fspath(path)),
            content_type=content_type,
            path=path,
            metadata=metadata,
            ttl_ms=ttl_ms,
        )

    async def upload_from_dir(
        self,
        path: str | os.PathLike[str],
        *,
        name: str | None = None,
        metadata: Mapping[str, str] | None = None,
        ttl_ms: int | None = None,
    ) -> AsyncStorageObject:
        """Packs a local folder as ``.tar.gz`` and stores it as a new object."""
        return await upload_dir(self._ctx, path, name=name, metadata=metadata, ttl_ms=ttl_ms)

    def from_id(self, object_id: str) -> AsyncStorageObject:
        """The object with this id (no request is made)."""
        return AsyncStorageObject(self._ctx, object_id)

    async def list(self, *, name: str | None = None) -> AsyncIterator[AsyncStorageObject]:
        """Yields every object (optionally of one name), fetching pages lazily."""
        page = await self._ctx.api.objects.list(name=name)
        async for view in page:
            yield AsyncStorageObject(self._ctx, view.id)


class AsyncSecretOps:
    """Secret factory (``sdk.secret``)."""

    def __init__(self, ctx: AsyncClientContext) -> None:
        self._ctx = ctx

    async def create(self, name: str, value: str) -> AsyncSecret:
        """Stores a secret; devboxes see it as an environment variable when asked for it."""
        view = await self._ctx.api.secrets.create(name=name, value=value)
        return AsyncSecret(self._ctx, view.name)

    def from_name(self, name: str) -> AsyncSecret:
        """The secret with this name (no request is made)."""
        return AsyncSecret(self._ctx, name)

    async def list(self) -> list[AsyncSecret]:
        """Every secret."""
        view = await self._ctx.api.secrets.list()
        return [AsyncSecret(self._ctx, secret.name) for secret in view.secrets]


class AsyncNetworkPolicyOps:
    """Network policy factory (``sdk.network_policy``)."""

    def __init__(self, ctx: AsyncClientContext) -> None:
        self._ctx = ctx

    async def create(self, *, name: str, **params: Any) -> AsyncNetworkPolicy:
        """Creates a policy.

        Args:
            name: The policy's name.
            **params: What ``api.network_policies.create`` accepts (``allowed_hostnames``, ...).
        """
        view = await self._ctx.api.network_policies.create(name=name, **params)
        return AsyncNetworkPolicy(self._ctx, view.id)

    def from_id(self, policy_id: str) -> AsyncNetworkPolicy:
        """The policy with this id (no request is made)."""
        return AsyncNetworkPolicy(self._ctx, policy_id)

    async def list(self, *, name: str | None = None) -> AsyncIterator[AsyncNetworkPolicy]:
        """Yields every policy, fetching pages lazily."""
        page = await self._ctx.api.network_policies.list(name=name)
        async for view in page:
            yield AsyncNetworkPolicy(self._ctx, view.id)
