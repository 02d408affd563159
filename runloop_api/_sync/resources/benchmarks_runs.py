# Generated from runloop_api/_async/resources/benchmarks_runs.py by scripts/unasync.py. Do not edit.
"""Raw operations under ``api.benchmarks.runs``."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import httpx

from ..._base.request import clean_params, path_param
from ...types import (
    BenchmarkRunListView,
    BenchmarkRunView,
    ScenarioRunListView,
    ScenarioRunState,
    ScenarioRunView,
)
from ..binary import BinaryResponse
from ..pagination import Page

if TYPE_CHECKING:
    from .._client_base import APIClient

__all__ = ["BenchmarksRunsResource"]


class BenchmarksRunsResource:
    """Operations under ``api.benchmarks.runs``."""

    def __init__(self, client: APIClient) -> None:
        self._client = client

    def list(
        self,
        *,
        name: str | None = None,
        benchmark_id: str | None = None,
        state: str | None = None,
        limit: int | None = None,
        starting_after: str | None = None,
        include_total_count: bool | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
    ) -> Page[BenchmarkRunView]:
        """List BenchmarkRuns.

        Present in the official spec copy; not exposed by the Python client (3.0.0 / 1.29.0).

        Deprecated by the API: calling it warns (``DeprecationWarning``). Use
        ``api.benchmark_runs.list`` instead.

        ``GET /v1/benchmarks/runs`` (listBenchmarkRunsDeprecated).

        Args:
            name: Filter by name
            benchmark_id: The Benchmark ID to filter by.
            state: Filter by state
            limit: The limit of items to return.
            starting_after: Load the next page of data starting after the item with the given ID.
            include_total_count: If true (default), includes total_count in the response.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
        """
        warnings.warn(
            "api.benchmarks.runs.list (listBenchmarkRunsDeprecated) is deprecated by the API; use api.benchmark_runs.list instead",
            DeprecationWarning,
            stacklevel=2,
        )
        return self._client.request_page(
            "/v1/benchmarks/runs",
            list_model=BenchmarkRunListView,
            items_field="runs",
            query=clean_params(
                {
                    "name": name,
                    "benchmark_id": benchmark_id,
                    "state": state,
                    "limit": limit,
                    "starting_after": starting_after,
                    "include_total_count": include_total_count,
                },
                extra_query,
            ),
            extra_headers=extra_headers,
            timeout=timeout,
        )

    def retrieve(
        self,
        id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
    ) -> BenchmarkRunView:
        """Get a previously created BenchmarkRun.

        Present in the official spec copy; not exposed by the Python client (3.0.0 / 1.29.0).

        Deprecated by the API: calling it warns (``DeprecationWarning``). Use
        ``api.benchmark_runs.retrieve`` instead.

        ``GET /v1/benchmarks/runs/{id}`` (getBenchmarkRunDeprecated).

        Args:
            id: The BenchmarkRun ID.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
        """
        warnings.warn(
            "api.benchmarks.runs.retrieve (getBenchmarkRunDeprecated) is deprecated by the API; use api.benchmark_runs.retrieve instead",
            DeprecationWarning,
            stacklevel=2,
        )
        return self._client.request_json(
            "GET",
            f"/v1/benchmarks/runs/{path_param('id', id)}",
            cast_to=BenchmarkRunView,
            idempotent=True,
            extra_headers=extra_headers,
            timeout=timeout,
            query=extra_query,
        )

    def cancel(
        self,
        id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
        idempotency_key: str | None = None,
    ) -> BenchmarkRunView:
        """Cancel a currently running Benchmark run.

        Present in the official spec copy; not exposed by the Python client (3.0.0 / 1.29.0).

        Deprecated by the API: calling it warns (``DeprecationWarning``). Use
        ``api.benchmark_runs.cancel`` instead.

        ``POST /v1/benchmarks/runs/{id}/cancel`` (cancelBenchmarkRunDeprecated).

        Args:
            id: The BenchmarkRun ID.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        warnings.warn(
            "api.benchmarks.runs.cancel (cancelBenchmarkRunDeprecated) is deprecated by the API; use api.benchmark_runs.cancel instead",
            DeprecationWarning,
            stacklevel=2,
        )
        return self._client.request_json(
            "POST",
            f"/v1/benchmarks/runs/{path_param('id', id)}/cancel",
            cast_to=BenchmarkRunView,
            idempotent=False,
            extra_headers=extra_headers,
            timeout=timeout,
            idempotency_key=idempotency_key,
            query=extra_query,
            json=dict(extra_body) if extra_body else None,
        )

    def complete(
        self,
        id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
        idempotency_key: str | None = None,
    ) -> BenchmarkRunView:
        """Complete a BenchmarkRun.

        Present in the official spec copy; not exposed by the Python client (3.0.0 / 1.29.0).

        Deprecated by the API: calling it warns (``DeprecationWarning``). Use
        ``api.benchmark_runs.complete`` instead.

        ``POST /v1/benchmarks/runs/{id}/complete`` (completeBenchmarkRunDeprecated).

        Args:
            id: The BenchmarkRun ID.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        warnings.warn(
            "api.benchmarks.runs.complete (completeBenchmarkRunDeprecated) is deprecated by the API; use api.benchmark_runs.complete instead",
            DeprecationWarning,
            stacklevel=2,
        )
        return self._client.request_json(
            "POST",
            f"/v1/benchmarks/runs/{path_param('id', id)}/complete",
            cast_to=BenchmarkRunView,
            idempotent=False,
            extra_headers=extra_headers,
            timeout=timeout,
            idempotency_key=idempotency_key,
            query=extra_query,
            json=dict(extra_body) if extra_body else None,
        )

    def download_logs(
        self,
        id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
        idempotency_key: str | None = None,
    ) -> BinaryResponse:
        """Download logs for a Benchmark run.

        Present in the official spec copy; not exposed by the Python client (3.0.0 / 1.29.0).

        Deprecated by the API: calling it warns (``DeprecationWarning``). Use
        ``api.benchmark_runs.download_logs`` instead.

        ``POST /v1/benchmarks/runs/{id}/download_logs`` (downloadBenchmarkRunLogsDeprecated).

        Args:
            id: The BenchmarkRun ID.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        warnings.warn(
            "api.benchmarks.runs.download_logs (downloadBenchmarkRunLogsDeprecated) is deprecated by the API; use api.benchmark_runs.download_logs instead",
            DeprecationWarning,
            stacklevel=2,
        )
        return self._client.request_binary(
            "POST",
            f"/v1/benchmarks/runs/{path_param('id', id)}/download_logs",
            idempotent=False,
            extra_headers=extra_headers,
            timeout=timeout,
            accept="application/zip",
            idempotency_key=idempotency_key,
            query=extra_query,
            json=dict(extra_body) if extra_body else None,
        )

    def list_scenario_runs(
        self,
        id: str,
        *,
        state: ScenarioRunState | None = None,
        limit: int | None = None,
        starting_after: str | None = None,
        include_total_count: bool | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
    ) -> Page[ScenarioRunView]:
        """List started scenario runs for a benchmark run.

        Present in the official spec copy; not exposed by the Python client (3.0.0 / 1.29.0).

        Deprecated by the API: calling it warns (``DeprecationWarning``). Use
        ``api.benchmark_runs.list_scenario_runs`` instead.

        ``GET /v1/benchmarks/runs/{id}/scenario_runs`` (listBenchmarkRunScenarioRunsDeprecated).

        Args:
            id: The BenchmarkRun ID.
            state: Filter by Scenario Run state
            limit: The limit of items to return.
            starting_after: Load the next page of data starting after the item with the given ID.
            include_total_count: If true (default), includes total_count in the response.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
        """
        warnings.warn(
            "api.benchmarks.runs.list_scenario_runs (listBenchmarkRunScenarioRunsDeprecated) is deprecated by the API; use api.benchmark_runs.list_scenario_runs instead",
            DeprecationWarning,
            stacklevel=2,
        )
        return self._client.request_page(
            f"/v1/benchmarks/runs/{path_param('id', id)}/scenario_runs",
            list_model=ScenarioRunListView,
            items_field="runs",
            query=clean_params(
                {
                    "state": state,
                    "limit": limit,
                    "starting_after": starting_after,
                    "include_total_count": include_total_count,
                },
                extra_query,
            ),
            extra_headers=extra_headers,
            timeout=timeout,
        )
