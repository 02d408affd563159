"""What of the host filesystem a sandbox is made of: the system folders, and what to hide in them."""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

__all__ = ["SYSTEM_DIRS", "HostLayout", "private_entries", "scan_host", "top_level"]

SYSTEM_DIRS = ("usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32", "etc", "opt")
"""Top-level host folders a devbox sees, read-only, when they exist."""
SCANNED_FOR_SECRETS = ("/etc",)
"""Folders searched for private entries (``/usr`` and ``/opt`` are large and hold programs, not secrets)."""
CACHE_SECONDS = 30.0

_cache: dict[tuple[str, ...], tuple[float, HostLayout]] = {}


@dataclass(frozen=True)
class HostLayout:
    """What of the host filesystem a sandbox is built from."""

    top: Mapping[str, str | None]
    """Top-level entries among ``SYSTEM_DIRS`` that exist: name -> symlink target, or None for a folder."""
    private_files: Sequence[str] = ()
    """Files to hide (covered with an empty file)."""
    private_dirs: Sequence[str] = ()
    """Folders to hide (covered with an empty read-only folder)."""
    extra_ro: Sequence[str] = ()
    """More host folders to show read-only at the same path (a Python outside ``/usr``, DNS under ``/run``)."""


def private_entries(top: str) -> tuple[list[str], list[str]]:
    """Finds what under ``top`` other users of the host may not read.

    A devbox's user is the engine's user on the host (a user namespace maps one to the other),
    so it could read, say, ``/etc/shadow`` or ``/etc/ssl/private`` when the engine runs as root.
    Hiding what is not world-readable gives it the view of an unprivileged user.

    Args:
        top: The folder to search.

    Returns:
        The files that are not world-readable, and the folders that are not world-listable
        (not searched further).
    """
    files: list[str] = []
    dirs: list[str] = []
    todo = [top]
    while todo:
        try:
            entries = os.scandir(todo.pop())
        except OSError:
            continue
        with entries:
            for entry in entries:
                try:
                    mode = entry.stat(follow_symlinks=False).st_mode
                except OSError:
                    continue
                if stat.S_ISDIR(mode):
                    (todo if mode & 0o005 == 0o005 else dirs).append(entry.path)
                elif stat.S_ISREG(mode) and not mode & 0o004:
                    files.append(entry.path)
    return sorted(files), sorted(dirs)


def top_level(names: Sequence[str]) -> dict[str, str | None]:
    """Which of ``names`` exist at the host's ``/``: name -> symlink target, or None for a folder."""
    top: dict[str, str | None] = {}
    for name in names:
        path = "/" + name
        if os.path.islink(path):
            top[name] = os.readlink(path)
        elif os.path.isdir(path):
            top[name] = None
    return top


def scan_host(extra_ro: Sequence[str] = ()) -> HostLayout:
    """Looks at the host filesystem (cached for ``CACHE_SECONDS``: the search takes a few ms).

    Args:
        extra_ro: Host folders to show read-only as well.

    Returns:
        The host layout.
    """
    key = tuple(extra_ro)
    cached = _cache.get(key)
    if cached is not None and time.monotonic() - cached[0] < CACHE_SECONDS:
        return cached[1]
    top = top_level(SYSTEM_DIRS)
    extra = list(extra_ro)
    resolv = os.path.realpath("/etc/resolv.conf")
    if resolv.startswith("/run/") and os.path.exists(resolv):  # systemd-resolved: keep DNS working
        extra.append(os.path.dirname(resolv))
    files: list[str] = []
    dirs: list[str] = []
    for folder in SCANNED_FOR_SECRETS:
        if os.path.isdir(folder) and not os.path.islink(folder):
            found = private_entries(folder)
            files += found[0]
            dirs += found[1]
    layout = HostLayout(top, tuple(files), tuple(dirs), tuple(extra))
    _cache[key] = (time.monotonic(), layout)
    return layout
