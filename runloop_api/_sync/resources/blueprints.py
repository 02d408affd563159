# Generated from runloop_api/_async/resources/blueprints.py by scripts/unasync.py. Do not edit.
"""Raw operations under ``api.blueprints``."""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import httpx

from ..._base.request import clean_params, path_param
from ...types import (
    BlueprintBuildLogsListView,
    BlueprintListView,
    BlueprintPreviewView,
    BlueprintView,
    BuildContext,
    CodeMountParameters,
    ContainerizedServiceView,
    EmptyRecord,
    LaunchParameters,
    MetadataKeysView,
    MetadataValuesView,
)
from ..pagination import Page

if TYPE_CHECKING:
    from .._client_base import APIClient

__all__ = ["BlueprintsResource"]


class BlueprintsResource:
    """Operations under ``api.blueprints``."""

    def __init__(self, client: APIClient) -> None:
        self._client = client

    def list(
        self,
        *,
        include_total_count: bool | None = None,
        limit: int | None = None,
        name: str | None = None,
        starting_after: str | None = None,
        status: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
    ) -> Page[BlueprintView]:
        """List Blueprints.

        ``GET /v1/blueprints`` (listImages).

        Args:
            include_total_count: If true (default), includes total_count in the response.
            limit: The limit of items to return.
            name: Filter by name
            starting_after: Load the next page of data starting after the item with the given ID.
            status: Filter by build status (queued, provisioning, building, failed, build_complete)
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
        """
        return self._client.request_page(
            "/v1/blueprints",
            list_model=BlueprintListView,
            items_field="blueprints",
            query=clean_params(
                {
                    "include_total_count": include_total_count,
                    "limit": limit,
                    "name": name,
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
        name: str,
        base_blueprint_id: str | None = None,
        base_blueprint_name: str | None = None,
        build_args: Mapping[str, str] | None = None,
        build_context: BuildContext | dict[str, Any] | None = None,
        code_mounts: Sequence[CodeMountParameters | dict[str, Any]] | None = None,
        dockerfile: str | None = None,
        file_mounts: Mapping[str, str] | None = None,
        launch_parameters: LaunchParameters | dict[str, Any] | None = None,
        metadata: Mapping[str, str] | None = None,
        network_policy_id: str | None = None,
        secrets: Mapping[str, str] | None = None,
        services: Sequence[ContainerizedServiceView | dict[str, Any]] | None = None,
        system_setup_commands: Sequence[str] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
        idempotency_key: str | None = None,
    ) -> BlueprintView:
        """Create and build a Blueprint.

        ``POST /v1/blueprints`` (createBlueprint).

        Args:
            name: Name of the Blueprint.
            base_blueprint_id: (Optional) ID of previously built blueprint to use as a base blueprint for this build.
            base_blueprint_name: (Optional) Name of previously built blueprint to use as a base blueprint for this build.
            build_args: (Optional) Arbitrary Docker build args to pass during build.
            build_context: A build context backed by an Object.
            code_mounts: A list of code mounts to be included in the Blueprint.
            dockerfile: Dockerfile contents to be used to build the Blueprint.
            file_mounts: (Optional) Map of paths and file contents to write before setup.
            launch_parameters: LaunchParameters enable you to customize the resources available to your Devbox as well as the environment set up that should be completed before the Devbox is marked as 'running'.
            metadata: (Optional) User defined metadata for the Blueprint.
            network_policy_id: (Optional) ID of the network policy to apply during blueprint build.
            secrets: (Optional) Map of mount IDs/environment variable names to secret names.
            services: (Optional) List of containerized services to include in the Blueprint.
            system_setup_commands: A list of commands to run to set up your system.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        return self._client.request_json(
            "POST",
            "/v1/blueprints",
            cast_to=BlueprintView,
            idempotent=True,
            extra_headers=extra_headers,
            timeout=timeout,
            idempotency_key=idempotency_key,
            query=extra_query,
            json=clean_params(
                {
                    "name": name,
                    "base_blueprint_id": base_blueprint_id,
                    "base_blueprint_name": base_blueprint_name,
                    "build_args": build_args,
                    "build_context": build_context,
                    "code_mounts": code_mounts,
                    "dockerfile": dockerfile,
                    "file_mounts": file_mounts,
                    "launch_parameters": launch_parameters,
                    "metadata": metadata,
                    "network_policy_id": network_policy_id,
                    "secrets": secrets,
                    "services": services,
                    "system_setup_commands": system_setup_commands,
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
        starting_after: str | None = None,
        status: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
    ) -> Page[BlueprintView]:
        """List Public Blueprints.

        ``GET /v1/blueprints/list_public`` (listPublicBlueprints).

        Args:
            include_total_count: If true (default), includes total_count in the response.
            limit: The limit of items to return.
            name: Filter by name
            starting_after: Load the next page of data starting after the item with the given ID.
            status: Filter by build status (queued, provisioning, building, failed, build_complete)
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
        """
        return self._client.request_page(
            "/v1/blueprints/list_public",
            list_model=BlueprintListView,
            items_field="blueprints",
            query=clean_params(
                {
                    "include_total_count": include_total_count,
                    "limit": limit,
                    "name": name,
                    "starting_after": starting_after,
                    "status": status,
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
        """List available blueprint metadata keys.

        Present in the official spec copy; not exposed by the Python client (3.0.0 / 1.29.0).

        ``GET /v1/blueprints/metadata/keys`` (getBlueprintMetadataKeys).

        Args:
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
        """
        return self._client.request_json(
            "GET",
            "/v1/blueprints/metadata/keys",
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
        """List values for a specific blueprint metadata key.

        Present in the official spec copy; not exposed by the Python client (3.0.0 / 1.29.0).

        ``GET /v1/blueprints/metadata/keys/{key}/values`` (getBlueprintMetadataValues).

        Args:
            key: The metadata key to get values for.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
        """
        return self._client.request_json(
            "GET",
            f"/v1/blueprints/metadata/keys/{path_param('key', key)}/values",
            cast_to=MetadataValuesView,
            idempotent=True,
            extra_headers=extra_headers,
            timeout=timeout,
            query=extra_query,
        )

    def preview(
        self,
        *,
        name: str,
        base_blueprint_id: str | None = None,
        base_blueprint_name: str | None = None,
        build_args: Mapping[str, str] | None = None,
        build_context: BuildContext | dict[str, Any] | None = None,
        code_mounts: Sequence[CodeMountParameters | dict[str, Any]] | None = None,
        dockerfile: str | None = None,
        file_mounts: Mapping[str, str] | None = None,
        launch_parameters: LaunchParameters | dict[str, Any] | None = None,
        metadata: Mapping[str, str] | None = None,
        network_policy_id: str | None = None,
        secrets: Mapping[str, str] | None = None,
        services: Sequence[ContainerizedServiceView | dict[str, Any]] | None = None,
        system_setup_commands: Sequence[str] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
        idempotency_key: str | None = None,
    ) -> BlueprintPreviewView:
        """Preview Dockerfile definition for a Blueprint.

        Deprecated by the API: calling it warns (``DeprecationWarning``).

        ``POST /v1/blueprints/preview`` (previewImage).

        Args:
            name: Name of the Blueprint.
            base_blueprint_id: (Optional) ID of previously built blueprint to use as a base blueprint for this build.
            base_blueprint_name: (Optional) Name of previously built blueprint to use as a base blueprint for this build.
            build_args: (Optional) Arbitrary Docker build args to pass during build.
            build_context: A build context backed by an Object.
            code_mounts: A list of code mounts to be included in the Blueprint.
            dockerfile: Dockerfile contents to be used to build the Blueprint.
            file_mounts: (Optional) Map of paths and file contents to write before setup.
            launch_parameters: LaunchParameters enable you to customize the resources available to your Devbox as well as the environment set up that should be completed before the Devbox is marked as 'running'.
            metadata: (Optional) User defined metadata for the Blueprint.
            network_policy_id: (Optional) ID of the network policy to apply during blueprint build.
            secrets: (Optional) Map of mount IDs/environment variable names to secret names.
            services: (Optional) List of containerized services to include in the Blueprint.
            system_setup_commands: A list of commands to run to set up your system.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        warnings.warn(
            "api.blueprints.preview (previewImage) is deprecated by the API", DeprecationWarning, stacklevel=2
        )
        return self._client.request_json(
            "POST",
            "/v1/blueprints/preview",
            cast_to=BlueprintPreviewView,
            idempotent=True,
            extra_headers=extra_headers,
            timeout=timeout,
            idempotency_key=idempotency_key,
            query=extra_query,
            json=clean_params(
                {
                    "name": name,
                    "base_blueprint_id": base_blueprint_id,
                    "base_blueprint_name": base_blueprint_name,
                    "build_args": build_args,
                    "build_context": build_context,
                    "code_mounts": code_mounts,
                    "dockerfile": dockerfile,
                    "file_mounts": file_mounts,
                    "launch_parameters": launch_parameters,
                    "metadata": metadata,
                    "network_policy_id": network_policy_id,
                    "secrets": secrets,
                    "services": services,
                    "system_setup_commands": system_setup_commands,
                },
                extra_body,
            ),
        )

    def public_metadata_keys(
        self,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
    ) -> MetadataKeysView:
        """List available public blueprint metadata keys.

        Present in the official spec copy; not exposed by the Python client (3.0.0 / 1.29.0).

        ``GET /v1/blueprints/public/metadata/keys`` (getPublicBlueprintMetadataKeys).

        Args:
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
        """
        return self._client.request_json(
            "GET",
            "/v1/blueprints/public/metadata/keys",
            cast_to=MetadataKeysView,
            idempotent=True,
            extra_headers=extra_headers,
            timeout=timeout,
            query=extra_query,
        )

    def public_metadata_values(
        self,
        key: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
    ) -> MetadataValuesView:
        """List values for a specific public blueprint metadata key.

        Present in the official spec copy; not exposed by the Python client (3.0.0 / 1.29.0).

        ``GET /v1/blueprints/public/metadata/keys/{key}/values`` (getPublicBlueprintMetadataValues).

        Args:
            key: The metadata key to get values for from public blueprints.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
        """
        return self._client.request_json(
            "GET",
            f"/v1/blueprints/public/metadata/keys/{path_param('key', key)}/values",
            cast_to=MetadataValuesView,
            idempotent=True,
            extra_headers=extra_headers,
            timeout=timeout,
            query=extra_query,
        )

    def retrieve(
        self,
        id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
    ) -> BlueprintView:
        """Get a Blueprint.

        ``GET /v1/blueprints/{id}`` (getBlueprint).

        Args:
            id: The ID of the Blueprint
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
        """
        return self._client.request_json(
            "GET",
            f"/v1/blueprints/{path_param('id', id)}",
            cast_to=BlueprintView,
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
        """Delete a Blueprint.

        ``POST /v1/blueprints/{id}/delete`` (deleteBlueprint).

        Args:
            id: The ID of the Blueprint
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        return self._client.request_json(
            "POST",
            f"/v1/blueprints/{path_param('id', id)}/delete",
            cast_to=EmptyRecord,
            idempotent=False,
            extra_headers=extra_headers,
            timeout=timeout,
            idempotency_key=idempotency_key,
            query=extra_query,
            json=dict(extra_body) if extra_body else None,
        )

    def logs(
        self,
        id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
    ) -> BlueprintBuildLogsListView:
        """Get Blueprint build logs.

        ``GET /v1/blueprints/{id}/logs`` (blueprintLogs).

        Args:
            id: The ID of the Blueprint
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
        """
        return self._client.request_json(
            "GET",
            f"/v1/blueprints/{path_param('id', id)}/logs",
            cast_to=BlueprintBuildLogsListView,
            idempotent=True,
            extra_headers=extra_headers,
            timeout=timeout,
            query=extra_query,
        )
