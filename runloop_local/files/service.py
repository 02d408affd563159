"""Writing devbox files from the host: whole or not at all, owned by the devbox's user."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import functools
import os
import secrets
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import IO

from ..http.errors import bad_request
from .rules import Folders, resolve_path

__all__ = ["replace_file", "write_file_mounts"]


def _make_parents(folder: Path, owner: int | None) -> None:
    """Creates ``folder`` and its missing parents, owned by ``owner`` when given."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for path in reversed(missing):
        path.mkdir(exist_ok=True)
        if owner is not None:
            os.chown(path, owner, owner)


_TEMP_PREFIX = ".rl-upload-"
_AT_FDCWD = -100
_AT_EMPTY_PATH = 0x1000
_libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
_NO_TMPFILE = (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL, errno.ENOENT)
"""What ``open(O_TMPFILE)`` answers on a file system (or kernel) without unnamed files."""


def _new_file(folder: Path) -> tuple[int, Path | None]:
    """A new, empty file in ``folder`` open for writing: unnamed (path None) where the file
    system allows, else under a temporary name."""
    try:
        return os.open(folder, os.O_TMPFILE | os.O_RDWR, 0o600), None
    except OSError as exc:
        if exc.errno not in _NO_TMPFILE:
            raise
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=_TEMP_PREFIX)
    return fd, Path(tmp)


def _name(fd: int, folder: Path) -> Path:
    """Gives the unnamed file ``fd`` a temporary name in ``folder``; returns it.

    ``linkat(AT_EMPTY_PATH)`` works on overlays (where linking ``/proc/self/fd/N`` fails with
    EXDEV: it names the upper file system's inode) but needs root before Linux 6.10; the
    ``/proc`` link works elsewhere; failing both, the bytes are copied into a named file.

    Raises:
        OSError: The file could not be named.
    """
    name = folder / f"{_TEMP_PREFIX}{secrets.token_hex(6)}"
    if _libc.linkat(fd, b"", _AT_FDCWD, os.fsencode(name), _AT_EMPTY_PATH) == 0:
        return name
    with contextlib.suppress(OSError):
        os.link(f"/proc/self/fd/{fd}", name)
        return name
    stat = os.fstat(fd)
    copy = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.fchmod(copy, stat.st_mode & 0o7777)
        os.fchown(copy, stat.st_uid, stat.st_gid)
        os.lseek(fd, 0, os.SEEK_SET)
        while os.sendfile(copy, fd, None, 1 << 30):
            pass
    except OSError:
        os.unlink(name)
        raise
    finally:
        os.close(copy)
    return name


def replace_file(
    target: Path, write: Callable[[IO[bytes]], object], field: str, path: str, owner: int | None = None
) -> None:
    """Writes a file atomically: ``write`` fills a new file that then replaces ``target``.

    The new file has no name while it is written (``O_TMPFILE``, where the file system has it):
    an engine killed meanwhile leaves nothing in the devbox's folders. It is linked under a
    temporary name and renamed over ``target`` once whole. The file, and the folders made for
    it, belong to ``owner`` when given.

    Raises:
        ApiError: 400 when the folder cannot be created or the file cannot be written.
    """
    try:
        _make_parents(target.parent, owner)
        if target.is_dir():
            raise bad_request(f"invalid `{field}` {path!r}: it is a directory")
        fd, tmp = _new_file(target.parent)
    except OSError as exc:
        raise bad_request(f"cannot write `{field}` {path!r}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as out:
            write(out)
            out.flush()
            os.fchmod(fd, 0o644)
            if owner is not None:
                os.fchown(fd, owner, owner)
            if tmp is None:  # named only now, for the rename
                tmp = _name(fd, target.parent)
        os.replace(tmp, target)
    except OSError as exc:
        raise bad_request(f"cannot write `{field}` {path!r}: {exc.strerror}") from None
    finally:
        if tmp is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)


def write_file_mounts(folders: Folders, file_mounts: Mapping[str, str]) -> None:
    """Writes a devbox's ``file_mounts`` (devbox path -> text) into its folders.

    Raises:
        ApiError: 400 for a path outside the devbox, or a file that cannot be written.
    """
    for target, content in file_mounts.items():
        field = f"file_mounts.{target}"
        path = resolve_path(folders, target, field=field)
        replace_file(path, functools.partial(_write_bytes, content.encode()), field, target, folders.owner)


def _write_bytes(data: bytes, out: IO[bytes]) -> None:
    out.write(data)
