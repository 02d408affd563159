"""``AsyncRunloopAPI``: the async raw client, one namespace per resource of the API."""

from __future__ import annotations

from collections.abc import Mapping
from types import TracebackType

import httpx

from .._base.config import DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT
from ._client_base import AsyncAPIClient
from .resources import (
    AsyncAgentsResource,
    AsyncBenchmarkJobsResource,
    AsyncBenchmarkRunsResource,
    AsyncBenchmarksResource,
    AsyncBlueprintsResource,
    AsyncDevboxesResource,
    AsyncNetworkPoliciesResource,
    AsyncObjectsResource,
    AsyncPtyResource,
    AsyncScenariosResource,
    AsyncSecretsResource,
)

__all__ = ["AsyncRunloopAPI"]


class AsyncRunloopAPI(AsyncAPIClient):
    """Client of the Runloop API: one method per HTTP operation.

    Example:
        >>> async with AsyncRunloopAPI() as api:
        ...     devbox = await api.devboxes.create(name="demo")

    Args:
        bearer_token: The API key; defaults to the ``RUNLOOP_API_KEY`` environment variable.
        base_url: The API's URL; defaults to ``RUNLOOP_BASE_URL``, then ``https://api.runloop.ai``.
        timeout: Seconds (or an ``httpx.Timeout``) before a request gives up. Long-polls wait longer.
        max_retries: How often a failed request that may safely be repeated is sent again.
        default_headers: Headers sent with every request.
        http_client: An ``httpx.AsyncClient`` to send through (its transport, proxies and limits
            are used; this client does not close it).
        http2: Reach the API over HTTP/2 (needs the ``h2`` package: the ``http2`` extra): many
            requests share a connection (up to 100 each), so hundreds of concurrent long-polls
            and output streams need a handful of connections instead of one each. Cleartext
            ``http://`` URLs get HTTP/2 with prior knowledge (the server must speak it, as the
            local engine does); ``https://`` ones choose by ALPN. See ``docs/raw_api.md``.

    Raises:
        RunloopError: When there is no API key, a setting is invalid, or ``http2`` is asked for
            without the ``h2`` package or together with ``http_client``.
    """

    def __init__(
        self,
        *,
        bearer_token: str | None = None,
        base_url: str | None = None,
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        http_client: httpx.AsyncClient | None = None,
        http2: bool = False,
    ) -> None:
        super().__init__(
            bearer_token=bearer_token,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            http_client=http_client,
            http2=http2,
        )
        self.devboxes = AsyncDevboxesResource(self)
        """Devboxes, their executions, disk snapshots, computers and logs."""
        self.blueprints = AsyncBlueprintsResource(self)
        """Blueprints: devbox images built from Dockerfiles."""
        self.objects = AsyncObjectsResource(self)
        """Storage objects."""
        self.secrets = AsyncSecretsResource(self)
        """Account secrets."""
        self.network_policies = AsyncNetworkPoliciesResource(self)
        """Egress network policies."""
        self.pty = AsyncPtyResource(self)
        """Interactive terminal sessions."""
        self.agents = AsyncAgentsResource(self)
        """Agents: packages mounted into devboxes to work on scenarios."""
        self.scenarios = AsyncScenariosResource(self)
        """Scenarios, their runs and their scorers."""
        self.benchmarks = AsyncBenchmarksResource(self)
        """Benchmarks: sets of scenarios (and, deprecated, their runs under ``benchmarks.runs``)."""
        self.benchmark_runs = AsyncBenchmarkRunsResource(self)
        """Benchmark runs: one scenario run per scenario of a benchmark."""
        self.benchmark_jobs = AsyncBenchmarkJobsResource(self)
        """Benchmark jobs (beta): benchmark runs of several agents."""

    async def __aenter__(self) -> AsyncRunloopAPI:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()
