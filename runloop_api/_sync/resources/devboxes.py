# Generated from runloop_api/_async/resources/devboxes.py by scripts/unasync.py. Do not edit.
"""Raw operations under ``api.devboxes``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import httpx

from ..._base.files import open_upload
from ..._base.ids import uuid7
from ..._base.request import FileInput, clean_params, path_param
from ...types import (
    CodeMountParameters,
    DevboxAsyncExecutionDetailView,
    DevboxCreateSshKeyView,
    DevboxDiskSnapshotView,
    DevboxEvictionEventView,
    DevboxExecutionDetailView,
    DevboxExecutionStatus,
    DevboxListView,
    DevboxResourceUsageView,
    DevboxView,
    DevboxViewStatus,
    EmptyRecord,
    GatewaySpec,
    GatewayTokenView,
    LaunchParameters,
    McpSpec,
    McpTokenView,
    MetadataKeysView,
    MetadataValuesView,
    Mount,
    PtyTunnelView,
    TunnelAuthMode,
    TunnelConfig,
    TunnelView,
)
from ..binary import BinaryResponse
from ..pagination import Page
from ..streaming import EventStream
from .devboxes_computers import ComputersResource
from .devboxes_disk_snapshots import DiskSnapshotsResource
from .devboxes_executions import ExecutionsResource
from .devboxes_logs import LogsResource

if TYPE_CHECKING:
    from .._client_base import APIClient

__all__ = ["DevboxesResource"]


class DevboxesResource:
    """Operations under ``api.devboxes``."""

    def __init__(self, client: APIClient) -> None:
        self._client = client
        self.computers = ComputersResource(client)
        """Operations under ``api.devboxes.computers``."""
        self.disk_snapshots = DiskSnapshotsResource(client)
        """Operations under ``api.devboxes.disk_snapshots``."""
        self.executions = ExecutionsResource(client)
        """Operations under ``api.devboxes.executions``."""
        self.logs = LogsResource(client)
        """Operations under ``api.devboxes.logs``."""

    def list(
        self,
        *,
        include_total_count: bool | None = None,
        limit: int | None = None,
        starting_after: str | None = None,
        status: DevboxViewStatus | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
    ) -> Page[DevboxView]:
        """List Devboxes.

        ``GET /v1/devboxes`` (listDevboxes).

        Args:
            include_total_count: If true (default), includes total_count in the response.
            limit: The limit of items to return.
            starting_after: Load the next page of data starting after the item with the given ID.
            status: Filter by status
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
        """
        return self._client.request_page(
            "/v1/devboxes",
            list_model=DevboxListView,
            items_field="devboxes",
            query=clean_params(
                {
                    "include_total_count": include_total_count,
                    "limit": limit,
                    "starting_after": starting_after,
                    "status": status,
                },
                extra_query,
            ),
            extra_headers=extra_headers,
            timeout=timeout,
        )

    def create(
        self,
        *,
        code_mounts: Sequence[CodeMountParameters | dict[str, Any]] | None = None,
        entrypoint: str | None = None,
        environment_variables: Mapping[str, str] | None = None,
        file_mounts: Mapping[str, str] | None = None,
        gateways: Mapping[str, GatewaySpec | dict[str, Any]] | None = None,
        launch_parameters: LaunchParameters | dict[str, Any] | None = None,
        mcp: Mapping[str, McpSpec | dict[str, Any]] | None = None,
        metadata: Mapping[str, str] | None = None,
        mounts: Sequence[Mount] | None = None,
        name: str | None = None,
        secrets: Mapping[str, str] | None = None,
        blueprint_id: str | None = None,
        blueprint_name: str | None = None,
        snapshot_id: str | None = None,
        tunnel: TunnelConfig | dict[str, Any] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
        idempotency_key: str | None = None,
    ) -> DevboxView:
        """Create a Devbox.

        ``POST /v1/devboxes`` (createDevbox).

        Args:
            code_mounts: A list of code mounts to be included in the Devbox.
            entrypoint: (Optional) When specified, the Devbox will run this script as its main executable.
            environment_variables: (Optional) Environment variables used to configure your Devbox.
            file_mounts: Map of paths and file contents to write before setup.
            gateways: (Optional) Agent gateway specifications for credential proxying.
            launch_parameters: LaunchParameters enable you to customize the resources available to your Devbox as well as the environment set up that should be completed before the Devbox is marked as 'running'.
            mcp: [Beta] (Optional) MCP specifications for MCP server access.
            metadata: User defined metadata to attach to the devbox for organization.
            mounts: A list of mounts to be included in the Devbox.
            name: (Optional) A user specified name to give the Devbox.
            secrets: (Optional) Map of environment variable names to secret names.
            blueprint_id: Blueprint ID to use for the Devbox.
            blueprint_name: Name of Blueprint to use for the Devbox.
            snapshot_id: Snapshot ID to use for the Devbox.
            tunnel: Configuration for creating a V2 tunnel.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        return self._client.request_json(
            "POST",
            "/v1/devboxes",
            cast_to=DevboxView,
            idempotent=True,
            extra_headers=extra_headers,
            timeout=timeout,
            idempotency_key=idempotency_key,
            query=extra_query,
            json=clean_params(
                {
                    "code_mounts": code_mounts,
                    "entrypoint": entrypoint,
                    "environment_variables": environment_variables,
                    "file_mounts": file_mounts,
                    "gateways": gateways,
                    "launch_parameters": launch_parameters,
                    "mcp": mcp,
                    "metadata": metadata,
                    "mounts": mounts,
                    "name": name,
                    "secrets": secrets,
                    "blueprint_id": blueprint_id,
                    "blueprint_name": blueprint_name,
                    "snapshot_id": snapshot_id,
                    "tunnel": tunnel,
                },
                extra_body,
            ),
        )

    def create_and_await_running(
        self,
        *,
        code_mounts: Sequence[CodeMountParameters | dict[str, Any]] | None = None,
        entrypoint: str | None = None,
        environment_variables: Mapping[str, str] | None = None,
        file_mounts: Mapping[str, str] | None = None,
        gateways: Mapping[str, GatewaySpec | dict[str, Any]] | None = None,
        launch_parameters: LaunchParameters | dict[str, Any] | None = None,
        mcp: Mapping[str, McpSpec | dict[str, Any]] | None = None,
        metadata: Mapping[str, str] | None = None,
        mounts: Sequence[Mount] | None = None,
        name: str | None = None,
        secrets: Mapping[str, str] | None = None,
        blueprint_id: str | None = None,
        blueprint_name: str | None = None,
        snapshot_id: str | None = None,
        tunnel: TunnelConfig | dict[str, Any] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
        idempotency_key: str | None = None,
    ) -> DevboxView:
        """Create a Devbox and return once it is running.

        Called by the hand-written create_and_await_running helper of Python client 3.0.0 (client
        1.29.0 used POST /v1/devboxes plus wait_for_status polling). Not in the spec copy; server
        support unverified.

        ``POST /v1/devboxes/create_and_await_running`` (createAndAwaitRunning).

        Args:
            code_mounts: A list of code mounts to be included in the Devbox.
            entrypoint: (Optional) When specified, the Devbox will run this script as its main executable.
            environment_variables: (Optional) Environment variables used to configure your Devbox.
            file_mounts: Map of paths and file contents to write before setup.
            gateways: (Optional) Agent gateway specifications for credential proxying.
            launch_parameters: LaunchParameters enable you to customize the resources available to your Devbox as well as the environment set up that should be completed before the Devbox is marked as 'running'.
            mcp: [Beta] (Optional) MCP specifications for MCP server access.
            metadata: User defined metadata to attach to the devbox for organization.
            mounts: A list of mounts to be included in the Devbox.
            name: (Optional) A user specified name to give the Devbox.
            secrets: (Optional) Map of environment variable names to secret names.
            blueprint_id: Blueprint ID to use for the Devbox.
            blueprint_name: Name of Blueprint to use for the Devbox.
            snapshot_id: Snapshot ID to use for the Devbox.
            tunnel: Configuration for creating a V2 tunnel.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        return self._client.request_json(
            "POST",
            "/v1/devboxes/create_and_await_running",
            cast_to=DevboxView,
            idempotent=True,
            extra_headers=extra_headers,
            timeout=timeout,
            idempotency_key=idempotency_key,
            query=extra_query,
            json=clean_params(
                {
                    "code_mounts": code_mounts,
                    "entrypoint": entrypoint,
                    "environment_variables": environment_variables,
                    "file_mounts": file_mounts,
                    "gateways": gateways,
                    "launch_parameters": launch_parameters,
                    "mcp": mcp,
                    "metadata": metadata,
                    "mounts": mounts,
                    "name": name,
                    "secrets": secrets,
                    "blueprint_id": blueprint_id,
                    "blueprint_name": blueprint_name,
                    "snapshot_id": snapshot_id,
                    "tunnel": tunnel,
                },
                extra_body,
            ),
        )

    def list_disk_snapshots(
        self,
        *,
        devbox_id: str | None = None,
        include_total_count: bool | None = None,
        limit: int | None = None,
        metadata_key: str | None = None,
        metadata_key_in: str | None = None,
        source_blueprint_id: str | None = None,
        starting_after: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
    ) -> Page[DevboxDiskSnapshotView]:
        """List disk snapshots of a Devbox.

        The same operation as ``disk_snapshots.list``.

        ``GET /v1/devboxes/disk_snapshots`` (getDevboxDiskSnapshotList).

        Args:
            devbox_id: Devbox ID to filter by.
            include_total_count: If true (default), includes total_count in the response.
            limit: The limit of items to return.
            metadata_key: Filter snapshots by metadata key-value pair.
            metadata_key_in: Filter snapshots by metadata key with multiple possible values (OR condition).
            source_blueprint_id: Source Blueprint ID to filter snapshots by.
            starting_after: Load the next page of data starting after the item with the given ID.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
        """
        return self.disk_snapshots.list(
            devbox_id=devbox_id,
            include_total_count=include_total_count,
            limit=limit,
            metadata_key=metadata_key,
            metadata_key_in=metadata_key_in,
            source_blueprint_id=source_blueprint_id,
            starting_after=starting_after,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
        )

    def delete_disk_snapshot(
        self,
        id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
        idempotency_key: str | None = None,
    ) -> EmptyRecord:
        """Delete a disk snapshot of a Devbox.

        The same operation as ``disk_snapshots.delete``.

        ``POST /v1/devboxes/disk_snapshots/{id}/delete`` (deleteSnapshot).

        Args:
            id: The ID of the snapshot.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        return self.disk_snapshots.delete(
            id,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
            idempotency_key=idempotency_key,
        )

    def watch_evictions(
        self,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
    ) -> EventStream[DevboxEvictionEventView]:
        """Stream pending Devbox evictions (server-sent events).

        Server-sent events, one DevboxEvictionEventView per pending eviction (advisory). Client
        3.0.0 only; not in the spec copy.

        ``GET /v1/devboxes/evictions/watch`` (watchEvictions).

        Args:
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
        """
        return self._client.stream_events(
            "/v1/devboxes/evictions/watch",
            model=DevboxEvictionEventView,
            query=clean_params({}, extra_query),
            extra_headers=extra_headers,
            timeout=timeout,
            accept="text/event-stream",
        )

    def metadata_keys(
        self,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
    ) -> MetadataKeysView:
        """List available devbox metadata keys.

        Present in the official spec copy; not exposed by the Python client (3.0.0 / 1.29.0).

        ``GET /v1/devboxes/metadata/keys`` (getDevboxMetadataKeys).

        Args:
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
        """
        return self._client.request_json(
            "GET",
            "/v1/devboxes/metadata/keys",
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
        """List values for a specific devbox metadata key.

        Present in the official spec copy; not exposed by the Python client (3.0.0 / 1.29.0).

        ``GET /v1/devboxes/metadata/keys/{key}/values`` (getDevboxMetadataValues).

        Args:
            key: The metadata key to get values for.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
        """
        return self._client.request_json(
            "GET",
            f"/v1/devboxes/metadata/keys/{path_param('key', key)}/values",
            cast_to=MetadataValuesView,
            idempotent=True,
            extra_headers=extra_headers,
            timeout=timeout,
            query=extra_query,
        )

    def wait_for_command(
        self,
        execution_id: str,
        *,
        devbox_id: str,
        statuses: Sequence[DevboxExecutionStatus],
        timeout_seconds: int | None = None,
        last_n: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
        idempotency_key: str | None = None,
    ) -> DevboxAsyncExecutionDetailView:
        """Wait for an asynchronous execution to reach a specific status.

        The same operation as ``executions.wait_for_status``.

        ``POST /v1/devboxes/{devbox_id}/executions/{execution_id}/wait_for_status``
        (waitForCommandCompletion).

        Args:
            execution_id: The Async Execution ID.
            devbox_id: The Devbox ID.
            statuses: The command execution statuses to wait for.
            timeout_seconds: (Optional) Timeout in seconds to wait for the status, up to 25 seconds.
            last_n: Last n lines of standard error / standard out to return (default: 100)
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        return self.executions.wait_for_status(
            execution_id,
            devbox_id=devbox_id,
            statuses=statuses,
            timeout_seconds=timeout_seconds,
            last_n=last_n,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
            idempotency_key=idempotency_key,
        )

    def retrieve(
        self,
        id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
    ) -> DevboxView:
        """Get Devbox details.

        ``GET /v1/devboxes/{id}`` (getDevbox).

        Args:
            id: The Devbox ID.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
        """
        return self._client.request_json(
            "GET",
            f"/v1/devboxes/{path_param('id', id)}",
            cast_to=DevboxView,
            idempotent=True,
            extra_headers=extra_headers,
            timeout=timeout,
            query=extra_query,
        )

    def update(
        self,
        id: str,
        *,
        metadata: Mapping[str, str] | None = None,
        name: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
        idempotency_key: str | None = None,
    ) -> DevboxView:
        """Update a Devbox.

        ``POST /v1/devboxes/{id}`` (updateDevbox).

        Args:
            id: The Devbox ID.
            metadata: User defined metadata to replace the Devbox metadata.
            name: A user specified name to give the Devbox.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        return self._client.request_json(
            "POST",
            f"/v1/devboxes/{path_param('id', id)}",
            cast_to=DevboxView,
            idempotent=False,
            extra_headers=extra_headers,
            timeout=timeout,
            idempotency_key=idempotency_key,
            query=extra_query,
            json=clean_params({"metadata": metadata, "name": name}, extra_body),
        )

    def create_gateway_token(
        self,
        id: str,
        *,
        gateway: str,
        secret: str,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
        idempotency_key: str | None = None,
    ) -> GatewayTokenView:
        """Mint an agent-gateway token for a running Devbox.

        Exposed by Python client 3.0.0; absent from the older spec copy. Shapes come from the client
        types.

        ``POST /v1/devboxes/{id}/create_gateway_token`` (createGatewayToken).

        Args:
            id: The Devbox ID.
            gateway: The gateway config to use.
            secret: The secret containing the credential.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        return self._client.request_json(
            "POST",
            f"/v1/devboxes/{path_param('id', id)}/create_gateway_token",
            cast_to=GatewayTokenView,
            idempotent=False,
            extra_headers=extra_headers,
            timeout=timeout,
            idempotency_key=idempotency_key,
            query=extra_query,
            json=clean_params({"gateway": gateway, "secret": secret}, extra_body),
        )

    def create_mcp_token(
        self,
        id: str,
        *,
        mcp_config: str,
        secret: str,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
        idempotency_key: str | None = None,
    ) -> McpTokenView:
        """[Beta] Mint an MCP-hub token for a running Devbox.

        Exposed by Python client 3.0.0; absent from the older spec copy. Shapes come from the client
        types.

        ``POST /v1/devboxes/{id}/create_mcp_token`` (createMcpToken).

        Args:
            id: The Devbox ID.
            mcp_config: The MCP config to use.
            secret: The secret containing the MCP server credential.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        return self._client.request_json(
            "POST",
            f"/v1/devboxes/{path_param('id', id)}/create_mcp_token",
            cast_to=McpTokenView,
            idempotent=False,
            extra_headers=extra_headers,
            timeout=timeout,
            idempotency_key=idempotency_key,
            query=extra_query,
            json=clean_params({"mcp_config": mcp_config, "secret": secret}, extra_body),
        )

    def create_pty_tunnel(
        self,
        id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
        idempotency_key: str | None = None,
    ) -> PtyTunnelView:
        """Create an ephemeral PTY tunnel for a running Devbox.

        ``POST /v1/devboxes/{id}/create_pty_tunnel`` (createDevboxPtyTunnel).

        Args:
            id: The Devbox ID.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        return self._client.request_json(
            "POST",
            f"/v1/devboxes/{path_param('id', id)}/create_pty_tunnel",
            cast_to=PtyTunnelView,
            idempotent=False,
            extra_headers=extra_headers,
            timeout=timeout,
            idempotency_key=idempotency_key,
            query=extra_query,
            json=dict(extra_body) if extra_body else None,
        )

    def create_ssh_key(
        self,
        id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
        idempotency_key: str | None = None,
    ) -> DevboxCreateSshKeyView:
        """Create an SSH key for a Devbox.

        ``POST /v1/devboxes/{id}/create_ssh_key`` (createDevboxSshKey).

        Args:
            id: The Devbox ID.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        return self._client.request_json(
            "POST",
            f"/v1/devboxes/{path_param('id', id)}/create_ssh_key",
            cast_to=DevboxCreateSshKeyView,
            idempotent=False,
            extra_headers=extra_headers,
            timeout=timeout,
            idempotency_key=idempotency_key,
            query=extra_query,
            json=dict(extra_body) if extra_body else None,
        )

    def download_file(
        self,
        id: str,
        *,
        path: str,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
        idempotency_key: str | None = None,
    ) -> BinaryResponse:
        """Download binary file contents from Devbox filesystem.

        ``POST /v1/devboxes/{id}/download_file`` (devboxDownloadFile).

        Args:
            id: The Devbox ID.
            path: The path on the Devbox filesystem to read the file from.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        return self._client.request_binary(
            "POST",
            f"/v1/devboxes/{path_param('id', id)}/download_file",
            idempotent=True,
            extra_headers=extra_headers,
            timeout=timeout,
            accept="application/octet-stream",
            idempotency_key=idempotency_key,
            query=extra_query,
            json=clean_params({"path": path}, extra_body),
        )

    def enable_tunnel(
        self,
        id: str,
        *,
        auth_mode: TunnelAuthMode | None = None,
        http_keep_alive: bool | None = None,
        wake_on_http: bool | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
        idempotency_key: str | None = None,
    ) -> TunnelView:
        """Enable a tunnel for a running Devbox.

        ``POST /v1/devboxes/{id}/enable_tunnel`` (enableDevboxTunnel).

        Args:
            id: The Devbox ID.
            auth_mode: Authentication mode for the tunnel.
            http_keep_alive: When true, HTTP traffic through the tunnel counts as activity for idle lifecycle policies, resetting the idle timer.
            wake_on_http: When true, HTTP traffic to a suspended devbox will automatically trigger a resume.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        return self._client.request_json(
            "POST",
            f"/v1/devboxes/{path_param('id', id)}/enable_tunnel",
            cast_to=TunnelView,
            idempotent=False,
            extra_headers=extra_headers,
            timeout=timeout,
            idempotency_key=idempotency_key,
            query=extra_query,
            json=clean_params(
                {"auth_mode": auth_mode, "http_keep_alive": http_keep_alive, "wake_on_http": wake_on_http},
                extra_body,
            ),
        )

    def execute(
        self,
        id: str,
        *,
        command: str,
        shell_name: str | None = None,
        command_id: str | None = None,
        optimistic_timeout: int | None = None,
        last_n: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
        idempotency_key: str | None = None,
    ) -> DevboxAsyncExecutionDetailView:
        """Execute a command with a known ID, optimistically waiting for completion.

        ``POST /v1/devboxes/{id}/execute`` (executeCommand).

        Args:
            id: The Devbox ID.
            command: The command to execute via the Devbox shell.
            shell_name: The name of the persistent shell to create or use; commands in one shell keep its working directory and exported environment, and run one at a time.
            command_id: The command ID in UUIDv7 string format for idempotency and tracking. Generated (``uuid7()``) when not given.
            optimistic_timeout: Timeout in seconds to wait for command completion, up to 25 seconds.
            last_n: Last n lines of standard error / standard out to return (default: 100)
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        if command_id is None:
            command_id = uuid7()
        return self._client.request_json(
            "POST",
            f"/v1/devboxes/{path_param('id', id)}/execute",
            cast_to=DevboxAsyncExecutionDetailView,
            idempotent=True,
            long_poll=True,
            long_poll_hold=optimistic_timeout,
            extra_headers=extra_headers,
            timeout=timeout,
            idempotency_key=idempotency_key,
            query=clean_params({"last_n": last_n}, extra_query),
            json=clean_params(
                {
                    "command": command,
                    "shell_name": shell_name,
                    "command_id": command_id,
                    "optimistic_timeout": optimistic_timeout,
                },
                extra_body,
            ),
        )

    def execute_async(
        self,
        id: str,
        *,
        command: str,
        shell_name: str | None = None,
        attach_stdin: bool | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
        idempotency_key: str | None = None,
    ) -> DevboxAsyncExecutionDetailView:
        """Asynchronously execute a command via the Devbox shell.

        The same operation as ``executions.execute_async``.

        ``POST /v1/devboxes/{id}/execute_async`` (execAsyncCommand).

        Args:
            id: The Devbox ID.
            command: The command to execute via the Devbox shell.
            shell_name: The name of the persistent shell to create or use; commands in one shell keep its working directory and exported environment, and run one at a time.
            attach_stdin: Whether to attach stdin streaming for async commands.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        return self.executions.execute_async(
            id,
            command=command,
            shell_name=shell_name,
            attach_stdin=attach_stdin,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
            idempotency_key=idempotency_key,
        )

    def execute_sync(
        self,
        id: str,
        *,
        command: str,
        shell_name: str | None = None,
        attach_stdin: bool | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
        idempotency_key: str | None = None,
    ) -> DevboxExecutionDetailView:
        """(Deprecated, please use /execute_async) Synchronously execute a shell command on a Devbox.

        The same operation as ``executions.execute_sync``.

        Deprecated by the API: calling it warns (``DeprecationWarning``). Use
        ``api.devboxes.executions.execute_async`` instead.

        ``POST /v1/devboxes/{id}/execute_sync`` (execSyncCommand).

        Args:
            id: The Devbox ID.
            command: The command to execute via the Devbox shell.
            shell_name: The name of the persistent shell to create or use; commands in one shell keep its working directory and exported environment, and run one at a time.
            attach_stdin: Whether to attach stdin streaming for async commands.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        return self.executions.execute_sync(
            id,
            command=command,
            shell_name=shell_name,
            attach_stdin=attach_stdin,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
            idempotency_key=idempotency_key,
        )

    def keep_alive(
        self,
        id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
        idempotency_key: str | None = None,
    ) -> EmptyRecord:
        """Reset the idle timer of a running Devbox.

        ``POST /v1/devboxes/{id}/keep_alive`` (keepAliveDevbox).

        Args:
            id: The Devbox ID.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        return self._client.request_json(
            "POST",
            f"/v1/devboxes/{path_param('id', id)}/keep_alive",
            cast_to=EmptyRecord,
            idempotent=False,
            extra_headers=extra_headers,
            timeout=timeout,
            idempotency_key=idempotency_key,
            query=extra_query,
            json=dict(extra_body) if extra_body else None,
        )

    def read_file_contents(
        self,
        id: str,
        *,
        file_path: str,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
        idempotency_key: str | None = None,
    ) -> str:
        """Read text file contents from Devbox filesystem.

        ``POST /v1/devboxes/{id}/read_file_contents`` (devboxReadFileContents).

        Args:
            id: The Devbox ID.
            file_path: The path on the Devbox filesystem to read the file from.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        return self._client.request_text(
            "POST",
            f"/v1/devboxes/{path_param('id', id)}/read_file_contents",
            idempotent=True,
            extra_headers=extra_headers,
            timeout=timeout,
            accept="text/plain",
            idempotency_key=idempotency_key,
            query=extra_query,
            json=clean_params({"file_path": file_path}, extra_body),
        )

    def remove_tunnel(
        self,
        id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
        idempotency_key: str | None = None,
    ) -> EmptyRecord:
        """Remove a tunnel from the Devbox.

        ``POST /v1/devboxes/{id}/remove_tunnel`` (removeDevboxTunnel).

        Args:
            id: The Devbox ID.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        return self._client.request_json(
            "POST",
            f"/v1/devboxes/{path_param('id', id)}/remove_tunnel",
            cast_to=EmptyRecord,
            idempotent=False,
            extra_headers=extra_headers,
            timeout=timeout,
            idempotency_key=idempotency_key,
            query=extra_query,
            json=dict(extra_body) if extra_body else None,
        )

    def resume(
        self,
        id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
        idempotency_key: str | None = None,
    ) -> DevboxView:
        """Resume a suspended Devbox.

        ``POST /v1/devboxes/{id}/resume`` (resumeDevbox).

        Args:
            id: The Devbox ID.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        return self._client.request_json(
            "POST",
            f"/v1/devboxes/{path_param('id', id)}/resume",
            cast_to=DevboxView,
            idempotent=False,
            extra_headers=extra_headers,
            timeout=timeout,
            idempotency_key=idempotency_key,
            query=extra_query,
            json=dict(extra_body) if extra_body else None,
        )

    def shutdown(
        self,
        id: str,
        *,
        force: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
        idempotency_key: str | None = None,
    ) -> DevboxView:
        """Shutdown a running Devbox.

        ``POST /v1/devboxes/{id}/shutdown`` (shutdownDevbox).

        Args:
            id: The Devbox ID.
            force: If true, force shutdown even if snapshots are in progress.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        return self._client.request_json(
            "POST",
            f"/v1/devboxes/{path_param('id', id)}/shutdown",
            cast_to=DevboxView,
            idempotent=True,
            extra_headers=extra_headers,
            timeout=timeout,
            idempotency_key=idempotency_key,
            query=clean_params({"force": force}, extra_query),
            json=dict(extra_body) if extra_body else None,
        )

    def snapshot_disk(
        self,
        id: str,
        *,
        commit_message: str | None = None,
        metadata: Mapping[str, str] | None = None,
        name: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
        idempotency_key: str | None = None,
    ) -> DevboxDiskSnapshotView:
        """Synchronously create a disk snapshot of a running Devbox.

        ``POST /v1/devboxes/{id}/snapshot_disk`` (createDiskSnapshot).

        Args:
            id: The Devbox ID.
            commit_message: (Optional) Commit message associated with the snapshot (max 1000 characters)
            metadata: (Optional) Metadata used to describe the snapshot
            name: (Optional) A user specified name to give the snapshot
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        return self._client.request_json(
            "POST",
            f"/v1/devboxes/{path_param('id', id)}/snapshot_disk",
            cast_to=DevboxDiskSnapshotView,
            idempotent=True,
            extra_headers=extra_headers,
            timeout=timeout,
            idempotency_key=idempotency_key,
            query=extra_query,
            json=clean_params(
                {"commit_message": commit_message, "metadata": metadata, "name": name}, extra_body
            ),
        )

    def snapshot_disk_async(
        self,
        id: str,
        *,
        commit_message: str | None = None,
        metadata: Mapping[str, str] | None = None,
        name: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
        idempotency_key: str | None = None,
    ) -> DevboxDiskSnapshotView:
        """Start an asynchronous disk snapshot of a running Devbox.

        ``POST /v1/devboxes/{id}/snapshot_disk_async`` (createDiskSnapshotAsync).

        Args:
            id: The Devbox ID.
            commit_message: (Optional) Commit message associated with the snapshot (max 1000 characters)
            metadata: (Optional) Metadata used to describe the snapshot
            name: (Optional) A user specified name to give the snapshot
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        return self._client.request_json(
            "POST",
            f"/v1/devboxes/{path_param('id', id)}/snapshot_disk_async",
            cast_to=DevboxDiskSnapshotView,
            idempotent=True,
            extra_headers=extra_headers,
            timeout=timeout,
            idempotency_key=idempotency_key,
            query=extra_query,
            json=clean_params(
                {"commit_message": commit_message, "metadata": metadata, "name": name}, extra_body
            ),
        )

    def suspend(
        self,
        id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
        idempotency_key: str | None = None,
    ) -> DevboxView:
        """Suspend a running Devbox.

        ``POST /v1/devboxes/{id}/suspend`` (suspendDevbox).

        Args:
            id: The Devbox ID.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        return self._client.request_json(
            "POST",
            f"/v1/devboxes/{path_param('id', id)}/suspend",
            cast_to=DevboxView,
            idempotent=False,
            extra_headers=extra_headers,
            timeout=timeout,
            idempotency_key=idempotency_key,
            query=extra_query,
            json=dict(extra_body) if extra_body else None,
        )

    def upload_file(
        self,
        id: str,
        *,
        path: str,
        file: FileInput,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
        idempotency_key: str | None = None,
    ) -> EmptyRecord:
        """Upload binary file contents to Devbox filesystem.

        ``POST /v1/devboxes/{id}/upload_file`` (devboxUploadFile).

        Args:
            id: The Devbox ID.
            path: The path to write the file to on the Devbox.
            file: See the API reference.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        with open_upload(file) as upload:
            return self._client.request_json(
                "POST",
                f"/v1/devboxes/{path_param('id', id)}/upload_file",
                cast_to=EmptyRecord,
                idempotent=True,
                extra_headers=extra_headers,
                timeout=timeout,
                idempotency_key=idempotency_key,
                query=extra_query,
                files={"file": upload},
                data=clean_params({"path": path}, extra_body),
            )

    def retrieve_resource_usage(
        self,
        id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
    ) -> DevboxResourceUsageView:
        """Get resource usage for a Devbox.

        ``GET /v1/devboxes/{id}/usage`` (getDevboxResourceUsage).

        Args:
            id: The Devbox ID.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
        """
        return self._client.request_json(
            "GET",
            f"/v1/devboxes/{path_param('id', id)}/usage",
            cast_to=DevboxResourceUsageView,
            idempotent=True,
            extra_headers=extra_headers,
            timeout=timeout,
            query=extra_query,
        )

    def wait_for_status(
        self,
        id: str,
        *,
        statuses: Sequence[DevboxViewStatus],
        timeout_seconds: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
        idempotency_key: str | None = None,
    ) -> DevboxView:
        """Wait for a Devbox to reach one of the specified statuses.

        Long-poll until the Devbox reaches one of the given statuses; returns 408 on timeout. In the
        official spec copy; the Python client only calls it from its await_running/await_suspended
        helpers.

        ``POST /v1/devboxes/{id}/wait_for_status`` (waitForDevboxStatus).

        Args:
            id: The Devbox ID.
            statuses: The Devbox statuses to wait for.
            timeout_seconds: (Optional) Timeout in seconds to wait for the status, up to 30 seconds.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        return self._client.request_json(
            "POST",
            f"/v1/devboxes/{path_param('id', id)}/wait_for_status",
            cast_to=DevboxView,
            idempotent=True,
            fallback_path=f"/v1/devboxes/{path_param('id', id)}",
            long_poll=True,
            long_poll_hold=timeout_seconds,
            extra_headers=extra_headers,
            timeout=timeout,
            idempotency_key=idempotency_key,
            query=extra_query,
            json=clean_params({"statuses": statuses, "timeout_seconds": timeout_seconds}, extra_body),
        )

    def write_file_contents(
        self,
        id: str,
        *,
        contents: str,
        file_path: str,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
        idempotency_key: str | None = None,
    ) -> DevboxExecutionDetailView:
        """Write text file contents to Devbox filesystem.

        ``POST /v1/devboxes/{id}/write_file_contents`` (devboxWriteFileContents).

        Args:
            id: The Devbox ID.
            contents: The UTF-8 string contents to write to the file.
            file_path: The path to write the file to on the Devbox.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        return self._client.request_json(
            "POST",
            f"/v1/devboxes/{path_param('id', id)}/write_file_contents",
            cast_to=DevboxExecutionDetailView,
            idempotent=True,
            extra_headers=extra_headers,
            timeout=timeout,
            idempotency_key=idempotency_key,
            query=extra_query,
            json=clean_params({"contents": contents, "file_path": file_path}, extra_body),
        )
