# Generated from runloop_api/_async/resources/devboxes_logs.py by scripts/unasync.py. Do not edit.
"""Raw operations under ``api.devboxes.logs``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import httpx

from ..._base.request import clean_params, path_param
from ...types import DevboxLogsListView

if TYPE_CHECKING:
    from .._client_base import APIClient

__all__ = ["LogsResource"]


class LogsResource:
    """Operations under ``api.devboxes.logs``."""

    def __init__(self, client: APIClient) -> None:
        self._client = client

    def list(
        self,
        id: str,
        *,
        execution_id: str | None = None,
        shell_name: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
    ) -> DevboxLogsListView:
        """Get Devbox logs.

        ``GET /v1/devboxes/{id}/logs`` (listDevboxLogs).

        Args:
            id: The Devbox ID.
            execution_id: ID of execution to filter logs by.
            shell_name: Shell name to filter logs by.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
        """
        return self._client.request_json(
            "GET",
            f"/v1/devboxes/{path_param('id', id)}/logs",
            cast_to=DevboxLogsListView,
            idempotent=True,
            extra_headers=extra_headers,
            timeout=timeout,
            query=clean_params({"execution_id": execution_id, "shell_name": shell_name}, extra_query),
        )

    def tail(
        self,
        id: str,
        *,
        execution_id: str | None = None,
        shell_name: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
    ) -> str:
        """Live Tail Devbox Logs.

        Present in the official spec copy without a response body schema; not exposed by the Python
        client since 2024.

        ``GET /v1/devboxes/{id}/logs/tail`` (tailDevboxLogs).

        Args:
            id: The Devbox ID.
            execution_id: ID of execution to filter logs by.
            shell_name: Shell Name to filter logs by.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
        """
        return self._client.request_text(
            "GET",
            f"/v1/devboxes/{path_param('id', id)}/logs/tail",
            idempotent=True,
            extra_headers=extra_headers,
            timeout=timeout,
            accept="*/*",
            query=clean_params({"execution_id": execution_id, "shell_name": shell_name}, extra_query),
        )
