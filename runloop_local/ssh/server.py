"""The asyncssh listener: public-key logins by the keys ``create_ssh_key`` made, one devbox each."""

from __future__ import annotations

import functools
import logging
from typing import Protocol

import asyncssh

from ..sandbox import Sandbox
from .rules import login_allowed
from .session import DevboxSession

__all__ = ["SshHost", "listen"]

log = logging.getLogger("runloop_local")


class SshHost(Protocol):
    """What the server asks of the SSH service (``SshService``; named here to keep imports one way)."""

    def devbox_of_key(self, fingerprint: str) -> tuple[str, str] | None:
        """The devbox a key opens and its user, or None."""
        ...

    def sandbox_of(self, devbox_id: str) -> Sandbox:
        """The running sandbox of a devbox (``ApiError`` when it is not running)."""
        ...

    def touch(self, devbox_id: str) -> None:
        """Records activity of a devbox."""
        ...


class _Connection(asyncssh.SSHServer):
    """One client connection: public-key auth only; sessions go to the key's devbox."""

    def __init__(self, service: SshHost) -> None:
        self._service = service
        self._devbox_id: str | None = None

    def begin_auth(self, username: str) -> bool:
        return True  # always authenticate

    def password_auth_supported(self) -> bool:
        return False

    def kbdint_auth_supported(self) -> bool:
        return False

    def public_key_auth_supported(self) -> bool:
        return True

    def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        found = self._service.devbox_of_key(key.get_fingerprint("sha256"))
        if found is None or not login_allowed(username, devbox_id=found[0], devbox_user=found[1]):
            return False
        self._devbox_id = found[0]
        return True

    def session_requested(self) -> DevboxSession:
        assert self._devbox_id is not None  # sessions come after auth
        devbox_id = self._devbox_id
        return DevboxSession(
            devbox_id, self._service.sandbox_of, functools.partial(self._service.touch, devbox_id)
        )


async def listen(service: SshHost, host_key: asyncssh.SSHKey, host: str, port: int) -> asyncssh.SSHAcceptor:
    """Starts the SSH server of ``service`` on ``host:port`` (0: a free port).

    Raises:
        OSError: The address cannot be bound.
    """
    return await asyncssh.create_server(
        functools.partial(_Connection, service),
        host,
        port,
        server_host_keys=[host_key],
        encoding=None,
        agent_forwarding=False,
        x11_forwarding=False,
        allow_scp=False,
        line_editor=False,
    )
