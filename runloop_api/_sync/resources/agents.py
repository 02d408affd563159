# Generated from runloop_api/_async/resources/agents.py by scripts/unasync.py. Do not edit.
"""Raw operations under ``api.agents``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import httpx

from ..._base.request import clean_params, path_param
from ...types import AgentDevboxCountsView, AgentListView, AgentSource, AgentView, EmptyRecord
from ..pagination import Page

if TYPE_CHECKING:
    from .._client_base import APIClient

__all__ = ["AgentsResource"]


class AgentsResource:
    """Operations under ``api.agents``."""

    def __init__(self, client: APIClient) -> None:
        self._client = client

    def list(
        self,
        *,
        include_total_count: bool | None = None,
        is_public: bool | None = None,
        limit: int | None = None,
        name: str | None = None,
        search: str | None = None,
        starting_after: str | None = None,
        version: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
    ) -> Page[AgentView]:
        """List Agents.

        ``GET /v1/agents`` (listAgents).

        Args:
            include_total_count: If true (default), includes total_count in the response.
            is_public: Filter agents by public visibility.
            limit: The limit of items to return.
            name: Filter agents by name (partial match supported).
            search: Search by agent ID or name.
            starting_after: Load the next page of data starting after the item with the given ID.
            version: Filter by version.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
        """
        return self._client.request_page(
            "/v1/agents",
            list_model=AgentListView,
            items_field="agents",
            query=clean_params(
                {
                    "include_total_count": include_total_count,
                    "is_public": is_public,
                    "limit": limit,
                    "name": name,
                    "search": search,
                    "starting_after": starting_after,
                    "version": version,
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
        source: AgentSource | dict[str, Any] | None = None,
        version: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
        idempotency_key: str | None = None,
    ) -> AgentView:
        """Create an Agent.

        ``POST /v1/agents`` (createAgent).

        Args:
            name: The name of the Agent.
            source: Agent source configuration.
            version: Optional version identifier for the Agent.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        return self._client.request_json(
            "POST",
            "/v1/agents",
            cast_to=AgentView,
            idempotent=False,
            extra_headers=extra_headers,
            timeout=timeout,
            idempotency_key=idempotency_key,
            query=extra_query,
            json=clean_params({"name": name, "source": source, "version": version}, extra_body),
        )

    def devbox_counts(
        self,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
    ) -> AgentDevboxCountsView:
        """Get Devbox counts by Agent.

        ``GET /v1/agents/devbox_counts`` (getAgentDevboxCounts).

        Args:
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
        """
        return self._client.request_json(
            "GET",
            "/v1/agents/devbox_counts",
            cast_to=AgentDevboxCountsView,
            idempotent=True,
            extra_headers=extra_headers,
            timeout=timeout,
            query=extra_query,
        )

    def list_public(
        self,
        *,
        include_total_count: bool | None = None,
        limit: int | None = None,
        name: str | None = None,
        search: str | None = None,
        starting_after: str | None = None,
        version: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
    ) -> Page[AgentView]:
        """List Public Agents.

        ``GET /v1/agents/list_public`` (listPublicAgents).

        Args:
            include_total_count: If true (default), includes total_count in the response.
            limit: The limit of items to return.
            name: Filter agents by name (partial match supported).
            search: Search by agent ID or name.
            starting_after: Load the next page of data starting after the item with the given ID.
            version: Filter by version.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
        """
        return self._client.request_page(
            "/v1/agents/list_public",
            list_model=AgentListView,
            items_field="agents",
            query=clean_params(
                {
                    "include_total_count": include_total_count,
                    "limit": limit,
                    "name": name,
                    "search": search,
                    "starting_after": starting_after,
                    "version": version,
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
    ) -> AgentView:
        """Get an Agent.

        ``GET /v1/agents/{id}`` (getAgent).

        Args:
            id: The unique identifier of the Agent to retrieve.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
        """
        return self._client.request_json(
            "GET",
            f"/v1/agents/{path_param('id', id)}",
            cast_to=AgentView,
            idempotent=True,
            extra_headers=extra_headers,
            timeout=timeout,
            query=extra_query,
        )

    def delete(
        self,
        id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
        idempotency_key: str | None = None,
    ) -> EmptyRecord:
        """Delete an Agent.

        ``POST /v1/agents/{id}/delete`` (deleteAgent).

        Args:
            id: The unique identifier of the Agent to delete.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        return self._client.request_json(
            "POST",
            f"/v1/agents/{path_param('id', id)}/delete",
            cast_to=EmptyRecord,
            idempotent=False,
            extra_headers=extra_headers,
            timeout=timeout,
            idempotency_key=idempotency_key,
            query=extra_query,
            json=dict(extra_body) if extra_body else None,
        )
