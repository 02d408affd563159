"""``AsyncRunloopSDK``: the entry point of the object layer."""

from __future__ import annotations

from collections.abc import Mapping
from types import TracebackType
from typing import Any

import httpx

from runloop_api import AsyncRunloopAPI
from runloop_api._base.config import DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT

from .._base.close_alias import AsyncCloseAlias
from .._base.local import EngineHandle, start_local_engine
from .._base.polling import PollingConfig
from ._context import AsyncClientContext
from .devbox_ops import AsyncDevboxOps
from .eval_ops import AsyncAgentOps, AsyncBenchmarkOps, AsyncScenarioOps, AsyncScorerOps
from .ops import (
    AsyncBlueprintOps,
    AsyncComputerOps,
    AsyncNetworkPolicyOps,
    AsyncSecretOps,
    AsyncSnapshotOps,
    AsyncStorageObjectOps,
)

__all__ = ["AsyncRunloopSDK"]


class AsyncRunloopSDK(AsyncCloseAlias):
    """The Runloop SDK: devboxes, blueprints, snapshots, computers, storage objects, secrets, and
    the evaluation objects (agents, scorers, scenarios, benchmarks).

    Example:
        >>> async with AsyncRunloopSDK() as sdk:
        ...     async with await sdk.devbox.create(name="demo") as devbox:
        ...         result = await devbox.cmd.exec("echo hi")

    Args:
        bearer_token: The API key; defaults to the ``RUNLOOP_API_KEY`` environment variable.
        base_url: The API's URL; defaults to ``RUNLOOP_BASE_URL``, then ``https://api.runloop.ai``.
        timeout: Seconds before a single request gives up (long-polls wait longer).
        max_retries: How often a failed request that may safely be repeated is sent again.
        polling: How waits (``await_running``, ``exec``, ...) poll by default.
        default_headers: Headers sent with every request.
        http_client: An ``httpx.AsyncClient`` to send through (not closed by the SDK).
        http2: Reach the API over HTTP/2 (the ``http2`` extra): hundreds of concurrent waits and
            output streams share a few connections. See the raw client's ``http2``.

    Raises:
        RunloopError: When there is no API key or a setting is invalid.
    """

    def __init__(
        self,
        *,
        bearer_token: str | None = None,
        base_url: str | None = None,
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        polling: PollingConfig | None = None,
        default_headers: Mapping[str, str] | None = None,
        http_client: httpx.AsyncClient | None = None,
        http2: bool = False,
    ) -> None:
        self.api = AsyncRunloopAPI(
            bearer_token=bearer_token,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            http_client=http_client,
            http2=http2,
        )
        """The raw client: one method per API operation."""
        self.polling = polling or PollingConfig()
        """The default polling settings."""
        self._engine: EngineHandle | None = None
        ctx = AsyncClientContext(self.api, self.polling)
        self.devbox = AsyncDevboxOps(ctx)
        """Devboxes: ``create``, ``from_id``, ``list``, ..."""
        self.blueprint = AsyncBlueprintOps(ctx)
        """Blueprints: ``create``, ``from_id``, ``list``."""
        self.snapshot = AsyncSnapshotOps(ctx)
        """Disk snapshots: ``from_id``, ``list``."""
        self.computer = AsyncComputerOps(ctx)
        """Computers: ``create``, ``from_id``."""
        self.storage_object = AsyncStorageObjectOps(ctx)
        """Storage objects: ``upload_from_text/bytes/file/dir``, ``from_id``, ``list``."""
        self.secret = AsyncSecretOps(ctx)
        """Secrets: ``create``, ``from_name``, ``list``."""
        self.network_policy = AsyncNetworkPolicyOps(ctx)
        """Network policies: ``create``, ``from_id``, ``list``."""
        self.agent = AsyncAgentOps(ctx)
        """Agents: ``create_from_npm/pip/git/object``, ``from_id``, ``list``."""
        self.scorer = AsyncScorerOps(ctx)
        """Custom scorers: ``create``, ``from_id``, ``list``."""
        self.scenario = AsyncScenarioOps(ctx)
        """Scenarios: ``create``, ``from_id``, ``list``; ``scenario.run(...)``."""
        self.benchmark = AsyncBenchmarkOps(ctx)
        """Benchmarks: ``create``, ``from_id``, ``list``; ``benchmark.run(...)``."""

    @classmethod
    def local(
        cls,
        *,
        polling: PollingConfig | None = None,
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        http_client: httpx.AsyncClient | None = None,
        http2: bool = False,
        **engine_kwargs: Any,
    ) -> AsyncRunloopSDK:
        """Starts the embedded local engine and returns an SDK talking to it; no account needed.

        The engine runs devboxes on this machine and stops when the SDK is closed.

        Args:
            polling: How waits poll by default.
            timeout: Seconds before a single request gives up.
            max_retries: How often a failed request that may be repeated is sent again.
            http_client: An ``httpx.AsyncClient`` to send through (not closed by the SDK).
            http2: Talk to the engine over HTTP/2 (see :class:`AsyncRunloopSDK`).
            **engine_kwargs: What ``runloop_local.LocalEngine`` accepts (``data_dir``, ``isolation``, ...).

        Raises:
            ImportError: When the ``local`` extra is not installed.
        """
        engine = start_local_engine(**engine_kwargs)
        try:
            sdk = cls(
                bearer_token=engine.token,
                base_url=engine.base_url,
                timeout=timeout,
                max_retries=max_retries,
                polling=polling,
                http_client=http_client,
                http2=http2,
            )
        except BaseException:
            engine.stop()
            raise
        sdk._engine = engine
        return sdk

    @property
    def engine(self) -> EngineHandle | None:
        """The embedded local engine, when started by :meth:`local`."""
        return self._engine

    async def close(self) -> None:
        """Closes the connection pool and stops the embedded engine, if any."""
        try:
            await self.api.close()
        finally:
            engine, self._engine = self._engine, None
            if engine is not None:
                engine.stop()

    async def __aenter__(self) -> AsyncRunloopSDK:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()
