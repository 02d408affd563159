# Generated from runloop_sdk/_async/net.py by scripts/unasync.py. Do not edit.
"""``devbox.net``: SSH keys and tunnels that expose a devbox's ports."""

from __future__ import annotations

from typing_extensions import Unpack

from runloop_api.types import DevboxCreateSshKeyView, TunnelAuthMode, TunnelView

from .._base.options import MutationOptions, RequestOptions
from .._base.urls import tunnel_url
from ._context import ClientContext

__all__ = ["NetworkInterface"]


class NetworkInterface:
    """Network access to one devbox (``devbox.net``)."""

    def __init__(self, ctx: ClientContext, devbox_id: str) -> None:
        self._ctx = ctx
        self._devbox_id = devbox_id

    def create_ssh_key(self, **options: Unpack[MutationOptions]) -> DevboxCreateSshKeyView:
        """Creates an SSH key for the devbox (private key, user and host)."""
        return self._ctx.api.devboxes.create_ssh_key(self._devbox_id, **options)

    def enable_tunnel(
        self,
        *,
        auth_mode: TunnelAuthMode | None = None,
        http_keep_alive: bool | None = None,
        wake_on_http: bool | None = None,
        **options: Unpack[MutationOptions],
    ) -> TunnelView:
        """Opens the devbox's tunnel, which serves every port at its own URL.

        Args:
            auth_mode: ``"open"`` or ``"authenticated"``.
            http_keep_alive: Tunnel traffic resets the idle timer.
            wake_on_http: Tunnel traffic resumes a suspended devbox.
        """
        return self._ctx.api.devboxes.enable_tunnel(
            self._devbox_id,
            auth_mode=auth_mode,
            http_keep_alive=http_keep_alive,
            wake_on_http=wake_on_http,
            **options,
        )

    def remove_tunnel(self, **options: Unpack[MutationOptions]) -> None:
        """Closes the devbox's tunnel."""
        self._ctx.api.devboxes.remove_tunnel(self._devbox_id, **options)

    def tunnel_url(self, port: int, **options: Unpack[RequestOptions]) -> str | None:
        """The public URL of ``port``, or None when the devbox has no tunnel.

        Args:
            port: A port a server listens on inside the devbox.
        """
        view = self._ctx.api.devboxes.retrieve(self._devbox_id, **options)
        if view.tunnel is None:
            return None
        return tunnel_url(self._ctx.api.base_url, view.tunnel.tunnel_key, port)
