# Generated from runloop_api/_async/resources/pty.py by scripts/unasync.py. Do not edit.
"""Raw operations under ``api.pty``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import httpx

from ..._base.request import clean_params, path_param
from ...types import PtyConnectView, PtyControlAction, PtyControlResultView

if TYPE_CHECKING:
    from .._client_base import APIClient

__all__ = ["PtyResource"]


class PtyResource:
    """Operations under ``api.pty``."""

    def __init__(self, client: APIClient) -> None:
        self._client = client

    def connect(
        self,
        session_name: str,
        *,
        cols: int | None = None,
        rows: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
    ) -> PtyConnectView:
        """Create or reconnect to a PTY session.

        ``GET /pty/{session_name}`` (connectDevboxPtySession).

        Args:
            session_name: The client-chosen PTY session name.
            cols: Optional initial terminal width in character cells (1..=1000).
            rows: Optional initial terminal height in character cells (1..=1000).
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
        """
        return self._client.request_json(
            "GET",
            f"/pty/{path_param('session_name', session_name)}",
            cast_to=PtyConnectView,
            idempotent=True,
            extra_headers=extra_headers,
            timeout=timeout,
            query=clean_params({"cols": cols, "rows": rows}, extra_query),
        )

    def control(
        self,
        session_name: str,
        *,
        action: PtyControlAction | None = None,
        cols: int | None = None,
        rows: int | None = None,
        signal: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
        idempotency_key: str | None = None,
    ) -> PtyControlResultView:
        """Send a control command to a PTY session.

        ``POST /pty/{session_name}/control`` (controlDevboxPtySession).

        Args:
            session_name: The client-chosen PTY session name.
            action: See the API reference.
            cols: See the API reference.
            rows: See the API reference.
            signal: See the API reference.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        return self._client.request_json(
            "POST",
            f"/pty/{path_param('session_name', session_name)}/control",
            cast_to=PtyControlResultView,
            idempotent=False,
            extra_headers=extra_headers,
            timeout=timeout,
            idempotency_key=idempotency_key,
            query=extra_query,
            json=clean_params({"action": action, "cols": cols, "rows": rows, "signal": signal}, extra_body),
        )
