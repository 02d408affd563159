# Generated from runloop_api/_async/resources/devboxes_disk_snapshots.py by scripts/unasync.py. Do not edit.
"""Raw operations under ``api.devboxes.disk_snapshots``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import httpx

from ..._base.request import clean_params, path_param
from ...types import (
    DevboxDiskSnapshotListView,
    DevboxDiskSnapshotView,
    DevboxSnapshotAsyncStatusView,
    EmptyRecord,
    MetadataKeysView,
    MetadataValuesView,
)
from ..pagination import Page

if TYPE_CHECKING:
    from .._client_base import APIClient

__all__ = ["DiskSnapshotsResource"]


class DiskSnapshotsResource:
    """Operations under ``api.devboxes.disk_snapshots``."""

    def __init__(self, client: APIClient) -> None:
        self._client = client

    def list(
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
        return self._client.request_page(
            "/v1/devboxes/disk_snapshots",
            list_model=DevboxDiskSnapshotListView,
            items_field="snapshots",
            query=clean_params(
                {
                    "devbox_id": devbox_id,
                    "include_total_count": include_total_count,
                    "limit": limit,
                    "metadata[key]": metadata_key,
                    "metadata[key][in]": metadata_key_in,
                    "source_blueprint_id": source_blueprint_id,
                    "starting_after": starting_after,
                },
                extra_query,
            ),
            extra_headers=extra_headers,
            timeout=timeout,
        )

    def list_public(
        self,
        *,
        devbox_id: str | None = None,
        source_blueprint_id: str | None = None,
        metadata_key: str | None = None,
        metadata_key_in: str | None = None,
        limit: int | None = None,
        starting_after: str | None = None,
        include_total_count: bool | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
    ) -> Page[DevboxDiskSnapshotView]:
        """List public disk snapshots.

        Present in the official spec copy; not exposed by the Python client (3.0.0 / 1.29.0).

        ``GET /v1/devboxes/disk_snapshots/list_public`` (listPublicSnapshots).

        Args:
            devbox_id: Devbox ID to filter by.
            source_blueprint_id: Source Blueprint ID to filter snapshots by.
            metadata_key: Filter snapshots by metadata key-value pair.
            metadata_key_in: Filter snapshots by metadata key with multiple possible values (OR condition).
            limit: The limit of items to return.
            starting_after: Load the next page of data starting after the item with the given ID.
            include_total_count: If true (default), includes total_count in the response.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
        """
        return self._client.request_page(
            "/v1/devboxes/disk_snapshots/list_public",
            list_model=DevboxDiskSnapshotListView,
            items_field="snapshots",
            query=clean_params(
                {
                    "devbox_id": devbox_id,
                    "source_blueprint_id": source_blueprint_id,
                    "metadata[key]": metadata_key,
                    "metadata[key][in]": metadata_key_in,
                    "limit": limit,
                    "starting_after": starting_after,
                    "include_total_count": include_total_count,
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
        """List available snapshot metadata keys.

        Present in the official spec copy; not exposed by the Python client (3.0.0 / 1.29.0).

        ``GET /v1/devboxes/disk_snapshots/metadata/keys`` (getSnapshotMetadataKeys).

        Args:
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
        """
        return self._client.request_json(
            "GET",
            "/v1/devboxes/disk_snapshots/metadata/keys",
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
        """List values for a specific snapshot metadata key.

        Present in the official spec copy; not exposed by the Python client (3.0.0 / 1.29.0).

        ``GET /v1/devboxes/disk_snapshots/metadata/keys/{key}/values`` (getSnapshotMetadataValues).

        Args:
            key: The metadata key to get values for.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
        """
        return self._client.request_json(
            "GET",
            f"/v1/devboxes/disk_snapshots/metadata/keys/{path_param('key', key)}/values",
            cast_to=MetadataValuesView,
            idempotent=True,
            extra_headers=extra_headers,
            timeout=timeout,
            query=extra_query,
        )

    def public_metadata_keys(
        self,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
    ) -> MetadataKeysView:
        """List available public snapshot metadata keys.

        Present in the official spec copy; not exposed by the Python client (3.0.0 / 1.29.0).

        ``GET /v1/devboxes/disk_snapshots/public/metadata/keys`` (getPublicSnapshotMetadataKeys).

        Args:
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
        """
        return self._client.request_json(
            "GET",
            "/v1/devboxes/disk_snapshots/public/metadata/keys",
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
        """List values for a specific public snapshot metadata key.

        Present in the official spec copy; not exposed by the Python client (3.0.0 / 1.29.0).

        ``GET /v1/devboxes/disk_snapshots/public/metadata/keys/{key}/values``
        (getPublicSnapshotMetadataValues).

        Args:
            key: The metadata key to get values for from public snapshots.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
        """
        return self._client.request_json(
            "GET",
            f"/v1/devboxes/disk_snapshots/public/metadata/keys/{path_param('key', key)}/values",
            cast_to=MetadataValuesView,
            idempotent=True,
            extra_headers=extra_headers,
            timeout=timeout,
            query=extra_query,
        )

    def update(
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
        """Update metadata of Disk Snapshot.

        ``POST /v1/devboxes/disk_snapshots/{id}`` (updateDiskSnapshot).

        Args:
            id: The Snapshot ID.
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
            f"/v1/devboxes/disk_snapshots/{path_param('id', id)}",
            cast_to=DevboxDiskSnapshotView,
            idempotent=False,
            extra_headers=extra_headers,
            timeout=timeout,
            idempotency_key=idempotency_key,
            query=extra_query,
            json=clean_params(
                {"commit_message": commit_message, "metadata": metadata, "name": name}, extra_body
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
    ) -> EmptyRecord:
        """Delete a disk snapshot of a Devbox.

        ``POST /v1/devboxes/disk_snapshots/{id}/delete`` (deleteSnapshot).

        Args:
            id: The ID of the snapshot.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        return self._client.request_json(
            "POST",
            f"/v1/devboxes/disk_snapshots/{path_param('id', id)}/delete",
            cast_to=EmptyRecord,
            idempotent=False,
            extra_headers=extra_headers,
            timeout=timeout,
            idempotency_key=idempotency_key,
            query=extra_query,
            json=dict(extra_body) if extra_body else None,
        )

    def query_status(
        self,
        id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
    ) -> DevboxSnapshotAsyncStatusView:
        """Query the status of an asynchronous disk snapshot.

        ``GET /v1/devboxes/disk_snapshots/{id}/status`` (queryDiskSnapshotAsync).

        Args:
            id: The Snapshot ID.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
        """
        return self._client.request_json(
            "GET",
            f"/v1/devboxes/disk_snapshots/{path_param('id', id)}/status",
            cast_to=DevboxSnapshotAsyncStatusView,
            idempotent=True,
            extra_headers=extra_headers,
            timeout=timeout,
            query=extra_query,
        )
