# Generated from runloop_api/_async/resources/devboxes_computers.py by scripts/unasync.py. Do not edit.
"""Raw operations under ``api.devboxes.computers``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

import httpx

from ..._base.request import clean_params, path_param
from ...types import (
    ComputerCoordinate,
    ComputerDisplayDimensions,
    ComputerKeyboardInteractionResponse,
    ComputerMouseInteractionResponse,
    ComputerScreenInteractionResponse,
    ComputerView,
)

if TYPE_CHECKING:
    from .._client_base import APIClient

__all__ = ["ComputersResource"]


class ComputersResource:
    """Operations under ``api.devboxes.computers``."""

    def __init__(self, client: APIClient) -> None:
        self._client = client

    def create(
        self,
        *,
        display_dimensions: ComputerDisplayDimensions | dict[str, Any] | None = None,
        name: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
        idempotency_key: str | None = None,
    ) -> ComputerView:
        """Create a Computer and begin the boot process.

        Computer endpoints were removed from the Python client in 1.16.0 (April 2026); reconstructed
        from client 1.15.0. Treat as legacy.

        ``POST /v1/devboxes/computers`` (createComputer).

        Args:
            display_dimensions: Customize the dimensions of the computer display.
            name: The name to use for the created computer.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        return self._client.request_json(
            "POST",
            "/v1/devboxes/computers",
            cast_to=ComputerView,
            idempotent=False,
            extra_headers=extra_headers,
            timeout=timeout,
            idempotency_key=idempotency_key,
            query=extra_query,
            json=clean_params({"display_dimensions": display_dimensions, "name": name}, extra_body),
        )

    def retrieve(
        self,
        id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
    ) -> ComputerView:
        """Get Computer details.

        Computer endpoints were removed from the Python client in 1.16.0 (April 2026); reconstructed
        from client 1.15.0. Treat as legacy.

        ``GET /v1/devboxes/computers/{id}`` (retrieveComputer).

        Args:
            id: The Computer ID.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
        """
        return self._client.request_json(
            "GET",
            f"/v1/devboxes/computers/{path_param('id', id)}",
            cast_to=ComputerView,
            idempotent=True,
            extra_headers=extra_headers,
            timeout=timeout,
            query=extra_query,
        )

    def keyboard_interaction(
        self,
        id: str,
        *,
        action: Literal["key", "type"],
        text: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
        idempotency_key: str | None = None,
    ) -> ComputerKeyboardInteractionResponse:
        """Perform a keyboard action (key, type) on a Computer.

        Computer endpoints were removed from the Python client in 1.16.0 (April 2026); reconstructed
        from client 1.15.0. Treat as legacy.

        ``POST /v1/devboxes/computers/{id}/keyboard_interaction`` (keyboardInteraction).

        Args:
            id: The Computer ID.
            action: The keyboard action to perform.
            text: The text to type or the key (with optional modifier) to press.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        return self._client.request_json(
            "POST",
            f"/v1/devboxes/computers/{path_param('id', id)}/keyboard_interaction",
            cast_to=ComputerKeyboardInteractionResponse,
            idempotent=False,
            extra_headers=extra_headers,
            timeout=timeout,
            idempotency_key=idempotency_key,
            query=extra_query,
            json=clean_params({"action": action, "text": text}, extra_body),
        )

    def mouse_interaction(
        self,
        id: str,
        *,
        action: Literal[
            "mouse_move", "left_click", "left_click_drag", "right_click", "middle_click", "double_click"
        ],
        coordinate: ComputerCoordinate | dict[str, Any] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
        idempotency_key: str | None = None,
    ) -> ComputerMouseInteractionResponse:
        """Perform a mouse action on a Computer.

        Computer endpoints were removed from the Python client in 1.16.0 (April 2026); reconstructed
        from client 1.15.0. Treat as legacy.

        ``POST /v1/devboxes/computers/{id}/mouse_interaction`` (mouseInteraction).

        Args:
            id: The Computer ID.
            action: The mouse action to perform.
            coordinate: The x (pixels from the left) and y (pixels from the top) coordinates for the mouse to move or click-drag.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        return self._client.request_json(
            "POST",
            f"/v1/devboxes/computers/{path_param('id', id)}/mouse_interaction",
            cast_to=ComputerMouseInteractionResponse,
            idempotent=False,
            extra_headers=extra_headers,
            timeout=timeout,
            idempotency_key=idempotency_key,
            query=extra_query,
            json=clean_params({"action": action, "coordinate": coordinate}, extra_body),
        )

    def screen_interaction(
        self,
        id: str,
        *,
        action: Literal["screenshot", "cursor_position"],
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
        idempotency_key: str | None = None,
    ) -> ComputerScreenInteractionResponse:
        """Take a screenshot or read the cursor position of a Computer.

        Computer endpoints were removed from the Python client in 1.16.0 (April 2026); reconstructed
        from client 1.15.0. Treat as legacy.

        ``POST /v1/devboxes/computers/{id}/screen_interaction`` (screenInteraction).

        Args:
            id: The Computer ID.
            action: The screen action to perform.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        return self._client.request_json(
            "POST",
            f"/v1/devboxes/computers/{path_param('id', id)}/screen_interaction",
            cast_to=ComputerScreenInteractionResponse,
            idempotent=False,
            extra_headers=extra_headers,
            timeout=timeout,
            idempotency_key=idempotency_key,
            query=extra_query,
            json=clean_params({"action": action}, extra_body),
        )
