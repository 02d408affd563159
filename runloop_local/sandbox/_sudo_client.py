"""``sudo`` in a devbox: asks the sandbox's root server (``_agent_sudo.py``) to run a command.

Takes the common options: ``-u USER``, ``-E`` (keep the environment), ``-H`` (the target's home,
always set), ``-n`` and ``-k`` (no password is ever asked), ``-i`` (a login shell) and ``-s``
(a shell), and ``--``. Exits with the command's status.
"""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import signal
import socket
import sys
import time
from types import FrameType
from typing import NoReturn

SOCKET = "/run/runloop/sudo.sock"
SECURE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
KEPT = ("TERM", "COLORTERM", "DISPLAY", "XAUTHORITY", "LANG", "LANGUAGE", "TZ")


def fail(message: str, code: int = 1) -> NoReturn:
    sys.stderr.write(f"sudo: {message}\n")
    sys.exit(code)


def parse(args: list[str]) -> tuple[str, bool, bool, bool, list[str]]:
    user, keep_env, shell, login = "root", False, False, False
    while args and args[0].startswith("-") and args[0] != "-":
        arg = args.pop(0)
        if arg == "--":
            break
        if arg.startswith("--"):
            fail(f"option {arg} is not supported by the devbox's sudo")
        letters = arg[1:]
        while letters:
            flag, letters = letters[0], letters[1:]
            if flag == "u":
                if not letters and not args:
                    fail("option -u needs a user")
                user, letters = (letters or args.pop(0)), ""
            elif flag == "E":
                keep_env = True
            elif flag == "i":
                login = True
            elif flag == "s":
                shell = True
            elif flag in "HnkKSP":
                pass
            else:
                fail(f"option -{flag} is not supported by the devbox's sudo")
    return user, keep_env, shell, login, args


def main() -> None:
    user, keep_env, shell, login, command = parse(sys.argv[1:])
    try:
        target = pwd.getpwuid(int(user[1:])) if user.startswith("#") else pwd.getpwnam(user)
    except (KeyError, ValueError):
        fail(f"unknown user {user}")
    if login or shell:
        sh = target.pw_shell or "/bin/sh"
        command = [sh, "-c", " ".join(command)] if command else [sh, "-l"] if login else [sh]
    if not command:
        fail("usage: sudo [-E] [-u user] [-i | -s] [--] command [args...]")
    caller = pwd.getpwuid(os.getuid())
    if keep_env:
        env = dict(os.environ)
    else:
        env = {k: v for k, v in os.environ.items() if k in KEPT or k.startswith("LC_")}
        env.update(PATH=SECURE_PATH, SHELL=target.pw_shell or "/bin/sh")
    env.update(
        HOME=target.pw_dir,
        USER=target.pw_name,
        LOGNAME=target.pw_name,
        SUDO_USER=caller.pw_name,
        SUDO_UID=str(caller.pw_uid),
        SUDO_GID=str(caller.pw_gid),
        SUDO_COMMAND=" ".join(command),
    )
    cwd = target.pw_dir if login else os.getcwd()
    request = {
        "argv": command,
        "env": env,
        "cwd": cwd,
        "uid": target.pw_uid,
        "gid": target.pw_gid,
        "user": target.pw_name,
    }
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    deadline = time.monotonic() + 5
    while True:
        try:
            conn.connect(SOCKET)
            break
        except OSError:
            if time.monotonic() > deadline:
                fail("the devbox's sudo service does not answer")
            time.sleep(0.02)
    socket.send_fds(conn, [json.dumps(request).encode()], [0, 1, 2])

    def forward(signum: int, frame: FrameType | None) -> None:
        with contextlib.suppress(OSError):
            conn.sendall(f"sig {signum}\n".encode())

    for name in ("SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT"):
        signal.signal(getattr(signal, name), forward)
    answer = b""
    while not answer.endswith(b"\n"):
        try:
            chunk = conn.recv(64)
        except InterruptedError:
            continue
        if not chunk:
            fail("the devbox's sudo service went away")
        answer += chunk
    sys.exit(int(answer.split()[1]))


if __name__ == "__main__":
    main()
