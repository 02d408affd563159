# Generated from runloop_api/_async/resources/benchmark_runs.py by scripts/unasync.py. Do not edit.
"""Raw operations under ``api.benchmark_runs``."""

from __future__ import annotations

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

__all__ = ["BenchmarkRunsResource"]


class BenchmarkRunsResource:
    """Operations under ``api.benchmark_runs``."""

    def __init__(self, client: APIClient) -> None:
        self._client = client

    def list(
        self,
        *,
        benchmark_id: str | None = None,
        include_total_count: bool | None = None,
        limit: int | None = None,
        name: str | None = None,
        search: str | None = None,
        starting_after: str | None = None,
        state: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
    ) -> Page[BenchmarkRunView]:
        """List BenchmarkRuns.

        ``GET /v1/benchmark_runs`` (listBenchmarkRuns).

        Args:
            benchmark_id: The Benchmark ID to filter by.
            include_total_count: If true (default), includes total_count in the response.
            limit: The limit of items to return.
            name: Filter by name
            search: Search by benchmark run ID or name.
            starting_after: Load the next page of data starting after the item with the given ID.
            state: Filter by state
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
        """
        return self._client.request_page(
            "/v1/benchmark_runs",
            list_model=BenchmarkRunListView,
            items_field="runs",
            query=clean_params(
                {
                    "benchmark_id": benchmark_id,
                    "include_total_count": include_total_count,
                    "limit": limit,
                    "name": name,
                    "search": search,
                    "starting_after": starting_after,
                    "state": state,
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

        ``GET /v1/benchmark_runs/{id}`` (getBenchmarkRun).

        Args:
            id: The BenchmarkRun ID.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
        """
        return self._client.request_json(
            "GET",
            f"/v1/benchmark_runs/{path_param('id', id)}",
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

        ``POST /v1/benchmark_runs/{id}/cancel`` (cancelBenchmarkRun).

        Args:
            id: The BenchmarkRun ID.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        return self._client.request_json(
            "POST",
            f"/v1/benchmark_runs/{path_param('id', id)}/cancel",
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

        ``POST /v1/benchmark_runs/{id}/complete`` (completeBenchmarkRun).

        Args:
            id: The BenchmarkRun ID.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        return self._client.request_json(
            "POST",
            f"/v1/benchmark_runs/{path_param('id', id)}/complete",
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

        ``POST /v1/benchmark_runs/{id}/download_logs`` (downloadBenchmarkRunLogs).

        Args:
            id: The BenchmarkRun ID.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        return self._client.request_binary(
            "POST",
            f"/v1/benchmark_runs/{path_param('id', id)}/download_logs",
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
        include_total_count: bool | None = None,
        limit: int | None = None,
        search: str | None = None,
        starting_after: str | None = None,
        state: ScenarioRunState | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
    ) -> Page[ScenarioRunView]:
        """List started scenario runs for a benchmark run.

        ``GET /v1/benchmark_runs/{id}/scenario_runs`` (listBenchmarkRunScenarioRuns).

        Args:
            id: The BenchmarkRun ID.
            include_total_count: If true (default), includes total_count in the response.
            limit: The limit of items to return.
            search: Search by scenario run ID or name.
            starting_after: Load the next page of data starting after the item with the given ID.
            state: Filter by Scenario Run state
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
        """
        return self._client.request_page(
            f"/v1/benchmark_runs/{path_param('id', id)}/scenario_runs",
            list_model=ScenarioRunListView,
            items_field="runs",
            query=clean_params(
                {
                    "include_total_count": include_total_count,
                    "limit": limit,
                    "search": search,
                    "starting_after": starting_after,
                    "state": state,
                },
                extra_query,
            ),
            extra_headers=extra_headers,
            timeout=timeout,
        )
