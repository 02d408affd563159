"""PTY tunnels: a devbox's terminal API on a host port of its own, authenticated by its own token.

``create_pty_tunnel`` opens a host port (the engine's address, a free port) whose requests
are relayed, by :mod:`.proxy` as any tunnel's, to the engine's *own* listening port, the one
the create request came in on: the engine's terminal routes (``runloop_local.pty``) serve them
as they serve a direct client, so the websocket, its close codes and the ``connect_url`` (built
from the ``Host`` the client used, hence pointing at the tunnel) are the same. Before relaying,
:mod:`.pty_rules` checks the tunnel's token, keeps the path to ``/pty/...``, pins
``devbox_id`` to this devbox and puts the engine's token in place of the tunnel's.

Ephemeral, as on the service: kept in memory only, closed (with its connections) when the
devbox stops running (suspend, shutdown, failure) and when the engine stops; never restored.
Each call makes another tunnel, with its own port and token.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import h11

from runloop_api.types import PtyTunnelView

from ..devboxes.service import DevboxService
from ..http.errors import ApiError, bad_request
from ..http.sockets import listening_socket
from .pty_rules import new_pty_tunnel, pty_target, to_engine_headers
from .rules import Refusal, url_host
from .service import Listener, listen

__all__ = ["PtyTunnelService"]


class _EngineGate:
    """:class:`.proxy.Gate` of one PTY tunnel: to the engine's own port, for one devbox."""

    def __init__(
        self, service: PtyTunnelService, devbox_id: str, tunnel: dict[str, Any], engine: tuple[str, int]
    ):
        self._service = service
        self._id = devbox_id
        self._tunnel = tunnel
        self._engine = engine

    def tunnel(self) -> Mapping[str, Any] | None:
        return self._tunnel

    async def connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        try:
            return await asyncio.open_connection(*self._engine)
        except OSError as exc:
            raise Refusal(
                502, f"the engine does not answer at {self._engine}: {exc.strerror or exc}"
            ) from None

    def activity(self, tunnel: Mapping[str, Any]) -> None:
        live = self._service.devboxes.live.get(self._id)
        if live is not None:
            live.touch()

    def upstream_request(
        self, tunnel: Mapping[str, Any], request: h11.Request, client_ip: str
    ) -> h11.Request:
        return h11.Request(
            method=request.method,
            target=pty_target(request.target, self._id),
            headers=to_engine_headers(self._tunnel, request.headers, client_ip, self._service.engine_token),
        )


@dataclass
class _PtyTunnel:
    view: dict[str, Any]
    listener: Listener


class PtyTunnelService:
    """The devboxes' PTY tunnels.

    Args:
        devboxes: The devbox service (records, status changes).
        engine_token: The engine's bearer token (what relayed requests carry; never given out).
        host: The address PTY tunnel ports bind (the engine's own).
    """

    def __init__(self, devboxes: DevboxService, engine_token: str, host: str = "127.0.0.1") -> None:
        self.devboxes = devboxes
        self.engine_token = engine_token
        self._host = host
        self._tunnels: dict[str, list[_PtyTunnel]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._closed = False

    def start(self) -> None:
        """Follows devbox status changes (a devbox that stops running loses its PTY tunnels)."""
        self.devboxes.status_listeners.append(self._status_changed)

    async def close(self) -> None:
        """Closes every PTY tunnel and its connections."""
        self._closed = True
        with contextlib.suppress(ValueError):
            self.devboxes.status_listeners.remove(self._status_changed)
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for devbox_id in list(self._tunnels):
            await self._drop(devbox_id)

    async def create(self, devbox_id: str, engine: tuple[str, int] | None) -> PtyTunnelView:
        """Opens a PTY tunnel to a running devbox's terminal API.

        Args:
            devbox_id: The devbox.
            engine: The engine's own address the tunnel relays to (where the request came in).

        Returns:
            The tunnel's view, plus the engine's extra ``url``: ``http://{host}:{port}``, the
            base of ``/pty/{name}`` (``ws://`` for the websocket).

        Raises:
            ApiError: 404 unknown devbox; 400 when it is not running; 501 when the engine was
                not reached over TCP (nothing to relay to).
        """
        self.devboxes.require_running(devbox_id, "create a PTY tunnel")
        if engine is None:
            raise ApiError(501, "create_pty_tunnel needs the engine to serve over TCP")
        view = new_pty_tunnel()
        sock = listening_socket(self._host, 0)
        view["url"] = f"http://{url_host(self._host)}:{sock.getsockname()[1]}"
        listener = await listen(devbox_id, 0, sock, _EngineGate(self, devbox_id, view, engine))
        self._tunnels.setdefault(devbox_id, []).append(_PtyTunnel(view, listener))
        rec = self.devboxes.store.get_devbox(devbox_id)
        if rec is None or rec.status != "running":  # it stopped meanwhile: the tunnel never serves
            await self._drop(devbox_id)
            raise bad_request(f"cannot create a PTY tunnel: devbox {devbox_id} stopped running")
        return PtyTunnelView.model_validate(view)

    def open_urls(self, devbox_id: str) -> list[str]:
        """The URLs of a devbox's open PTY tunnels (for tests and diagnostics)."""
        return [t.view["url"] for t in self._tunnels.get(devbox_id, [])]

    def _status_changed(self, devbox_id: str, status: str) -> None:
        if self._closed or status == "running" or devbox_id not in self._tunnels:
            return
        with contextlib.suppress(RuntimeError):  # no running loop: nothing listens either
            task = asyncio.get_running_loop().create_task(self._drop(devbox_id))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _drop(self, devbox_id: str) -> None:
        for tunnel in self._tunnels.pop(devbox_id, []):
            await tunnel.listener.close()
