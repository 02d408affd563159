"""``AsyncComputer``: a devbox with a desktop, driven by keyboard, mouse and screenshots."""

from __future__ import annotations

import base64
import os
from pathlib import Path
from typing import Literal

from runloop_api.types import (
    ComputerKeyboardInteractionResponse,
    ComputerMouseInteractionResponse,
    ComputerView,
)

from .._base.urls import parse_cursor_position
from ._context import AsyncClientContext
from .devbox import AsyncDevbox

__all__ = ["AsyncComputer", "MouseAction"]

MouseAction = Literal[
    "mouse_move", "left_click", "left_click_drag", "right_click", "middle_click", "double_click"
]


class AsyncComputer:
    """A computer: a devbox running a desktop you can see and control.

    Example:
        >>> computer = await sdk.computer.create()
        >>> await computer.mouse("left_click", x=100, y=200)
        >>> png = await computer.screenshot()
    """

    def __init__(self, ctx: AsyncClientContext, computer_id: str) -> None:
        self._ctx = ctx
        self._id = computer_id

    def __repr__(self) -> str:
        return f"AsyncComputer(id={self._id!r})"

    @property
    def id(self) -> str:
        """The computer's id (the id of its devbox)."""
        return self._id

    @property
    def devbox(self) -> AsyncDevbox:
        """The devbox the computer runs on (run commands, shut it down, ...)."""
        return AsyncDevbox(self._ctx, self._id)

    async def get_info(self) -> ComputerView:
        """Reads the computer's view (its devbox and live screen URL) from the server."""
        return await self._ctx.api.devboxes.computers.retrieve(self._id)

    async def live_screen_url(self, *, view_only: bool = False) -> str:
        """The URL where the screen can be watched live (a noVNC page).

        Args:
            view_only: Ask for a URL that can only watch (the local engine drops its input;
                sent as the ``view_only`` query parameter, which other servers may ignore).
        """
        query = {"view_only": "true"} if view_only else None
        return (await self._ctx.api.devboxes.computers.retrieve(self._id, extra_query=query)).live_screen_url

    async def keyboard(
        self, action: Literal["key", "type"], text: str
    ) -> ComputerKeyboardInteractionResponse:
        """Types text (``"type"``) or presses a key with optional modifiers (``"key"``, e.g. ``"ctrl+s"``)."""
        return await self._ctx.api.devboxes.computers.keyboard_interaction(self._id, action=action, text=text)

    async def mouse(
        self, action: MouseAction, *, x: int | None = None, y: int | None = None
    ) -> ComputerMouseInteractionResponse:
        """Moves or clicks the mouse, at ``(x, y)`` when given.

        Args:
            action: ``mouse_move``, ``left_click``, ``left_click_drag``, ``right_click``, ...
            x: Pixels from the left.
            y: Pixels from the top.
        """
        coordinate = None if x is None or y is None else {"x": x, "y": y}
        return await self._ctx.api.devboxes.computers.mouse_interaction(
            self._id, action=action, coordinate=coordinate
        )

    async def screenshot(self, path: str | os.PathLike[str] | None = None) -> bytes:
        """Takes a screenshot.

        Args:
            path: Also save the PNG there.

        Returns:
            The PNG bytes.

        Raises:
            RuntimeError: When the computer sent no image.
        """
        answer = await self._ctx.api.devboxes.computers.screen_interaction(self._id, action="screenshot")
        if not answer.latest_screenshot_base64_img:
            raise RuntimeError(f"computer {self._id} sent no screenshot: {answer.error or answer.output!r}")
        png = base64.b64decode(answer.latest_screenshot_base64_img)
        if path is not None:
            Path(path).write_bytes(png)
        return png

    async def cursor_position(self) -> tuple[int, int]:
        """The mouse cursor's ``(x, y)``."""
        answer = await self._ctx.api.devboxes.computers.screen_interaction(self._id, action="cursor_position")
        return parse_cursor_position(answer.output)
