"""Host processes of a sandbox, from ``/proc``: finding bubblewrap's init and waiting for it to end."""

from __future__ import annotations

import asyncio

__all__ = ["children", "descendants", "ended", "state", "wait_ended"]


def children(pid: int) -> list[int]:
    """The child processes of ``pid`` (empty when it is gone)."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as listing:
            return [int(child) for child in listing.read().split()]
    except (OSError, ValueError):
        return []


def descendants(pid: int) -> list[int]:
    """Every live descendant of ``pid``, parents before children."""
    found: list[int] = []
    todo = children(pid)
    while todo:
        child = todo.pop(0)
        found.append(child)
        todo += children(child)
    return found


def state(pid: int) -> bytes:
    """The state letter of a process (``b""`` when it is gone)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return stat.read().rsplit(b")", 1)[1].split()[0]
    except (OSError, IndexError):
        return b""


def ended(pid: int) -> bool:
    """Whether process ``pid`` has exited (gone, or a zombie waiting to be reaped)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            state = stat.read().rsplit(b")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state in (b"Z", b"X")


async def wait_ended(pids: list[int], timeout: float) -> bool:
    """Waits until every process of ``pids`` has exited; False when ``timeout`` passed first.

    The init of a pid namespace exits only after every other process of the namespace has, so
    waiting for bubblewrap's init waits for the whole sandbox.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    delay = 0.001
    while not all(ended(pid) for pid in pids):
        if loop.time() > deadline:
            return False
        await asyncio.sleep(delay)
        delay = min(delay * 2, 0.05)
    return True
