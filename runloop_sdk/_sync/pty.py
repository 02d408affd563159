# Generated from runloop_sdk/_async/pty.py by scripts/unasync.py. Do not edit.
"""``devbox.pty``: interactive terminal sessions over a websocket, reconnectable by name."""

from __future__ import annotations

from types import TracebackType
from typing import Any

from websockets.sync.client import ClientConnection, connect

from runloop_api.types import PtyConnectView, PtyControlResultView

from .._base.urls import websocket_url
from .._base.websocket import WebsocketOptions
from ._context import ClientContext

__all__ = ["PtyInterface", "PtySession"]


class PtyInterface:
    """Terminal sessions of one devbox (``devbox.pty``)."""

    def __init__(self, ctx: ClientContext, devbox_id: str) -> None:
        self._ctx = ctx
        self._devbox_id = devbox_id

    def connect(self, name: str, *, cols: int | None = None, rows: int | None = None) -> PtySession:
        """Opens the terminal session ``name``, creating it or reattaching to it.

        The session outlives the connection: connect again with the same name (or call
        :meth:`PtySession.reconnect`) to pick up where you left off.

        Args:
            name: The session's name, chosen by you.
            cols: Terminal width in character cells.
            rows: Terminal height in character cells.

        Returns:
            The connected session.
        """
        session = PtySession(self._ctx, self._devbox_id, name)
        session._open(cols=cols, rows=rows)
        return session


class PtySession:
    """A connected terminal: send keystrokes, receive screen output, resize, signal, close."""

    def __init__(self, ctx: ClientContext, devbox_id: str, name: str) -> None:
        self._ctx = ctx
        self._devbox_id = devbox_id
        self.name = name
        """The session's name."""
        self.view: PtyConnectView | None = None
        """The server's answer to the last connect (``created``, ``attached``, size, ...)."""
        self._ws: ClientConnection | None = None

    def __repr__(self) -> str:
        return f"PtySession(name={self.name!r}, devbox_id={self._devbox_id!r})"

    def _open(self, *, cols: int | None = None, rows: int | None = None) -> None:
        view = self._ctx.api.pty.connect(
            self.name, cols=cols, rows=rows, extra_query={"devbox_id": self._devbox_id}
        )
        if not view.connect_url:
            raise RuntimeError(f"the server gave no websocket URL for terminal session {self.name!r}")
        headers = {"Authorization": f"Bearer {self._ctx.api.bearer_token}"}
        url = websocket_url(self._ctx.api.base_url, view.connect_url)
        self._ws = connect(url, additional_headers=headers, **WebsocketOptions.extra())
        self.view = view

    def _socket(self) -> ClientConnection:
        if self._ws is None:
            raise RuntimeError(f"terminal session {self.name!r} is not connected; call reconnect()")
        return self._ws

    def send(self, data: str | bytes) -> None:
        """Sends keystrokes (text is encoded as UTF-8)."""
        self._socket().send(data.encode() if isinstance(data, str) else data)

    def receive(self) -> bytes:
        """Waits for the next piece of terminal output."""
        message = self._socket().recv()
        return message.encode() if isinstance(message, str) else bytes(message)

    def _control(self, **params: Any) -> PtyControlResultView:
        # The devbox goes along, as on connect: session names are chosen per devbox, so two
        # devboxes may each have a "main".
        return self._ctx.api.pty.control(self.name, extra_query={"devbox_id": self._devbox_id}, **params)

    def resize(self, cols: int, rows: int) -> PtyControlResultView:
        """Changes the terminal's size."""
        return self._control(action="resize", cols=cols, rows=rows)

    def signal(self, signal: str) -> PtyControlResultView:
        """Sends a signal (``"SIGINT"``, ``"SIGTERM"``, ...) to the terminal's foreground process."""
        return self._control(action="signal", signal=signal)

    def reconnect(self) -> None:
        """Drops the current connection and reattaches to the same session by name."""
        self.detach()
        self._open()

    def detach(self) -> None:
        """Closes the connection but leaves the session running for a later reconnect."""
        if self._ws is not None:
            ws, self._ws = self._ws, None
            ws.close()

    def close(self) -> None:
        """Ends the session on the server and closes the connection."""
        try:
            self._control(action="close")
        finally:
            self.detach()

    def __enter__(self) -> PtySession:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
