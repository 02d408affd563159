# Generated from runloop_api/_async/resources/objects.py by scripts/unasync.py. Do not edit.
"""Raw operations under ``api.objects``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import httpx

from ..._base.request import clean_params, path_param
from ...types import (
    ContentType,
    MetadataKeysView,
    MetadataValuesView,
    ObjectDownloadUrlView,
    ObjectListView,
    ObjectState,
    ObjectView,
)
from ..pagination import Page

if TYPE_CHECKING:
    from .._client_base import APIClient

__all__ = ["ObjectsResource"]


class ObjectsResource:
    """Operations under ``api.objects``."""

    def __init__(self, client: APIClient) -> None:
        self._client = client

    def list(
        self,
        *,
        content_type: ContentType | None = None,
        include_total_count: bool | None = None,
        limit: int | None = None,
        name: str | None = None,
        search: str | None = None,
        starting_after: str | None = None,
        state: ObjectState | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
    ) -> Page[ObjectView]:
        """List Objects.

        ``GET /v1/objects`` (listObjects).

        Args:
            content_type: Filter storage objects by content type.
            include_total_count: If true (default), includes total_count in the response.
            limit: The limit of items to return.
            name: Filter storage objects by name (partial match supported).
            search: Search by object ID or name.
            starting_after: Load the next page of data starting after the item with the given ID.
            state: Filter storage objects by state.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
        """
        return self._client.request_page(
            "/v1/objects",
            list_model=ObjectListView,
            items_field="objects",
            query=clean_params(
                {
                    "content_type": content_type,
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

    def create(
        self,
        *,
        content_type: ContentType,
        name: str,
        metadata: Mapping[str, str] | None = None,
        ttl_ms: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
        idempotency_key: str | None = None,
    ) -> ObjectView:
        """Create an Object.

        ``POST /v1/objects`` (createObject).

        Args:
            content_type: The content type of the Object.
            name: The name of the Object.
            metadata: User defined metadata to attach to the object for organization.
            ttl_ms: Optional lifetime of the object in milliseconds, after which the object is automatically deleted.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        return self._client.request_json(
            "POST",
            "/v1/objects",
            cast_to=ObjectView,
            idempotent=True,
            extra_headers=extra_headers,
            timeout=timeout,
            idempotency_key=idempotency_key,
            query=extra_query,
            json=clean_params(
                {"content_type": content_type, "name": name, "metadata": metadata, "ttl_ms": ttl_ms},
                extra_body,
            ),
        )

    def list_public(
        self,
        *,
        content_type: ContentType | None = None,
        include_total_count: bool | None = None,
        limit: int | None = None,
        name: str | None = None,
        search: str | None = None,
        starting_after: str | None = None,
        state: ObjectState | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
    ) -> Page[ObjectView]:
        """List Public Objects.

        ``GET /v1/objects/list_public`` (listPublicObjects).

        Args:
            content_type: Filter storage objects by content type.
            include_total_count: If true (default), includes total_count in the response.
            limit: The limit of items to return.
            name: Filter storage objects by name (partial match supported).
            search: Search by object ID or name.
            starting_after: Load the next page of data starting after the item with the given ID.
            state: Filter storage objects by state.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
        """
        return self._client.request_page(
            "/v1/objects/list_public",
            list_model=ObjectListView,
            items_field="objects",
            query=clean_params(
                {
                    "content_type": content_type,
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

    def metadata_keys(
        self,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
    ) -> MetadataKeysView:
        """List available object metadata keys.

        Present in the official spec copy; not exposed by the Python client (3.0.0 / 1.29.0).

        ``GET /v1/objects/metadata/keys`` (getObjectMetadataKeys).

        Args:
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
        """
        return self._client.request_json(
            "GET",
            "/v1/objects/metadata/keys",
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
        """List values for a specific object metadata key.

        Present in the official spec copy; not exposed by the Python client (3.0.0 / 1.29.0).

        ``GET /v1/objects/metadata/keys/{key}/values`` (getObjectMetadataValues).

        Args:
            key: The metadata key to get values for.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
        """
        return self._client.request_json(
            "GET",
            f"/v1/objects/metadata/keys/{path_param('key', key)}/values",
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
    ) -> ObjectView:
        """Get an Object.

        ``GET /v1/objects/{id}`` (getObject).

        Args:
            id: The unique identifier of the Object to retrieve.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
        """
        return self._client.request_json(
            "GET",
            f"/v1/objects/{path_param('id', id)}",
            cast_to=ObjectView,
            idempotent=True,
            extra_headers=extra_headers,
            timeout=timeout,
            query=extra_query,
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
    ) -> ObjectView:
        """Complete Object Upload.

        ``POST /v1/objects/{id}/complete`` (completeObject).

        Args:
            id: The unique identifier of the Object to complete.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        return self._client.request_json(
            "POST",
            f"/v1/objects/{path_param('id', id)}/complete",
            cast_to=ObjectView,
            idempotent=False,
            extra_headers=extra_headers,
            timeout=timeout,
            idempotency_key=idempotency_key,
            query=extra_query,
            json=dict(extra_body) if extra_body else None,
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
    ) -> ObjectView:
        """Delete an Object.

        ``POST /v1/objects/{id}/delete`` (deleteObject).

        Args:
            id: The unique identifier of the Object to delete.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        return self._client.request_json(
            "POST",
            f"/v1/objects/{path_param('id', id)}/delete",
            cast_to=ObjectView,
            idempotent=False,
            extra_headers=extra_headers,
            timeout=timeout,
            idempotency_key=idempotency_key,
            query=extra_query,
            json=dict(extra_body) if extra_body else None,
        )

    def download(
        self,
        id: str,
        *,
        duration_seconds: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
    ) -> ObjectDownloadUrlView:
        """Generate Download URL for Object.

        ``GET /v1/objects/{id}/download`` (generateDownloadUrl).

        Args:
            id: The unique identifier of the Object to generate download URL for.
            duration_seconds: Duration in seconds for the presigned URL validity (default: 3600).
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
        """
        return self._client.request_json(
            "GET",
            f"/v1/objects/{path_param('id', id)}/download",
            cast_to=ObjectDownloadUrlView,
            idempotent=True,
            extra_headers=extra_headers,
            timeout=timeout,
            query=clean_params({"duration_seconds": duration_seconds}, extra_query),
        )
