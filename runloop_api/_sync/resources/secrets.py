# Generated from runloop_api/_async/resources/secrets.py by scripts/unasync.py. Do not edit.
"""Raw operations under ``api.secrets``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import httpx

from ..._base.request import clean_params, path_param
from ...types import SecretListView, SecretView

if TYPE_CHECKING:
    from .._client_base import APIClient

__all__ = ["SecretsResource"]


class SecretsResource:
    """Operations under ``api.secrets``."""

    def __init__(self, client: APIClient) -> None:
        self._client = client

    def list(
        self,
        *,
        limit: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
    ) -> SecretListView:
        """List Secrets.

        ``GET /v1/secrets`` (listSecrets).

        Args:
            limit: The limit of items to return.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
        """
        return self._client.request_json(
            "GET",
            "/v1/secrets",
            cast_to=SecretListView,
            idempotent=True,
            extra_headers=extra_headers,
            timeout=timeout,
            query=clean_params({"limit": limit}, extra_query),
        )

    def create(
        self,
        *,
        name: str,
        value: str,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
        idempotency_key: str | None = None,
    ) -> SecretView:
        """Create a Secret.

        ``POST /v1/secrets`` (createSecret).

        Args:
            name: The name for the Secret.
            value: The value to store for this Secret.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        return self._client.request_json(
            "POST",
            "/v1/secrets",
            cast_to=SecretView,
            idempotent=True,
            extra_headers=extra_headers,
            timeout=timeout,
            idempotency_key=idempotency_key,
            query=extra_query,
            json=clean_params({"name": name, "value": value}, extra_body),
        )

    def retrieve_by_id(
        self,
        id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
    ) -> SecretView:
        """Retrieve a Secret by ID.

        Exposed by Python client 3.0.0; absent from the older spec copy. Shapes come from the client
        types.

        ``GET /v1/secrets/id/{id}`` (retrieveSecretById).

        Args:
            id: The Secret ID.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
        """
        return self._client.request_json(
            "GET",
            f"/v1/secrets/id/{path_param('id', id)}",
            cast_to=SecretView,
            idempotent=True,
            extra_headers=extra_headers,
            timeout=timeout,
            query=extra_query,
        )

    def delete_by_id(
        self,
        id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
        idempotency_key: str | None = None,
    ) -> SecretView:
        """Delete an existing Secret by ID.

        Exposed by Python client 3.0.0; absent from the older spec copy. Shapes come from the client
        types.

        ``POST /v1/secrets/id/{id}/delete`` (deleteSecretById).

        Args:
            id: The Secret ID.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        return self._client.request_json(
            "POST",
            f"/v1/secrets/id/{path_param('id', id)}/delete",
            cast_to=SecretView,
            idempotent=False,
            extra_headers=extra_headers,
            timeout=timeout,
            idempotency_key=idempotency_key,
            query=extra_query,
            json=dict(extra_body) if extra_body else None,
        )

    def update_by_id(
        self,
        id: str,
        *,
        value: str,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
        idempotency_key: str | None = None,
    ) -> SecretView:
        """Update the value of an existing Secret by ID.

        Exposed by Python client 3.0.0; absent from the older spec copy. Shapes come from the client
        types.

        ``POST /v1/secrets/id/{id}/update`` (updateSecretById).

        Args:
            id: The Secret ID.
            value: The new value for the Secret.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        return self._client.request_json(
            "POST",
            f"/v1/secrets/id/{path_param('id', id)}/update",
            cast_to=SecretView,
            idempotent=False,
            extra_headers=extra_headers,
            timeout=timeout,
            idempotency_key=idempotency_key,
            query=extra_query,
            json=clean_params({"value": value}, extra_body),
        )

    def retrieve(
        self,
        name: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
    ) -> SecretView:
        """Get a Secret.

        ``GET /v1/secrets/{name}`` (getSecret).

        Args:
            name: The name of the Secret to retrieve.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
        """
        return self._client.request_json(
            "GET",
            f"/v1/secrets/{path_param('name', name)}",
            cast_to=SecretView,
            idempotent=True,
            extra_headers=extra_headers,
            timeout=timeout,
            query=extra_query,
        )

    def update(
        self,
        name: str,
        *,
        value: str,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
        idempotency_key: str | None = None,
    ) -> SecretView:
        """Update a Secret.

        ``POST /v1/secrets/{name}`` (updateSecret).

        Args:
            name: The name of the Secret to update.
            value: The new value for the Secret.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        return self._client.request_json(
            "POST",
            f"/v1/secrets/{path_param('name', name)}",
            cast_to=SecretView,
            idempotent=False,
            extra_headers=extra_headers,
            timeout=timeout,
            idempotency_key=idempotency_key,
            query=extra_query,
            json=clean_params({"value": value}, extra_body),
        )

    def delete(
        self,
        name: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
        idempotency_key: str | None = None,
    ) -> SecretView:
        """Delete a Secret.

        ``POST /v1/secrets/{name}/delete`` (deleteSecret).

        Args:
            name: The name of the Secret to delete.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        return self._client.request_json(
            "POST",
            f"/v1/secrets/{path_param('name', name)}/delete",
            cast_to=SecretView,
            idempotent=False,
            extra_headers=extra_headers,
            timeout=timeout,
            idempotency_key=idempotency_key,
            query=extra_query,
            json=dict(extra_body) if extra_body else None,
        )
