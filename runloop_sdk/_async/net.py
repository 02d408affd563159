"""``devbox.net``: SSH keys and tunnels that expose a devbox's ports."""

from __future__ import annotations

from typing_extensions import Unpack

from runloop_api.types import DevboxCreateSshKeyView, PtyTunnelView, TunnelAuthMode, TunnelView

from .._base.options import MutationOptions, RequestOptions
from .._base.urls import engine_port_urls, tunnel_url
from ._context import AsyncClientContext

__all__ = ["AsyncNetworkInterface"]


class AsyncNetworkInterface:
    """Network access to one devbox (``devbox.net``)."""

    def __init__(self, ctx: AsyncClientContext, devbox_id: str) -> None:
        self._ctx = ctx
        self._devbox_id = devbox_id

    async def create_ssh_key(self, **options: Unpack[MutationOptions]) -> DevboxCreateSshKeyView:
        """Creates an SSH key for the devbox (private key, user and host)."""
        return await self._ctx.api.devboxes.create_ssh_key(self._devbox_id, **options)

    async def create_pty_tunnel(self, **options: Unpack[MutationOptions]) -> PtyTunnelView:
        """Opens an ephemeral tunnel to the devbox's terminal API, authenticated by its ``auth_token``.

        It closes when the devbox stops running. On the local engine the view has an extra
        ``url`` (``view.model_extra["url"]``, ``http://127.0.0.1:{port}``): ``GET {url}/pty/{name}``
        and the websocket ``ws://.../pty/{name}`` with ``Authorization: Bearer {auth_token}``
        reach this devbox's terminals (the engine's token is neither needed nor accepted there).
        """
        return await self._ctx.api.devboxes.create_pty_tunnel(self._devbox_id, **options)

    async def enable_tunnel(
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
        return await self._ctx.api.devboxes.enable_tunnel(
            self._devbox_id,
            auth_mode=auth_mode,
            http_keep_alive=http_keep_alive,
            wake_on_http=wake_on_http,
            **options,
        )

    async def remove_tunnel(self, **options: Unpack[MutationOptions]) -> None:
        """Closes the devbox's tunnel."""
        await self._ctx.api.devboxes.remove_tunnel(self._devbox_id, **options)

    async def tunnel_url(self, port: int, **options: Unpack[RequestOptions]) -> str | None:
        """The public URL of ``port``, or None when the devbox has no tunnel.

        On the cloud, ``https://{port}-{tunnel_key}.tunnel.{domain}``. On the local engine each
        port gets a host port of its own (``http://127.0.0.1:{host_port}``), opened by this call
        the first time a port is asked for; either URL is reached by a plain HTTP client.

        Args:
            port: A port a server listens on inside the devbox.
        """
        tunnel_url(self._ctx.api.base_url, "key", port)  # checks the port before any request
        view = await self._ctx.api.devboxes.retrieve(self._devbox_id, **options)
        if view.tunnel is None:
            return None
        served = engine_port_urls(view.tunnel)
        if served is None:
            return tunnel_url(self._ctx.api.base_url, view.tunnel.tunnel_key, port)
        if str(port) not in served:
            opened = await self._ctx.api.request_json(
                "POST",
                f"/v1/devboxes/{self._devbox_id}/open_tunnel_port",
                cast_to=TunnelView,
                idempotent=True,  # the same port keeps its URL
                json={"port": port},
                extra_headers=options.get("extra_headers"),
                timeout=options.get("timeout"),
            )
            served = engine_port_urls(opened) or {}
        return served[str(port)]
