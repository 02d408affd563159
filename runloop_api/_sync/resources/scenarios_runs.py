# Generated from runloop_api/_async/resources/scenarios_runs.py by scripts/unasync.py. Do not edit.
"""Raw operations under ``api.scenarios.runs``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import httpx

from ..._base.request import clean_params, path_param
from ...types import ScenarioRunListView, ScenarioRunView
from ..binary import BinaryResponse
from ..pagination import Page

if TYPE_CHECKING:
    from .._client_base import APIClient

__all__ = ["ScenariosRunsResource"]


class ScenariosRunsResource:
    """Operations under ``api.scenarios.runs``."""

    def __init__(self, client: APIClient) -> None:
        self._client = client

    def list(
        self,
        *,
        benchmark_run_id: str | None = None,
        include_total_count: bool | None = None,
        limit: int | None = None,
        name: str | None = None,
        scenario_id: str | None = None,
        search: str | None = None,
        starting_after: str | None = None,
        state: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
    ) -> Page[ScenarioRunView]:
        """List ScenarioRuns.

        ``GET /v1/scenarios/runs`` (listScenarioRuns).

        Args:
            benchmark_run_id: Filter by benchmark run ID
            include_total_count: If true (default), includes total_count in the response.
            limit: The limit of items to return.
            name: Filter by name
            scenario_id: Filter runs associated to Scenario given ID
            search: Search by scenario run ID or name.
            starting_after: Load the next page of data starting after the item with the given ID.
            state: Filter by state
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
        """
        return self._client.request_page(
            "/v1/scenarios/runs",
            list_model=ScenarioRunListView,
            items_field="runs",
            query=clean_params(
                {
                    "benchmark_run_id": benchmark_run_id,
                    "include_total_count": include_total_count,
                    "limit": limit,
                    "name": name,
                    "scenario_id": scenario_id,
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
    ) -> ScenarioRunView:
        """Get a previously created ScenarioRun.

        ``GET /v1/scenarios/runs/{id}`` (getScenarioRun).

        Args:
            id: The ScenarioRun ID.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
        """
        return self._client.request_json(
            "GET",
            f"/v1/scenarios/runs/{path_param('id', id)}",
            cast_to=ScenarioRunView,
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
    ) -> ScenarioRunView:
        """Cancel a Scenario run.

        ``POST /v1/scenarios/runs/{id}/cancel`` (cancelScenarioRun).

        Args:
            id: The Scenario Run ID.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        return self._client.request_json(
            "POST",
            f"/v1/scenarios/runs/{path_param('id', id)}/cancel",
            cast_to=ScenarioRunView,
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
    ) -> ScenarioRunView:
        """Complete a ScenarioRun.

        ``POST /v1/scenarios/runs/{id}/complete`` (completeScenarioRun).

        Args:
            id: The ScenarioRun ID.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        return self._client.request_json(
            "POST",
            f"/v1/scenarios/runs/{path_param('id', id)}/complete",
            cast_to=ScenarioRunView,
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
        """Download logs for a Scenario run.

        ``POST /v1/scenarios/runs/{id}/download_logs`` (downloadScenarioRunLogs).

        Args:
            id: The ScenarioRun ID.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        return self._client.request_binary(
            "POST",
            f"/v1/scenarios/runs/{path_param('id', id)}/download_logs",
            idempotent=False,
            extra_headers=extra_headers,
            timeout=timeout,
            accept="application/zip",
            idempotency_key=idempotency_key,
            query=extra_query,
            json=dict(extra_body) if extra_body else None,
        )

    def score(
        self,
        id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
        idempotency_key: str | None = None,
    ) -> ScenarioRunView:
        """Score a ScenarioRun.

        ``POST /v1/scenarios/runs/{id}/score`` (scoreScenarioRun).

        Args:
            id: The ScenarioRun ID.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        return self._client.request_json(
            "POST",
            f"/v1/scenarios/runs/{path_param('id', id)}/score",
            cast_to=ScenarioRunView,
            idempotent=False,
            extra_headers=extra_headers,
            timeout=timeout,
            idempotency_key=idempotency_key,
            query=extra_query,
            json=dict(extra_body) if extra_body else None,
        )
