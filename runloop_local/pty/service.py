"""Terminal (PTY) sessions of devboxes: a shell per name that outlives its websocket connections.

A session is ``bash -i`` on a pseudo-terminal in the devbox's sandbox (``PtySandbox.open_pty``),
made by the first connect with its name and found again by later ones. At most one websocket
client is attached at a time; output printed while none is attached is kept (the last
``BACKLOG_BYTES``) and sent first to the next client. A session ends when its shell exits,
when it is closed, when its devbox's sandbox stops (shutdown, suspend), or after
``idle_ttl_seconds`` with no client attached.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any

from ..devboxes.service import DevboxService
from ..http.errors import ApiError, bad_request
from ..sandbox import PtyHandle, PtySandbox, SandboxError
from .rules import DEFAULT_COLS, DEFAULT_ROWS

__all__ = ["BACKLOG_BYTES", "CLIENT_BACKLOG_BYTES", "PtyClient", "PtyService", "PtySession"]

logger = logging.getLogger("runloop_local")

BACKLOG_BYTES = 64 * 1024
"""Output kept for the next client while none is attached (the last bytes)."""
CLIENT_BACKLOG_BYTES = 4 * 1024 * 1024
"""Output an attached client may fall behind by before it is disconnected (the session stays)."""
CLOSE_GRACE_SECONDS = 2.0
"""How long a closed session's shell has to end after SIGHUP before it is SIGKILLed."""
TERM = "xterm-256color"


class PtyClient:
    """The websocket client attached to a session: output waiting to be sent to it."""

    def __init__(self, backlog: bytes) -> None:
        self.pending = bytearray(backlog)
        self.wake = asyncio.Event()
        self.ended: str | None = None
        """Set when the session ended (the reason, for the websocket close)."""
        self.overflowed = False
        if backlog:
            self.wake.set()

    def push(self, data: bytes) -> None:
        if len(self.pending) + len(data) > CLIENT_BACKLOG_BYTES:
            self.overflowed = True
        else:
            self.pending += data
        self.wake.set()

    def end(self, reason: str) -> None:
        self.ended = reason
        self.wake.set()


@dataclass(eq=False)
class PtySession:
    """One named terminal of a devbox."""

    devbox_id: str
    name: str
    cols: int
    rows: int
    handle: PtyHandle | None = None
    client: PtyClient | None = None
    backlog: bytearray = field(default_factory=bytearray)
    detached_at: float = field(default_factory=time.monotonic)
    ended: bool = False
    detached: asyncio.Event = field(default_factory=asyncio.Event)

    def on_output(self, data: bytes) -> None:
        if self.client is not None:
            self.client.push(data)
            return
        self.backlog += data
        del self.backlog[:-BACKLOG_BYTES]

    def attach(self) -> PtyClient:
        """Attaches a client, handing it what was printed while none was attached."""
        client = PtyClient(bytes(self.backlog))
        self.backlog.clear()
        self.client = client
        self.detached.clear()
        return client

    def detach(self, client: PtyClient) -> None:
        if self.client is client:
            self.client = None
            self.detached_at = time.monotonic()
            self.detached.set()


class PtyService:
    """The terminal sessions of every devbox, keyed by (devbox id, session name).

    Args:
        devboxes: The devbox service (for running sandboxes).
        idle_ttl_seconds: How long a session with no client attached is kept.
    """

    def __init__(self, devboxes: DevboxService, idle_ttl_seconds: float = 600.0) -> None:
        self.devboxes = devboxes
        self.idle_ttl_seconds = idle_ttl_seconds
        self.sessions: dict[tuple[str, str], PtySession] = {}
        self._lock = asyncio.Lock()
        self._tasks: set[asyncio.Task[None]] = set()
        self._reaper: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Starts the idle reaper."""
        self._reaper = asyncio.get_running_loop().create_task(self._reap_idle())

    async def stop(self) -> None:
        """Stops the reaper and the sessions' watchers (their shells end with their sandboxes)."""
        tasks = [t for t in (self._reaper, *self._tasks) if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def connect(
        self, devbox_id: str, name: str, size: tuple[int, int] | None
    ) -> tuple[PtySession, bool]:
        """Finds the session ``name`` of a running devbox, or starts it.

        Args:
            devbox_id: The devbox.
            name: A checked session name.
            size: ``(cols, rows)`` to apply, or None (80 x 24 for a new session).

        Returns:
            The session and whether this call created it.

        Raises:
            ApiError: 404 unknown devbox; 400 not running; 501 a sandbox without terminals;
                503 the shell could not start.
        """
        async with self._lock:  # two first connects with one name make one shell
            live = self.devboxes.running_live(devbox_id, "open a terminal")
            live.touch()
            found = self.sessions.get((devbox_id, name))
            if found is not None and not found.ended:
                if size is not None and size != (found.cols, found.rows):
                    await self._resize(found, *size)
                return found, False
            sandbox = live.sandbox
            if not isinstance(sandbox, PtySandbox):
                raise ApiError(501, f"the sandbox of devbox {devbox_id} cannot open terminals")
            cols, rows = size or (DEFAULT_COLS, DEFAULT_ROWS)
            session = PtySession(devbox_id, name, cols, rows)
            try:
                session.handle = await sandbox.open_pty(
                    cols=cols, rows=rows, on_output=session.on_output, env={"TERM": TERM}
                )
            except SandboxError as exc:
                raise ApiError(503, f"cannot start terminal session {name!r}: {exc}") from None
            self.sessions[(devbox_id, name)] = session
            self._spawn(self._watch(session, session.handle))
            return session, True

    async def _watch(self, session: PtySession, handle: PtyHandle) -> None:
        code = await handle.wait()
        self._end(session, f"the shell exited with status {code}")

    def _end(self, session: PtySession, reason: str) -> None:
        session.ended = True
        if self.sessions.get((session.devbox_id, session.name)) is session:
            del self.sessions[(session.devbox_id, session.name)]
        if session.client is not None:
            session.client.end(reason)

    def find(self, name: str, devbox_id: str | None) -> PtySession:
        """The live session ``name`` (of ``devbox_id``; of any devbox when the name is unique).

        Raises:
            ApiError: 404 no such session; 400 the name is used by several devboxes.
        """
        if devbox_id:
            self.devboxes.get(devbox_id)  # 404 for an unknown devbox
            found = self.sessions.get((devbox_id, name))
            matches = [found] if found is not None else []
        else:
            matches = [s for (_, n), s in self.sessions.items() if n == name]
        if not matches:
            where = f" on devbox {devbox_id}" if devbox_id else ""
            raise ApiError(
                404, f"terminal session {name!r} not found{where}: connect to it first (GET /pty/{name})"
            )
        if len(matches) > 1:
            raise bad_request(
                f"terminal session {name!r} is open on several devboxes: pass the `devbox_id` query parameter"
            )
        return matches[0]

    async def attach(self, session: PtySession, wait_seconds: float = 2.0) -> PtyClient:
        """Attaches a websocket client; one attached already gets ``wait_seconds`` to leave.

        Raises:
            ApiError: 409 another client stays attached; 404 the session ended meanwhile.
        """
        if session.client is not None:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(session.detached.wait(), wait_seconds)
        if session.ended:
            raise ApiError(404, f"terminal session {session.name!r} has ended: connect again for a new one")
        if session.client is not None:
            raise ApiError(409, f"another client is attached to terminal session {session.name!r}")
        live = self.devboxes.live.get(session.devbox_id)
        if live is not None:
            live.touch()
        return session.attach()

    async def write(self, session: PtySession, data: bytes) -> None:
        """Types ``data`` into a session's terminal (activity of its devbox)."""
        live = self.devboxes.live.get(session.devbox_id)
        if live is not None:
            live.touch()
        if session.handle is not None:
            with contextlib.suppress(SandboxError):  # the session ends with its sandbox
                await session.handle.write(data)

    async def _resize(self, session: PtySession, cols: int, rows: int) -> None:
        assert session.handle is not None
        with contextlib.suppress(SandboxError):
            await session.handle.resize(cols, rows)
        session.cols, session.rows = cols, rows

    async def resize(self, session: PtySession, cols: int, rows: int) -> None:
        """Changes a session's terminal size (its foreground process group gets SIGWINCH)."""
        await self._resize(session, cols, rows)

    async def signal(self, session: PtySession, signum: int) -> None:
        """Sends ``signum`` to the foreground process group of a session's terminal."""
        assert session.handle is not None
        try:
            await session.handle.signal(signum)
        except SandboxError:
            raise bad_request(f"terminal session {session.name!r} has no running shell") from None

    async def close_session(self, session: PtySession) -> None:
        """Ends a session: SIGHUP now, SIGKILL after a grace; its name is free at once."""
        self._end(session, "the session was closed")
        if session.handle is not None:
            self._spawn(self._hang_up(session.handle))

    async def _hang_up(self, handle: PtyHandle) -> None:
        with contextlib.suppress(SandboxError):
            await handle.close()
            try:
                await asyncio.wait_for(handle.wait(), CLOSE_GRACE_SECONDS)
            except asyncio.TimeoutError:
                await handle.close(force=True)

    async def _reap_idle(self) -> None:
        while True:
            await asyncio.sleep(min(1.0, max(0.05, self.idle_ttl_seconds / 4)))
            now = time.monotonic()
            for session in list(self.sessions.values()):
                if session.client is None and now - session.detached_at >= self.idle_ttl_seconds:
                    logger.info("terminal session %s of %s idle: closed", session.name, session.devbox_id)
                    await self.close_session(session)
