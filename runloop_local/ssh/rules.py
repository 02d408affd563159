"""Pure decisions of the SSH server: who may log in where, what a session runs, signal names."""

from __future__ import annotations

import shlex
import signal
from collections.abc import Mapping

__all__ = [
    "SFTP_SERVERS",
    "accepted_env",
    "login_allowed",
    "session_command",
    "sftp_command",
    "signal_number",
]

SFTP_SERVERS = (
    "/usr/lib/openssh/sftp-server",  # Debian, Ubuntu
    "/usr/libexec/openssh/sftp-server",  # Fedora, RHEL
    "/usr/lib/ssh/sftp-server",  # Arch, Alpine
    "/usr/libexec/sftp-server",
)
"""Where OpenSSH's SFTP server may lie inside a devbox (``openssh-sftp-server`` on Debian)."""

_ENV_PREFIXES = ("LC_",)
_ENV_NAMES = frozenset({"LANG", "LANGUAGE", "COLORTERM"})


def sftp_command() -> str:
    """The command of an ``sftp`` subsystem: OpenSSH's ``sftp-server`` inside the devbox.

    It runs as the devbox user and sees the devbox's own file system, so what ``scp`` and
    ``sftp`` write belongs to that user and no path can reach past the devbox. Without it the
    session prints what to install and ends with status 127.
    """
    found = " ".join(shlex.quote(p) for p in SFTP_SERVERS)
    hint = (
        "runloop-local: SFTP (and so scp) needs OpenSSH's sftp-server in the devbox: "
        "install openssh-sftp-server (Debian/Ubuntu) in its image or on the host"
    )
    return f'for p in {found}; do if [ -x "$p" ]; then exec "$p"; fi; done; echo {shlex.quote(hint)} >&2; exit 127'


def session_command(command: str | None) -> str:
    """What a session without a terminal runs: the client's command, or a shell reading stdin."""
    return command if command else "exec bash"


def accepted_env(env: Mapping[str, str]) -> dict[str, str]:
    """The variables a client sent that a session takes (the locale, as Debian's sshd ``AcceptEnv``)."""
    return {k: v for k, v in env.items() if k in _ENV_NAMES or k.startswith(_ENV_PREFIXES)}


def login_allowed(username: str, *, devbox_id: str, devbox_user: str) -> bool:
    """Whether ``username`` may log in with a key of ``devbox_id``.

    The key chooses the devbox; the user name is the devbox's Linux user (``ssh_user``) or the
    devbox's id, which makes a key of another devbox fail instead of landing elsewhere.
    """
    return username in (devbox_user, devbox_id)


def signal_number(name: str) -> int | None:
    """The number of an SSH signal name (``INT``, ``TERM``: RFC 4254 names, without ``SIG``), or None."""
    found = signal.Signals.__members__.get("SIG" + name.upper().removeprefix("SIG"))
    return None if found is None else int(found)
