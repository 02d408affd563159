"""Network namespaces held by a process: making one, entering it from a thread, bringing up its loopback."""

from __future__ import annotations

import asyncio
import ctypes
import fcntl
import os
import socket
import struct
import threading
from collections.abc import Callable
from typing import TypeVar

__all__ = ["NamespaceError", "bring_up_loopback", "in_netns", "netns_path", "spawn_holder"]

T = TypeVar("T")

CLONE_NEWNET = 0x40000000
_SIOCGIFFLAGS = 0x8913
_SIOCSIFFLAGS = 0x8914
_IFF_UP = 0x1
_libc = ctypes.CDLL(None, use_errno=True)


class NamespaceError(Exception):
    """A network namespace could not be made or entered."""


def netns_path(pid: int) -> str:
    """The network namespace of process ``pid``."""
    return f"/proc/{pid}/ns/net"


def _setns(fd: int) -> None:
    if _libc.setns(fd, CLONE_NEWNET) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"setns: {os.strerror(err)}")


def _run_in_netns(pid: int, fn: Callable[[], T]) -> T:
    """Runs ``fn`` in a new thread that has entered ``pid``'s network namespace; the thread then ends.

    A thread of its own, not one of a pool: the namespace is a property of the thread, and a
    pool thread left in a devbox's namespace would make the engine's own sockets there.
    """
    result: list[T] = []
    error: list[BaseException] = []

    def run() -> None:
        try:
            fd = os.open(netns_path(pid), os.O_RDONLY | os.O_CLOEXEC)
            try:
                _setns(fd)
            finally:
                os.close(fd)
            result.append(fn())
        except BaseException as exc:  # handed to the caller
            error.append(exc)

    thread = threading.Thread(target=run, name=f"netns-{pid}", daemon=True)
    thread.start()
    thread.join()
    if error:
        raise error[0]
    return result[0]


async def in_netns(pid: int, fn: Callable[[], T]) -> T:
    """Runs ``fn`` inside the network namespace of process ``pid`` (sockets it makes stay there).

    Raises:
        OSError: The namespace is gone or may not be entered; or what ``fn`` raises.
    """
    return await asyncio.to_thread(_run_in_netns, pid, fn)


def bring_up_loopback() -> None:
    """Sets ``lo`` up in the calling thread's network namespace (a new one starts with it down)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        name = struct.pack("16sH14x", b"lo", 0)
        flags = struct.unpack("16sH14x", fcntl.ioctl(sock, _SIOCGIFFLAGS, name))[1]
        fcntl.ioctl(sock, _SIOCSIFFLAGS, struct.pack("16sH14x", b"lo", flags | _IFF_UP))


async def spawn_holder() -> asyncio.subprocess.Process:
    """Starts a process that holds a new network namespace (owned by the host's user namespace).

    The holder keeps no capability (so pasta, which drops its own, may still open its
    namespace) and dies with the engine (``--pdeathsig``). Its namespace has only ``lo``, up.

    Raises:
        NamespaceError: It could not be made.
    """
    try:
        proc = await asyncio.create_subprocess_exec(
            "unshare", "--net", "--",
            "setpriv", "--pdeathsig", "KILL", "--bounding-set=-all", "--inh-caps=-all", "--",
            "sleep", "infinity",
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
            start_new_session=True,
        )  # fmt: skip
    except OSError as exc:
        raise NamespaceError(f"cannot make a network namespace: {exc}") from exc
    own = os.readlink("/proc/self/ns/net")
    for _ in range(2000):  # unshare, then exec: a few ms
        try:
            if os.readlink(netns_path(proc.pid)) != own:
                break
        except OSError:
            pass
        if proc.returncode is not None:
            break
        await asyncio.sleep(0.001)
    else:
        proc.kill()
        await proc.wait()
        raise NamespaceError("the network namespace holder did not start within 2 s")
    if proc.returncode is not None:
        err = (await proc.stderr.read()).decode(errors="replace").strip() if proc.stderr else ""
        raise NamespaceError(f"cannot make a network namespace: {err or 'unshare failed'}")
    try:
        await in_netns(proc.pid, bring_up_loopback)
    except OSError as exc:
        proc.kill()
        await proc.wait()
        raise NamespaceError(f"cannot set up the network namespace: {exc}") from exc
    return proc
