"""Output of executions in append-only files: one per execution and stream, grouped by devbox.

``<folder>/<devbox id>/<execution id>.<stream>`` holds the stream's bytes from position 0, so a
read at any offset is one ``pread`` (page cache) and a write one ``pwrite``: no database row,
no WAL, no checkpoint per MiB of output. Which length counts is the execution record's business
(see ``docs/local_engine.md``, "Crashes"): a file may hold bytes past what its record says, and
readers never go past the record.

A long output's file is written back and dropped from the page cache behind its writer, all but
the last :data:`~.page_cache.KEEP_CACHED` bytes, which live readers read (see :mod:`.page_cache`).
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from pathlib import Path

from .page_cache import KEEP_CACHED, WriteBehind, drop_read

__all__ = ["OutputFile", "OutputFiles"]

_NAME = re.compile(r"[A-Za-z0-9_-]{1,100}")
STREAMS = ("stdout", "stderr")


def _checked(name: str) -> str:
    if not _NAME.fullmatch(name):
        raise ValueError(f"not an id fit for a file name: {name!r}")
    return name


class OutputFile:
    """One stream's file, opened on the first write (a command that prints little never makes
    one while it runs) and kept open until :meth:`close`."""

    def __init__(self, path: Path, keep_cached: int = KEEP_CACHED) -> None:
        self.path = path
        self._fd: int | None = None
        self._behind = WriteBehind(keep_cached)

    @property
    def released(self) -> int:
        """Bytes from the start handed to the write-back thread to leave the page cache."""
        return self._behind.released

    def _open(self) -> int:
        if self._fd is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        return self._fd

    def write(self, position: int, data: bytes | bytearray | memoryview) -> None:
        """Writes ``data`` at byte ``position`` (written again after a failure, it lands in the
        same place: positions, not appends)."""
        fd = self._open()
        view = memoryview(data)
        while view:
            done = os.pwrite(fd, view, position)
            position += done
            view = view[done:]
        self._behind.wrote(fd, position)

    def wait_released(self) -> None:
        """Waits for the write-back in flight, if any (for tests and benchmarks)."""
        self._behind.wait()

    def read(self, offset: int, limit: int) -> bytes:
        """Up to ``limit`` bytes from ``offset`` (fewer at the end of the file)."""
        if self._fd is not None:
            return _pread(self._fd, offset, limit)
        return _read(self.path, offset, limit)

    def truncate(self, length: int) -> None:
        """Cuts the file to ``length`` bytes (made empty when missing)."""
        os.ftruncate(self._open(), length)
        self._behind.truncated(length)

    def sync(self) -> None:
        """Waits until what was written is on disk (not needed against a crash of the engine,
        only of the machine)."""
        if self._fd is not None:
            os.fsync(self._fd)

    def close(self) -> None:
        """Closes the file (it stays on disk)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def _pread(fd: int, offset: int, limit: int) -> bytes:
    parts: list[bytes] = []
    while limit > 0:  # one pread but for reads of 2 GiB and more
        part = os.pread(fd, limit, offset)
        if not part:
            break
        parts.append(part)
        offset += len(part)
        limit -= len(part)
    return parts[0] if len(parts) == 1 else b"".join(parts)


def _read(path: Path, offset: int, limit: int) -> bytes:
    if limit <= 0:
        return b""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:  # nothing was ever printed on this stream
        return b""
    try:
        data = _pread(fd, offset, limit)
        drop_read(fd, offset, len(data))
        return data
    finally:
        os.close(fd)


class OutputFiles:
    """The folder of every execution's output files.

    Args:
        folder: Where the files live (created when first needed).
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path(self, devbox_id: str, execution_id: str, stream: str) -> Path:
        """The file of one execution's ``stream``."""
        if stream not in STREAMS:
            raise ValueError(f"unknown stream {stream!r}")
        return self.folder / _checked(devbox_id) / f"{_checked(execution_id)}.{stream}"

    def file(self, devbox_id: str, execution_id: str, stream: str) -> OutputFile:
        """A writer (and reader) of one execution's ``stream``."""
        return OutputFile(self.path(devbox_id, execution_id, stream))

    def read(self, devbox_id: str, execution_id: str, stream: str, offset: int, limit: int) -> bytes:
        """Up to ``limit`` bytes of a stream from byte ``offset`` (fewer at its end)."""
        return _read(self.path(devbox_id, execution_id, stream), offset, limit)

    def size(self, devbox_id: str, execution_id: str, stream: str) -> int:
        """Bytes in a stream's file (0 when it has none)."""
        try:
            return self.path(devbox_id, execution_id, stream).stat().st_size
        except FileNotFoundError:
            return 0

    def truncate(self, devbox_id: str, execution_id: str, stream: str, length: int) -> None:
        """Cuts a stream's file to ``length`` bytes (nothing when it is not longer)."""
        path = self.path(devbox_id, execution_id, stream)
        with contextlib.suppress(FileNotFoundError):
            if path.stat().st_size > length:
                os.truncate(path, length)

    def remove_execution(self, devbox_id: str, execution_id: str) -> None:
        """Deletes an execution's files."""
        for stream in STREAMS:
            with contextlib.suppress(FileNotFoundError):
                self.path(devbox_id, execution_id, stream).unlink()

    def executions(self) -> Iterator[tuple[str, str]]:
        """``(devbox id, execution id)`` of every execution that has a file."""
        if not self.folder.is_dir():
            return
        with os.scandir(self.folder) as devboxes:
            folders = [(d.name, d.path) for d in devboxes if d.is_dir(follow_symlinks=False)]
        for devbox_id, folder in folders:
            with os.scandir(folder) as entries:
                names = {entry.name.rpartition(".")[0] for entry in entries}
            yield from ((devbox_id, execution_id) for execution_id in sorted(names) if execution_id)
