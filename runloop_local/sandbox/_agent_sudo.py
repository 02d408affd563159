"""Passwordless ``sudo`` in a devbox with a writable root, without setuid programs.

bubblewrap always sets no_new_privs, so a setuid ``sudo`` cannot raise privileges. Instead the
agent starts as root of the sandbox's user namespace and forks this server before it drops to the
devbox user: the server keeps root and runs the commands the ``sudo`` client (``_sudo_client.py``,
at ``/run/runloop/bin/sudo``) asks for over a unix socket, with the client's own standard input,
output and error (passed as file descriptors), and answers their exit status. Any process of
the devbox may ask, as with passwordless sudo on the service. Runs in the sandbox: stdlib only,
imported only by the forked server (its imports cost the agent no start time).
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import socket
from typing import Any

SOCKET = "/run/runloop/sudo.sock"
MAX_REQUEST = 1 << 20
_RESET = ("SIGCHLD", "SIGINT", "SIGPIPE", "SIGQUIT", "SIGTERM", "SIGHUP")


def serve_forever() -> None:
    """Listens on ``SOCKET`` and serves each request in a process of its own (never returns)."""
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # request handlers are reaped by the kernel
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.set_wakeup_fd(-1)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(SOCKET)
    os.chmod(SOCKET, 0o666)
    listener.listen(64)
    while True:
        conn, _ = listener.accept()
        if os.fork() == 0:
            listener.close()
            try:
                _handle(conn)
            finally:
                os._exit(0)
        conn.close()


def _handle(conn: socket.socket) -> None:
    message, fds, _, _ = socket.recv_fds(conn, MAX_REQUEST, 3)
    request: dict[str, Any] = json.loads(message)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    pid = os.fork()
    if pid == 0:
        _exec(request, fds)
    for fd in fds:
        os.close(fd)
    status: int | None = None
    while status is None:
        ready, _, _ = select.select([conn], [], [], 0.05)
        if ready:
            data = conn.recv(256)
            if not data:  # the client is gone: so is the terminal it spoke for
                _kill(pid, signal.SIGHUP)
            for line in data.decode().split("\n"):
                if line.startswith("sig ") and line[4:].isdigit():
                    _kill(pid, int(line[4:]))
        done, code = os.waitpid(pid, os.WNOHANG)
        if done:
            status = os.waitstatus_to_exitcode(code)
    with contextlib.suppress(OSError):
        conn.sendall(f"exit {128 - status if status < 0 else status}\n".encode())


def _kill(pid: int, signum: int) -> None:
    with contextlib.suppress(OSError):
        os.kill(pid, signum)


def _exec(request: dict[str, Any], fds: list[int]) -> None:
    """In the forked child: becomes the requested user with the client's descriptors, runs the command."""
    argv = [str(arg) for arg in request.get("argv") or ["?"]]
    try:
        for target, fd in enumerate(fds[:3]):
            os.dup2(fd, target)
        for fd in fds:
            if fd > 2:
                os.close(fd)
        for name in _RESET:
            signal.signal(getattr(signal, name), signal.SIG_DFL)
        uid, gid, user = int(request["uid"]), int(request["gid"]), str(request["user"])
        try:
            os.chdir(str(request["cwd"]))
        except OSError:
            os.chdir("/")
        if uid != 0:
            os.initgroups(user, gid)
            os.setgid(gid)
            os.setuid(uid)
        else:
            os.setgroups([0])
        env = {str(key): str(value) for key, value in dict(request["env"]).items()}
        os.execvpe(argv[0], argv, env)
    except FileNotFoundError:
        os.write(2, f"sudo: {argv[0]}: command not found\n".encode())
        os._exit(127)
    except OSError as exc:
        os.write(2, f"sudo: {argv[0]}: {exc.strerror}\n".encode())
        os._exit(126)
    except BaseException as exc:
        os.write(2, f"sudo: {exc}\n".encode())
        os._exit(1)
