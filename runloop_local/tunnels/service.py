"""Tunnels: a devbox's ports served on host ports, HTTP and websockets relayed by :mod:`.proxy`.

The cloud serves port ``P`` of a tunnel at ``https://P-{tunnel_key}.tunnel.runloop.ai``, a
name its DNS resolves. Here no such name resolves (glibc does not resolve ``*.localhost``
without nss-myhostname, and ``/etc/hosts`` is not ours), and a path prefix on the engine's own
port would break every application that writes absolute links (``/static/app.js``). So each
port a tunnel serves gets a host port of its own, ``http://127.0.0.1:{host_port}``: any
client reaches it, the application sees its own paths and the ``Host`` the client used, and
websockets upgrade as they would directly. The host port is chosen when the port is first
asked for (``open_tunnel_port``, which the SDK's ``devbox.net.tunnel_url(port)`` calls) and
listed in the tunnel's ``port_urls``; it is kept in the devbox's record and bound again when
the devbox runs again (after a suspend or an engine restart), so URLs handed out stay valid
while that host port is free.

Ports listen while their devbox runs (and, with ``wake_on_http``, while it is suspended: a
request then resumes it); they close, with their connections, when it is suspended or ends,
or when the tunnel is removed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import h11

from runloop_api.types import TunnelConfig, TunnelView

from ..db.clock import now_ms
from ..devboxes.service import DevboxService
from ..http.errors import ApiError, bad_request
from ..http.sockets import listening_socket
from ..network.reach import connect_devbox_port
from .proxy import Gate, serve_client
from .rules import Refusal, check_port, forwarded_headers, new_tunnel, serving, url_host

__all__ = ["Listener", "TunnelService", "WAKE_SECONDS", "listen"]

log = logging.getLogger("runloop_local")

WAKE_SECONDS = 60.0
"""Longest a request holds for a suspended devbox to resume (``wake_on_http``)."""


@dataclass
class Listener:
    """One listening tunnel port and the client connections it serves."""

    devbox_id: str
    port: int
    server: asyncio.Server
    clients: set[asyncio.Task[None]] = field(default_factory=set)

    async def close(self) -> None:
        self.server.close()
        for task in list(self.clients):
            task.cancel()
        await asyncio.gather(*self.clients, return_exceptions=True)
        with contextlib.suppress(Exception):
            await self.server.wait_closed()


class _PortGate:
    """:class:`.proxy.Gate` of one port of one devbox's tunnel."""

    def __init__(self, service: TunnelService, devbox_id: str, port: int) -> None:
        self._service = service
        self._id = devbox_id
        self._port = port

    def tunnel(self) -> Mapping[str, Any] | None:
        return self._service.tunnel_of(self._id)

    async def connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        await self._service.wake(self._id)
        try:
            return await connect_devbox_port(self._service.netns_pid(self._id), self._port)
        except OSError as exc:
            raise Refusal(
                502, f"nothing answers on port {self._port} in devbox {self._id}: {exc.strerror or exc}"
            ) from None

    def activity(self, tunnel: Mapping[str, Any]) -> None:
        live = self._service.devboxes.live.get(self._id)
        if live is not None and tunnel.get("http_keep_alive", True):
            live.touch()

    def upstream_request(
        self, tunnel: Mapping[str, Any], request: h11.Request, client_ip: str
    ) -> h11.Request:
        return h11.Request(
            method=request.method,
            target=request.target,
            headers=forwarded_headers(tunnel, request.headers, client_ip),
        )


class TunnelService:
    """The devboxes' tunnels and their listening ports.

    Args:
        devboxes: The devbox service (records, status changes, resume).
        host: The address tunnel ports bind (the engine's own).
    """

    def __init__(self, devboxes: DevboxService, host: str = "127.0.0.1") -> None:
        self.devboxes = devboxes
        self._host = host
        self._ports: dict[tuple[str, int], Listener] = {}
        self._tunnels: dict[str, Mapping[str, Any]] = {}
        """The tunnel of each devbox as its last :meth:`_sync` read it (every change of a tunnel
        syncs), so a request through a port reads no record."""
        self._locks: dict[str, asyncio.Lock] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._closed = False

    # -- start and stop -------------------------------------------------------------------------

    def start(self) -> None:
        """Follows devbox status changes; opens the ports of devboxes that serve now (a suspended
        devbox whose tunnel wakes it, after an engine restart)."""
        self.devboxes.status_listeners.append(self._status_changed)
        for rec in self.devboxes.store.devboxes_with_status(frozenset({"running", "suspended"})):
            if rec.tunnel is not None:
                self._spawn(self._sync(rec.id))

    async def close(self) -> None:
        """Closes every port and its connections (the records stay)."""
        self._closed = True
        with contextlib.suppress(ValueError):
            self.devboxes.status_listeners.remove(self._status_changed)
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        ports, self._ports = list(self._ports.values()), {}
        await asyncio.gather(*(p.close() for p in ports), return_exceptions=True)

    def _spawn(self, coro: Any) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _status_changed(self, devbox_id: str, status: str) -> None:
        if self._closed:
            return
        with contextlib.suppress(RuntimeError):  # no running loop: nothing listens either
            self._spawn(self._sync(devbox_id))

    # -- operations -----------------------------------------------------------------------------

    def enable(self, devbox_id: str, config: TunnelConfig | None) -> TunnelView:
        """Gives a running devbox its tunnel.

        Raises:
            ApiError: 404 unknown devbox; 400 when it is not running or already has a tunnel.
        """
        rec, _ = self.devboxes.require_running(devbox_id, "enable a tunnel")
        if rec.tunnel is not None:
            raise bad_request(
                f"devbox {devbox_id} already has a tunnel (key {rec.tunnel['tunnel_key']}): remove_tunnel first"
            )
        rec.tunnel = new_tunnel(config, now_ms=now_ms())
        self.devboxes.store.put_devbox(rec)
        return _view(rec.tunnel)

    async def remove(self, devbox_id: str) -> None:
        """Removes a devbox's tunnel: its ports close, with their connections (no tunnel: nothing to do).

        Raises:
            ApiError: 404 unknown devbox.
        """
        rec = self.devboxes.get(devbox_id)
        if rec.tunnel is None:
            return
        rec.tunnel = None
        self.devboxes.store.put_devbox(rec)
        await self._sync(devbox_id)

    async def open_port(self, devbox_id: str, port: int) -> TunnelView:
        """Serves ``port`` of a devbox's tunnel on a host port (kept if it already is).

        Returns:
            The tunnel's view; ``port_urls[str(port)]`` is the port's URL.

        Raises:
            ApiError: 404 unknown devbox; 400 no tunnel, or not a port.
        """
        check_port(port)
        rec = self.devboxes.get(devbox_id)
        if rec.tunnel is None:
            raise bad_request(f"devbox {devbox_id} has no tunnel: enable_tunnel first")
        urls: dict[str, str] = rec.tunnel.setdefault("port_urls", {})
        if str(port) not in urls:
            # The host port is chosen now and recorded; it listens from now on if the devbox
            # serves, else it is bound again when it does.
            probe = listening_socket(self._host, 0)
            host_port = probe.getsockname()[1]
            probe.close()
            urls[str(port)] = f"http://{url_host(self._host)}:{host_port}"
            self.devboxes.store.put_devbox(rec)
        await self._sync(devbox_id)
        return _view(self.devboxes.get(devbox_id).tunnel or {})

    def tunnel_of(self, devbox_id: str) -> Mapping[str, Any] | None:
        """A devbox's tunnel as its ports see it (None: removed, or the devbox is gone)."""
        return self._tunnels.get(devbox_id)

    def netns_pid(self, devbox_id: str) -> int | None:
        """The pid holding a devbox's network namespace (None: it shares the host's network).

        Raises:
            Refusal: 503 when the devbox stopped running meanwhile.
        """
        try:
            return self.devboxes.netns_pid(devbox_id)
        except ApiError as exc:
            raise Refusal(503, exc.message) from None

    async def wake(self, devbox_id: str) -> None:
        """Returns once a devbox runs; resumes a suspended one whose tunnel wakes it.

        Raises:
            Refusal: 503 when it does not run (and is not woken), or did not resume in time.
        """
        rec = self.devboxes.store.get_devbox(devbox_id)
        if rec is None or rec.tunnel is None:
            raise Refusal(404, "this tunnel was removed")
        if rec.status == "running":
            return
        if not rec.tunnel.get("wake_on_http") or rec.status not in (
            "suspended",
            "suspending",
            "resuming",
            "provisioning",
            "initializing",
        ):
            raise Refusal(503, f"devbox {devbox_id} is {rec.status}, not running")
        if rec.status == "suspended":
            with contextlib.suppress(Exception):  # another request may have resumed it meanwhile
                await self.devboxes.resume(devbox_id)
        done = await self.devboxes.wait_for_status(devbox_id, ["running"], WAKE_SECONDS)
        if done is None:
            raise Refusal(503, f"devbox {devbox_id} did not resume in {WAKE_SECONDS:.0f} s")

    # -- listening ports ------------------------------------------------------------------------

    async def _sync(self, devbox_id: str) -> None:
        """Makes a devbox's listening ports match its record (serialized per devbox)."""
        lock = self._locks.setdefault(devbox_id, asyncio.Lock())
        async with lock:
            rec = self.devboxes.store.get_devbox(devbox_id)
            if rec is not None and rec.tunnel is not None:
                self._tunnels[devbox_id] = rec.tunnel
            else:
                self._tunnels.pop(devbox_id, None)
            wanted: dict[int, int] = {}
            if rec is not None and serving(rec.status, rec.tunnel) and rec.tunnel is not None:
                urls: Mapping[str, str] = rec.tunnel.get("port_urls") or {}
                wanted = {int(p): urlsplit(u).port or 0 for p, u in urls.items()}
            for key in [k for k in self._ports if k[0] == devbox_id and k[1] not in wanted]:
                await self._ports.pop(key).close()
            for port, host_port in wanted.items():
                if (devbox_id, port) not in self._ports and not self._closed:
                    await self._listen(devbox_id, port, host_port)
            if rec is None or rec.status in ("shutdown", "failure"):
                self._locks.pop(devbox_id, None)  # it never serves again

    async def _listen(self, devbox_id: str, port: int, host_port: int) -> None:
        try:
            sock = listening_socket(self._host, host_port)
        except OSError as exc:
            sock = listening_socket(self._host, 0)
            self._moved(devbox_id, port, sock.getsockname()[1], exc)
        self._ports[(devbox_id, port)] = await listen(devbox_id, port, sock, _PortGate(self, devbox_id, port))

    def _moved(self, devbox_id: str, port: int, host_port: int, why: OSError) -> None:
        rec = self.devboxes.store.get_devbox(devbox_id)
        if rec is None or rec.tunnel is None:
            return
        url = f"http://{url_host(self._host)}:{host_port}"
        old = rec.tunnel.setdefault("port_urls", {}).get(str(port))
        rec.tunnel["port_urls"][str(port)] = url
        self.devboxes.store.put_devbox(rec)
        self.devboxes.log(
            devbox_id,
            f"tunnel port {port} moved from {old} to {url}: the old host port is taken ({why.strerror or why})",
            level="warn",
        )

    def listening(self, devbox_id: str) -> dict[int, int]:
        """The devbox's ports that listen now and their host ports (for tests and diagnostics)."""
        return {
            port: entry.server.sockets[0].getsockname()[1]
            for (id, port), entry in self._ports.items()
            if id == devbox_id and entry.server.sockets
        }


async def listen(devbox_id: str, port: int, sock: socket.socket, gate: Gate) -> Listener:
    """Serves tunnel connections on ``sock`` through ``gate`` (see :func:`.proxy.serve_client`)."""
    entry: Listener | None = None

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None and entry is not None
        entry.clients.add(task)
        peer = writer.get_extra_info("peername") or ("",)
        try:
            await serve_client(reader, writer, gate, str(peer[0]))
        finally:
            entry.clients.discard(task)

    server = await asyncio.start_server(handle, sock=sock, limit=1 << 20)
    entry = Listener(devbox_id, port, server)
    return entry


def _view(tunnel: Mapping[str, Any]) -> TunnelView:
    return TunnelView.model_validate(dict(tunnel))
