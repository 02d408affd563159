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
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import IO

from ..db.page_cache import WriteBehind
from ..http.errors import bad_request
from .rules import Folders, resolve_path

__all__ = ["Buffer", "NewFile", "replace_file", "write_all", "write_file_mounts"]

Buffer = bytes | bytearray | memoryview
_IOV_MAX = 1024


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


def write_all(fd: int, buffers: Sequence[Buffer]) -> None:
    """Writes ``buffers`` whole, in order, with as few system calls as it takes (``writev``).

    Raises:
        OSError: The write failed.
    """
    views = [view for view in (memoryview(b).cast("B") for b in buffers) if len(view)]
    while views:
        written = os.writev(fd, views[:_IOV_MAX])
        while views and written >= len(views[0]):
            written -= len(views.pop(0))
        if written:
            views[0] = views[0][written:]


class NewFile:
    """A file being written that replaces ``target`` only once whole (:meth:`commit`).

    The new file has no name while it is written (``O_TMPFILE``, where the file system has it):
    an engine killed meanwhile leaves nothing in the devbox's folders. It is linked under a
    temporary name and renamed over ``target`` once whole; until then the old file stays as it
    was. The file, and the folders made for it, belong to ``owner`` when given. Always
    :meth:`close` it (a file not committed is discarded). A long file is written back and
    dropped from the page cache behind the writes (see :mod:`runloop_local.db.page_cache`).

    Raises:
        ApiError: 400 when the folder cannot be created or the file cannot be made.
    """

    def __init__(self, target: Path, field: str, path: str, owner: int | None = None) -> None:
        self._target, self._field, self._path, self._owner = target, field, path, owner
        self._size = 0
        self._behind = WriteBehind()
        try:
            _make_parents(target.parent, owner)
            if target.is_dir():
                raise bad_request(f"invalid `{field}` {path!r}: it is a directory")
            self.fd, self._tmp = _new_file(target.parent)
        except OSError as exc:
            raise self._error(exc) from None

    def _error(self, exc: OSError) -> Exception:
        return bad_request(f"cannot write `{self._field}` {self._path!r}: {exc.strerror}")

    def write(self, buffers: Sequence[Buffer]) -> None:
        """Appends ``buffers`` (written whole, in order).

        Raises:
            ApiError: 400 when the file cannot be written (a full disk, say).
        """
        try:
            write_all(self.fd, buffers)
        except OSError as exc:
            raise self._error(exc) from None
        self._size += sum(memoryview(buffer).nbytes for buffer in buffers)
        self._behind.wrote(self.fd, self._size)

    def fill_from(self, source: int) -> None:
        """Appends the whole of the open file ``source`` (from its start).

        Raises:
            ApiError: 400 when the file cannot be written.
        """
        try:
            os.lseek(source, 0, os.SEEK_SET)
            while os.sendfile(self.fd, source, None, 1 << 30):
                pass
        except OSError as exc:
            raise self._error(exc) from None

    def commit(self) -> None:
        """Replaces the target with the file written.

        Raises:
            ApiError: 400 when it cannot be done (the old file is then unchanged).
        """
        try:
            os.fchmod(self.fd, 0o644)
            if self._owner is not None:
                os.fchown(self.fd, self._owner, self._owner)
            if self._tmp is None:  # named only now, for the rename
                self._tmp = _name(self.fd, self._target.parent)
            os.replace(self._tmp, self._target)
            self._tmp = None
        except OSError as exc:
            raise self._error(exc) from None

    def close(self) -> None:
        """Closes the file; one not committed is gone with it."""
        if self.fd < 0:
            return
        os.close(self.fd)
        self.fd = -1
        if self._tmp is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self._tmp)


def replace_file(
    target: Path, write: Callable[[IO[bytes]], object], field: str, path: str, owner: int | None = None
) -> None:
    """Writes a file atomically: ``write`` fills a :class:`NewFile` that then replaces ``target``.

    Raises:
        ApiError: 400 when the folder cannot be created or the file cannot be written.
    """
    new = NewFile(target, field, path, owner)
    try:
        with os.fdopen(new.fd, "wb", closefd=False) as out:
            write(out)
        new.commit()
    except OSError as exc:
        raise new._error(exc) from None
    finally:
        new.close()


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
