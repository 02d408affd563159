# Generated from runloop_api/_async/resources/benchmarks.py by scripts/unasync.py. Do not edit.
"""Raw operations under ``api.benchmarks``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import httpx

from ..._base.request import clean_params, path_param
from ...types import (
    BenchmarkDefinitionListView,
    BenchmarkDefinitionView,
    BenchmarkRunListView,
    BenchmarkRunView,
    MetadataKeysView,
    MetadataValuesView,
    RunProfile,
    ScenarioDefinitionListView,
    ScenarioDefinitionView,
)
from ..pagination import Page
from .benchmarks_runs import BenchmarksRunsResource

if TYPE_CHECKING:
    from .._client_base import APIClient

__all__ = ["BenchmarksResource"]


class BenchmarksResource:
    """Operations under ``api.benchmarks``."""

    def __init__(self, client: APIClient) -> None:
        self._client = client
        self.runs = BenchmarksRunsResource(client)
        """Operations under ``api.benchmarks.runs``."""

    def list(
        self,
        *,
        include_total_count: bool | None = None,
        limit: int | None = None,
        name: str | None = None,
        search: str | None = None,
        starting_after: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
    ) -> Page[BenchmarkDefinitionView]:
        """List Benchmarks.

        ``GET /v1/benchmarks`` (listBenchmarks).

        Args:
            include_total_count: If true (default), includes total_count in the response.
            limit: The limit of items to return.
            name: Filter by name
            search: Search by benchmark ID or name.
            starting_after: Load the next page of data starting after the item with the given ID.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
        """
        return self._client.request_page(
            "/v1/benchmarks",
            list_model=BenchmarkDefinitionListView,
            items_field="benchmarks",
            query=clean_params(
                {
                    "include_total_count": include_total_count,
                    "limit": limit,
                    "name": name,
                    "search": search,
                    "starting_after": starting_after,
                },
                extra_query,
            ),
            extra_headers=extra_headers,
            timeout=timeout,
        )

    def create(
        self,
        *,
        name: str,
        attribution: str | None = None,
        description: str | None = None,
        metadata: Mapping[str, str] | None = None,
        required_environment_variables: Sequence[str] | None = None,
        required_secret_names: Sequence[str] | None = None,
        scenario_ids: Sequence[str] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
        idempotency_key: str | None = None,
    ) -> BenchmarkDefinitionView:
        """Create a Benchmark.

        ``POST /v1/benchmarks`` (createBenchmark).

        Args:
            name: The unique name of the Benchmark.
            attribution: Attribution information for the benchmark.
            description: Detailed description of the benchmark.
            metadata: User defined metadata to attach to the benchmark.
            required_environment_variables: Environment variables required to run the benchmark.
            required_secret_names: Secrets required to run the benchmark with (environment variable name will be mapped to the your user secret by name).
            scenario_ids: The Scenario IDs that make up the Benchmark.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        return self._client.request_json(
            "POST",
            "/v1/benchmarks",
            cast_to=BenchmarkDefinitionView,
            idempotent=False,
            extra_headers=extra_headers,
            timeout=timeout,
            idempotency_key=idempotency_key,
            query=extra_query,
            json=clean_params(
                {
                    "name": name,
                    "attribution": attribution,
                    "description": description,
                    "metadata": metadata,
                    "required_environment_variables": required_environment_variables,
                    "required_secret_names": required_secret_names,
                    "scenario_ids": scenario_ids,
                },
                extra_body,
            ),
        )

    def list_public(
        self,
        *,
        include_total_count: bool | None = None,
        limit: int | None = None,
        name: str | None = None,
        search: str | None = None,
        starting_after: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
    ) -> Page[BenchmarkDefinitionView]:
        """List Public Benchmarks.

        ``GET /v1/benchmarks/list_public`` (listPublicBenchmarks).

        Args:
            include_total_count: If true (default), includes total_count in the response.
            limit: The limit of items to return.
            name: Filter by name
            search: Search by benchmark ID or name.
            starting_after: Load the next page of data starting after the item with the given ID.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
        """
        return self._client.request_page(
            "/v1/benchmarks/list_public",
            list_model=BenchmarkDefinitionListView,
            items_field="benchmarks",
            query=clean_params(
                {
                    "include_total_count": include_total_count,
                    "limit": limit,
                    "name": name,
                    "search": search,
                    "starting_after": starting_after,
                },
                extra_query,
            ),
            extra_headers=extra_headers,
            timeout=timeout,
        )

    def metadata_keys(
        self,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
    ) -> MetadataKeysView:
        """List available benchmark metadata keys.

        Present in the official spec copy; not exposed by the Python client (3.0.0 / 1.29.0).

        ``GET /v1/benchmarks/metadata/keys`` (getBenchmarkMetadataKeys).

        Args:
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
        """
        return self._client.request_json(
            "GET",
            "/v1/benchmarks/metadata/keys",
            cast_to=MetadataKeysView,
            idempotent=True,
            extra_headers=extra_headers,
            timeout=timeout,
            query=extra_query,
        )

    def metadata_values(
        self,
        key: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
    ) -> MetadataValuesView:
        """List values for a specific benchmark metadata key.

        Present in the official spec copy; not exposed by the Python client (3.0.0 / 1.29.0).

        ``GET /v1/benchmarks/metadata/keys/{key}/values`` (getBenchmarkMetadataValues).

        Args:
            key: The metadata key to get values for.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
        """
        return self._client.request_json(
            "GET",
            f"/v1/benchmarks/metadata/keys/{path_param('key', key)}/values",
            cast_to=MetadataValuesView,
            idempotent=True,
            extra_headers=extra_headers,
            timeout=timeout,
            query=extra_query,
        )

    def start_run(
        self,
        *,
        benchmark_id: str,
        metadata: Mapping[str, str] | None = None,
        run_name: str | None = None,
        runProfile: RunProfile | dict[str, Any] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
        idempotency_key: str | None = None,
    ) -> BenchmarkRunView:
        """Start a new BenchmarkRun.

        ``POST /v1/benchmarks/start_run`` (startBenchmarkRun).

        Args:
            benchmark_id: ID of the Benchmark to run.
            metadata: User defined metadata to attach to the benchmark run for organization.
            run_name: Display name of the run.
            runProfile: Runtime configuration to use for this benchmark run
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        return self._client.request_json(
            "POST",
            "/v1/benchmarks/start_run",
            cast_to=BenchmarkRunView,
            idempotent=False,
            extra_headers=extra_headers,
            timeout=timeout,
            idempotency_key=idempotency_key,
            query=extra_query,
            json=clean_params(
                {
                    "metadata": metadata,
                    "run_name": run_name,
                    "runProfile": runProfile,
                    "benchmark_id": benchmark_id,
                },
                extra_body,
            ),
        )

    def retrieve(
        self,
        id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
    ) -> BenchmarkDefinitionView:
        """Get a Benchmark.

        ``GET /v1/benchmarks/{id}`` (getBenchmark).

        Args:
            id: The Benchmark ID.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
        """
        return self._client.request_json(
            "GET",
            f"/v1/benchmarks/{path_param('id', id)}",
            cast_to=BenchmarkDefinitionView,
            idempotent=True,
            extra_headers=extra_headers,
            timeout=timeout,
            query=extra_query,
        )

    def update(
        self,
        id: str,
        *,
        attribution: str | None = None,
        description: str | None = None,
        metadata: Mapping[str, str] | None = None,
        name: str | None = None,
        required_environment_variables: Sequence[str] | None = None,
        required_secret_names: Sequence[str] | None = None,
        scenario_ids: Sequence[str] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
        idempotency_key: str | None = None,
    ) -> BenchmarkDefinitionView:
        """Update a Benchmark.

        ``POST /v1/benchmarks/{id}`` (updateBenchmark).

        Args:
            id: The Benchmark ID.
            attribution: Attribution information for the benchmark.
            description: Detailed description of the benchmark.
            metadata: User defined metadata to attach to the benchmark.
            name: The unique name of the Benchmark.
            required_environment_variables: Environment variables required to run the benchmark.
            required_secret_names: Secrets required to run the benchmark with (environment variable name will be mapped to the your user secret by name).
            scenario_ids: The Scenario IDs that make up the Benchmark.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        return self._client.request_json(
            "POST",
            f"/v1/benchmarks/{path_param('id', id)}",
            cast_to=BenchmarkDefinitionView,
            idempotent=False,
            extra_headers=extra_headers,
            timeout=timeout,
            idempotency_key=idempotency_key,
            query=extra_query,
            json=clean_params(
                {
                    "attribution": attribution,
                    "description": description,
                    "metadata": metadata,
                    "name": name,
                    "required_environment_variables": required_environment_variables,
                    "required_secret_names": required_secret_names,
                    "scenario_ids": scenario_ids,
                },
                extra_body,
            ),
        )

    def archive(
        self,
        id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
        idempotency_key: str | None = None,
    ) -> BenchmarkDefinitionView:
        """Archive a Benchmark.

        Present in the official spec copy; not exposed by the Python client (3.0.0 / 1.29.0).

        ``POST /v1/benchmarks/{id}/archive`` (archiveBenchmark).

        Args:
            id: The ID of the Benchmark to archive.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        return self._client.request_json(
            "POST",
            f"/v1/benchmarks/{path_param('id', id)}/archive",
            cast_to=BenchmarkDefinitionView,
            idempotent=False,
            extra_headers=extra_headers,
            timeout=timeout,
            idempotency_key=idempotency_key,
            query=extra_query,
            json=dict(extra_body) if extra_body else None,
        )

    def definitions(
        self,
        id: str,
        *,
        limit: int | None = None,
        starting_after: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
    ) -> Page[ScenarioDefinitionView]:
        """Get scenario definitions for a Benchmark.

        ``GET /v1/benchmarks/{id}/definitions`` (getBenchmarkScenarioDefinitions).

        Args:
            id: The Benchmark ID.
            limit: The limit of items to return.
            starting_after: Load the next page of data starting after the item with the given ID.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
        """
        return self._client.request_page(
            f"/v1/benchmarks/{path_param('id', id)}/definitions",
            list_model=ScenarioDefinitionListView,
            items_field="scenarios",
            query=clean_params({"limit": limit, "starting_after": starting_after}, extra_query),
            extra_headers=extra_headers,
            timeout=timeout,
        )

    def list_runs(
        self,
        id: str,
        *,
        limit: int | None = None,
        starting_after: str | None = None,
        include_total_count: bool | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
    ) -> Page[BenchmarkRunView]:
        """Get runs for a provided Benchmark.

        Present in the official spec copy; not exposed by the Python client (3.0.0 / 1.29.0).

        ``GET /v1/benchmarks/{id}/runs`` (getBenchmarkRuns).

        Args:
            id: The Benchmark ID.
            limit: The limit of items to return.
            starting_after: Load the next page of data starting after the item with the given ID.
            include_total_count: If true (default), includes total_count in the response.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
        """
        return self._client.request_page(
            f"/v1/benchmarks/{path_param('id', id)}/runs",
            list_model=BenchmarkRunListView,
            items_field="runs",
            query=clean_params(
                {
                    "limit": limit,
                    "starting_after": starting_after,
                    "include_total_count": include_total_count,
                },
                extra_query,
            ),
            extra_headers=extra_headers,
            timeout=timeout,
        )

    def update_scenarios(
        self,
        id: str,
        *,
        scenarios_to_add: Sequence[str] | None = None,
        scenarios_to_remove: Sequence[str] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
        idempotency_key: str | None = None,
    ) -> BenchmarkDefinitionView:
        """Modify scenarios for a Benchmark.

        ``POST /v1/benchmarks/{id}/scenarios`` (updateBenchmarkScenarios).

        Args:
            id: The Benchmark ID.
            scenarios_to_add: Scenario IDs to add to the Benchmark.
            scenarios_to_remove: Scenario IDs to remove from the Benchmark.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        return self._client.request_json(
            "POST",
            f"/v1/benchmarks/{path_param('id', id)}/scenarios",
            cast_to=BenchmarkDefinitionView,
            idempotent=False,
            extra_headers=extra_headers,
            timeout=timeout,
            idempotency_key=idempotency_key,
            query=extra_query,
            json=clean_params(
                {"scenarios_to_add": scenarios_to_add, "scenarios_to_remove": scenarios_to_remove}, extra_body
            ),
        )

    def unarchive(
        self,
        id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
        idempotency_key: str | None = None,
    ) -> BenchmarkDefinitionView:
        """Unarchive a Benchmark.

        Present in the official spec copy; not exposed by the Python client (3.0.0 / 1.29.0).

        ``POST /v1/benchmarks/{id}/unarchive`` (unarchiveBenchmark).

        Args:
            id: The ID of the Benchmark to unarchive.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        return self._client.request_json(
            "POST",
            f"/v1/benchmarks/{path_param('id', id)}/unarchive",
            cast_to=BenchmarkDefinitionView,
            idempotent=False,
            extra_headers=extra_headers,
            timeout=timeout,
            idempotency_key=idempotency_key,
            query=extra_query,
            json=dict(extra_body) if extra_body else None,
        )
