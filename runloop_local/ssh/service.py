"""The engine's SSH server: one listener, keys made per devbox, sessions attached to sandboxes.

``create_ssh_key`` makes an Ed25519 key pair for a devbox, keeps its public half (the
``ssh_keys`` table) and answers the private half once. A client logs in with that key as the
devbox's user (or as the devbox's id); the key chooses the devbox. The server's host key is
kept in the data dir (``ssh/host_ed25519_key``), so clients that remembered it keep trusting it
across restarts. It needs ``asyncssh`` (the ``local`` extra); without it the engine runs, and
``create_ssh_key`` answers 501 saying what to install.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..db.clock import now_ms
from ..devboxes.boot import devbox_user
from ..devboxes.service import DevboxService
from ..http.errors import ApiError
from ..sandbox import Sandbox
from .records import SshKeyRecord, SshKeyStore

if TYPE_CHECKING:
    import asyncssh

__all__ = ["ASYNCSSH_HINT", "NewKey", "SshService"]

log = logging.getLogger("runloop_local")

ASYNCSSH_HINT = "SSH needs the asyncssh package: pip install 'runloop-sdk[local]' (or pip install asyncssh)"


@dataclass(frozen=True)
class NewKey:
    """A key made for a devbox: what ``create_ssh_key`` answers."""

    devbox_id: str
    private_key: str
    user: str
    port: int


class SshService:
    """SSH keys of devboxes and the SSH server that accepts them.

    Args:
        devboxes: The devbox service (records, running sandboxes).
        host: Where the server listens (the engine's own address).
        port: Its port; 0 picks a free one at start.
    """

    def __init__(self, devboxes: DevboxService, host: str = "127.0.0.1", port: int = 0) -> None:
        self.devboxes = devboxes
        self.host, self.port = host, port
        self.folder = devboxes.data_dir / "ssh"
        self.keys = SshKeyStore(devboxes.data_dir / "engine.sqlite3")
        self.unavailable: str | None = None
        """Why there is no SSH server (None while it runs)."""
        self._acceptor: asyncssh.SSHAcceptor | None = None

    async def start(self) -> None:
        """Starts the listener (or notes why it cannot: create_ssh_key then answers 501)."""
        try:
            import asyncssh  # noqa: F401 - an optional dependency
        except ImportError:
            self.unavailable = ASYNCSSH_HINT
            return
        from .server import listen

        try:
            self._acceptor = await listen(self, self._host_key(), self.host, self.port)
        except OSError as exc:
            self.unavailable = f"the SSH server cannot listen on {self.host}:{self.port}: {exc.strerror}"
            log.warning("%s", self.unavailable)
            return
        self.port = self._acceptor.get_port()
        log.info("SSH server listening on %s:%s", self.host, self.port)

    async def close(self) -> None:
        """Stops the listener and closes the open connections."""
        acceptor, self._acceptor = self._acceptor, None
        if acceptor is not None:
            acceptor.close()
            await acceptor.wait_closed()
        self.keys.close()

    def _host_key(self) -> asyncssh.SSHKey:
        """The server's host key, made on first use and kept (0600) in the data dir."""
        import asyncssh

        path = self.folder / "host_ed25519_key"
        if path.is_file():
            return asyncssh.read_private_key(str(path))
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        key = asyncssh.generate_private_key("ssh-ed25519", comment="runloop-local host key")
        _write_secret(path, key.export_private_key())
        return key

    def create_key(self, devbox_id: str) -> NewKey:
        """Makes a key that opens ``devbox_id`` (in any status; a session needs it running).

        Raises:
            ApiError: 404 unknown devbox; 501 no SSH server (the message says why).
        """
        if self.unavailable is not None or self._acceptor is None:
            raise ApiError(501, f"createDevboxSshKey: {self.unavailable or 'the SSH server is not started'}")
        rec = self.devboxes.get(devbox_id)
        import asyncssh

        key = asyncssh.generate_private_key("ssh-ed25519", comment=devbox_id)
        public = key.convert_to_public()
        self.keys.put(
            SshKeyRecord(
                id=public.get_fingerprint("sha256"),
                devbox_id=devbox_id,
                public_key=public.export_public_key().decode().strip(),
                create_time_ms=now_ms(),
            )
        )
        return NewKey(devbox_id, key.export_private_key().decode(), devbox_user(rec)[0], self.port)

    # -- what the server asks -----------------------------------------------------------------------

    def devbox_of_key(self, fingerprint: str) -> tuple[str, str] | None:
        """The devbox a key opens and that devbox's user, or None for a key never made here."""
        rec = self.keys.get(fingerprint)
        if rec is None:
            return None
        try:
            devbox = self.devboxes.get(rec.devbox_id)
        except ApiError:
            return None
        return rec.devbox_id, devbox_user(devbox)[0]

    def sandbox_of(self, devbox_id: str) -> Sandbox:
        """The running sandbox of a devbox.

        Raises:
            ApiError: 404 unknown; 400 not running (the message says so).
        """
        live = self.devboxes.running_live(devbox_id, "open an SSH session")
        live.touch()
        assert live.sandbox is not None
        return live.sandbox

    def touch(self, devbox_id: str) -> None:
        """Records activity of a devbox (an SSH session keeps it from idling out)."""
        live = self.devboxes.live.get(devbox_id)
        if live is not None:
            live.touch()


def _write_secret(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)
