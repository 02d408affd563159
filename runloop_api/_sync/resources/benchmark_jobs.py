# Generated from runloop_api/_async/resources/benchmark_jobs.py by scripts/unasync.py. Do not edit.
"""Raw operations under ``api.benchmark_jobs``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import httpx

from ..._base.request import clean_params, path_param
from ...types import BenchmarkJobListView, BenchmarkJobSpec, BenchmarkJobView
from ..pagination import Page

if TYPE_CHECKING:
    from .._client_base import APIClient

__all__ = ["BenchmarkJobsResource"]


class BenchmarkJobsResource:
    """Operations under ``api.benchmark_jobs``."""

    def __init__(self, client: APIClient) -> None:
        self._client = client

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
    ) -> Page[BenchmarkJobView]:
        """[Beta] List BenchmarkJobs.

        ``GET /v1/benchmark_jobs`` (listBenchmarkJobs).

        Args:
            include_total_count: If true (default), includes total_count in the response.
            limit: The limit of items to return.
            name: Filter by name
            search: Search by benchmark job ID or name.
            starting_after: Load the next page of data starting after the item with the given ID.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
        """
        return self._client.request_page(
            "/v1/benchmark_jobs",
            list_model=BenchmarkJobListView,
            items_field="jobs",
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
        name: str | None = None,
        spec: BenchmarkJobSpec | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
        idempotency_key: str | None = None,
    ) -> BenchmarkJobView:
        """[Beta] Create a BenchmarkJob.

        ``POST /v1/benchmark_jobs`` (createBenchmarkJob).

        Args:
            name: The name of the BenchmarkJob.
            spec: The job specification.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        return self._client.request_json(
            "POST",
            "/v1/benchmark_jobs",
            cast_to=BenchmarkJobView,
            idempotent=False,
            extra_headers=extra_headers,
            timeout=timeout,
            idempotency_key=idempotency_key,
            query=extra_query,
            json=clean_params({"name": name, "spec": spec}, extra_body),
        )

    def retrieve(
        self,
        id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
    ) -> BenchmarkJobView:
        """[Beta] Get a previously created BenchmarkJob.

        ``GET /v1/benchmark_jobs/{id}`` (getBenchmarkJob).

        Args:
            id: The BenchmarkJob ID.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
        """
        return self._client.request_json(
            "GET",
            f"/v1/benchmark_jobs/{path_param('id', id)}",
            cast_to=BenchmarkJobView,
            idempotent=True,
            extra_headers=extra_headers,
            timeout=timeout,
            query=extra_query,
        )
