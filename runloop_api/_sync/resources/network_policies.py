# Generated from runloop_api/_async/resources/network_policies.py by scripts/unasync.py. Do not edit.
"""Raw operations under ``api.network_policies``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import httpx

from ..._base.request import clean_params, path_param
from ...types import AllowedCidr, NetworkPolicyListView, NetworkPolicyView
from ..pagination import Page

if TYPE_CHECKING:
    from .._client_base import APIClient

__all__ = ["NetworkPoliciesResource"]


class NetworkPoliciesResource:
    """Operations under ``api.network_policies``."""

    def __init__(self, client: APIClient) -> None:
        self._client = client

    def list(
        self,
        *,
        id: str | None = None,
        include_total_count: bool | None = None,
        limit: int | None = None,
        name: str | None = None,
        search: str | None = None,
        starting_after: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
    ) -> Page[NetworkPolicyView]:
        """List NetworkPolicies.

        ``GET /v1/network-policies`` (listNetworkPolicies).

        Args:
            id: Filter by ID.
            include_total_count: If true (default), includes total_count in the response.
            limit: The limit of items to return.
            name: Filter by name (partial match supported).
            search: Search by network policy ID or name.
            starting_after: Load the next page of data starting after the item with the given ID.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
        """
        return self._client.request_page(
            "/v1/network-policies",
            list_model=NetworkPolicyListView,
            items_field="network_policies",
            query=clean_params(
                {
                    "id": id,
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
        allow_agent_gateway: bool | None = None,
        allow_all: bool | None = None,
        allow_devbox_to_devbox: bool | None = None,
        allow_mcp_gateway: bool | None = None,
        allow_runloop_mirrors: bool | None = None,
        allowed_cidrs: Sequence[AllowedCidr | dict[str, Any]] | None = None,
        allowed_hostnames: Sequence[str] | None = None,
        description: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
        idempotency_key: str | None = None,
    ) -> NetworkPolicyView:
        """Create a NetworkPolicy.

        ``POST /v1/network-policies`` (createNetworkPolicy).

        Args:
            name: The human-readable name for the NetworkPolicy.
            allow_agent_gateway: (Optional) If true, allows devbox egress to the agent gateway for credential proxying.
            allow_all: (Optional) If true, all egress traffic is allowed (ALLOW_ALL policy).
            allow_devbox_to_devbox: (Optional) If true, allows traffic between the account's own devboxes via tunnels.
            allow_mcp_gateway: (Optional) If true, allows devbox egress to the MCP hub for MCP server access.
            allow_runloop_mirrors: (Optional) If true, allows devbox egress to Runloop's package/image registry mirrors.
            allowed_cidrs: (Optional) IPv4 CIDR-based allow list with optional port restrictions, additive with allowed_hostnames.
            allowed_hostnames: (Optional) DNS-based allow list with wildcard support.
            description: Optional description for the NetworkPolicy.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        return self._client.request_json(
            "POST",
            "/v1/network-policies",
            cast_to=NetworkPolicyView,
            idempotent=False,
            extra_headers=extra_headers,
            timeout=timeout,
            idempotency_key=idempotency_key,
            query=extra_query,
            json=clean_params(
                {
                    "name": name,
                    "allow_agent_gateway": allow_agent_gateway,
                    "allow_all": allow_all,
                    "allow_devbox_to_devbox": allow_devbox_to_devbox,
                    "allow_mcp_gateway": allow_mcp_gateway,
                    "allow_runloop_mirrors": allow_runloop_mirrors,
                    "allowed_cidrs": allowed_cidrs,
                    "allowed_hostnames": allowed_hostnames,
                    "description": description,
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
    ) -> NetworkPolicyView:
        """Get a NetworkPolicy.

        ``GET /v1/network-policies/{id}`` (getNetworkPolicy).

        Args:
            id: The unique identifier of the NetworkPolicy.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
        """
        return self._client.request_json(
            "GET",
            f"/v1/network-policies/{path_param('id', id)}",
            cast_to=NetworkPolicyView,
            idempotent=True,
            extra_headers=extra_headers,
            timeout=timeout,
            query=extra_query,
        )

    def update(
        self,
        id: str,
        *,
        allow_agent_gateway: bool | None = None,
        allow_all: bool | None = None,
        allow_devbox_to_devbox: bool | None = None,
        allow_mcp_gateway: bool | None = None,
        allow_runloop_mirrors: bool | None = None,
        allowed_cidrs: Sequence[AllowedCidr | dict[str, Any]] | None = None,
        allowed_hostnames: Sequence[str] | None = None,
        description: str | None = None,
        name: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
        idempotency_key: str | None = None,
    ) -> NetworkPolicyView:
        """Update a NetworkPolicy.

        ``POST /v1/network-policies/{id}`` (updateNetworkPolicy).

        Args:
            id: The unique identifier of the NetworkPolicy to update.
            allow_agent_gateway: If true, allows devbox egress to the agent gateway.
            allow_all: If true, all egress traffic is allowed (ALLOW_ALL policy).
            allow_devbox_to_devbox: If true, allows traffic between the account's own devboxes via tunnels.
            allow_mcp_gateway: If true, allows devbox egress to the MCP hub.
            allow_runloop_mirrors: If true, allows devbox egress to Runloop's package/image registry mirrors.
            allowed_cidrs: Updated IPv4 CIDR-based allow list with optional port restrictions, additive with allowed_hostnames.
            allowed_hostnames: Updated DNS-based allow list with wildcard support.
            description: Updated description for the NetworkPolicy.
            name: Updated human-readable name for the NetworkPolicy.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        return self._client.request_json(
            "POST",
            f"/v1/network-policies/{path_param('id', id)}",
            cast_to=NetworkPolicyView,
            idempotent=False,
            extra_headers=extra_headers,
            timeout=timeout,
            idempotency_key=idempotency_key,
            query=extra_query,
            json=clean_params(
                {
                    "allow_agent_gateway": allow_agent_gateway,
                    "allow_all": allow_all,
                    "allow_devbox_to_devbox": allow_devbox_to_devbox,
                    "allow_mcp_gateway": allow_mcp_gateway,
                    "allow_runloop_mirrors": allow_runloop_mirrors,
                    "allowed_cidrs": allowed_cidrs,
                    "allowed_hostnames": allowed_hostnames,
                    "description": description,
                    "name": name,
                },
                extra_body,
            ),
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
    ) -> NetworkPolicyView:
        """Delete a NetworkPolicy.

        ``POST /v1/network-policies/{id}/delete`` (deleteNetworkPolicy).

        Args:
            id: The unique identifier of the NetworkPolicy to delete.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        return self._client.request_json(
            "POST",
            f"/v1/network-policies/{path_param('id', id)}/delete",
            cast_to=NetworkPolicyView,
            idempotent=False,
            extra_headers=extra_headers,
            timeout=timeout,
            idempotency_key=idempotency_key,
            query=extra_query,
            json=dict(extra_body) if extra_body else None,
        )
