"""Devbox paths to host paths: the host folders that are a devbox's ``/home/user`` and ``/tmp``.

File operations are served from the host (the folders the sandbox mounts, or its mounted
writable root), never through the sandbox. A path may not leave those two folders: no ``..``,
no other absolute path, no symlink pointing out.
"""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass
from pathlib import Path

from ..http.errors import ApiError

__all__ = ["HOME", "Folders", "PathRejected", "devbox_path", "folders_of", "host_path", "resolve_path"]

HOME = "/home/user"
_MOUNTS = ((HOME, "home"), ("/tmp", "tmp"))
_MAX_SYMLINKS = 40


@dataclass(frozen=True)
class Folders:
    """The host folders that are a devbox's ``/home/user`` and ``/tmp``."""

    home: Path
    tmp: Path
    owner: int | None = None
    """The uid (and gid) files written for the devbox must belong to; None when the sandbox
    shows the engine's own files as the devbox user's."""

    def of(self, folder: str) -> Path:
        """The host folder of ``"home"`` or ``"tmp"``."""
        return self.home if folder == "home" else self.tmp


def folders_of(root: Path, *, merged: Path | None = None, owner: int | None = None) -> Folders:
    """A devbox's folders: ``root/home`` and ``root/tmp``, or those of its mounted root ``merged``."""
    if merged is None:
        return Folders(root / "home", root / "tmp")
    return Folders(merged / "home" / "user", merged / "tmp", owner)


class PathRejected(ApiError):
    """A path that is malformed or would leave the devbox (400)."""

    def __init__(self, field: str, path: str, why: str) -> None:
        super().__init__(400, f"invalid `{field}` {path!r}: {why}")


def devbox_path(path: str, *, field: str = "path") -> tuple[str, str]:
    """Splits a devbox path into its mount folder and the part under it, pure.

    Args:
        path: Absolute, ``~``-relative or relative to ``/home/user``.
        field: The request field it came from (for messages).

    Returns:
        ``("home" | "tmp", relative part)``; the relative part is ``""`` for the mount itself.

    Raises:
        PathRejected: Empty, has a NUL byte or a ``..`` component, or lies outside
            ``/home/user`` and ``/tmp``.
    """
    if not path or not path.strip():
        raise PathRejected(field, path, "the path is empty")
    if "\0" in path:
        raise PathRejected(field, path, "the path contains a NUL byte")
    if path == "~" or path.startswith("~/"):
        path = HOME + path[1:]
    if ".." in path.split("/"):
        raise PathRejected(field, path, "`..` is not allowed in devbox paths")
    absolute = posixpath.normpath(path if path.startswith("/") else posixpath.join(HOME, path))
    if absolute.startswith("//"):
        absolute = absolute[1:]
    for prefix, folder in _MOUNTS:
        if absolute == prefix:
            return folder, ""
        if absolute.startswith(prefix + "/"):
            return folder, absolute[len(prefix) + 1 :]
    raise PathRejected(field, path, "only paths under /home/user and /tmp are reachable")


def host_path(folders: Folders, folder: str, rel: str) -> Path:
    """The host path of ``rel`` under the devbox folder ``folder`` (``"home"`` or ``"tmp"``), pure."""
    base = folders.of(folder)
    return base / rel if rel else base


def _host_of(folders: Folders, parts: list[str]) -> Path | None:
    """The host path of devbox path components, or None outside ``/home/user`` and ``/tmp``."""
    if parts[:2] == ["home", "user"]:
        return host_path(folders, "home", "/".join(parts[2:]))
    if parts[:1] == ["tmp"]:
        return host_path(folders, "tmp", "/".join(parts[1:]))
    return None


def resolve_path(folders: Folders, path: str, *, field: str = "path") -> Path:
    """The host path of a devbox path, following symlinks the way the devbox sees them.

    Each component is checked: a symlink's target is read as a devbox path (an absolute target
    starts from the devbox's ``/``), so no link can lead to the host's files; the result must lie
    under ``/home/user`` or ``/tmp``. No symlink is followed by the host on the returned path's
    folders.

    Args:
        folders: The devbox's host folders.
        path: The devbox path from the request.
        field: The request field it came from (for messages).

    Returns:
        The host path (it may not exist yet).

    Raises:
        PathRejected: The path is malformed, outside the devbox, or a symlink leads out of
            ``/home/user`` and ``/tmp`` (or loops).
    """
    folder, rel = devbox_path(path, field=field)
    mount = ["home", "user"] if folder == "home" else ["tmp"]
    pending = [*mount, *(rel.split("/") if rel else [])]
    parts: list[str] = []
    hops = 0
    while pending:
        name = pending.pop(0)
        if name in ("", "."):
            continue
        if name == "..":
            if parts:
                parts.pop()
            continue
        parts.append(name)
        host = _host_of(folders, parts)
        if host is None or not host.is_symlink():
            continue
        hops += 1
        if hops > _MAX_SYMLINKS:
            raise PathRejected(field, path, "too many levels of symlinks")
        target = os.readlink(host)
        parts.pop()
        if target.startswith("/"):
            parts = []
        pending = target.split("/") + pending
    resolved = _host_of(folders, parts)
    if resolved is None:
        raise PathRejected(field, path, "it resolves through a symlink outside /home/user and /tmp")
    return resolved
