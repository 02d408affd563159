"""Output of executions in append-only files: one per execution and stream, grouped by devbox.

``<folder>/<devbox id>/<execution id>.<stream>`` holds the stream's bytes from position 0, so a
read at any offset is one ``pread`` (page cache) and a write one ``pwrite``: no database row,
no WAL, no checkpoint per MiB of output. Which length counts is the execution record's business
(see ``docs/local_engine.md``, "Crashes"): a file may hold bytes past what its record says, and
readers never go past the record.

A long output's file is written back and dropped from the page cache behind its writer (all but
the last :data:`KEEP_CACHED` bytes, which live readers read), in a thread of its own. Kept cached,
each MiB of output took a MiB of memory the machine had not touched: on a virtual machine that
costs the host's page faults, 3-5 ms a MiB (``bench/transfers.py``: a stream of 300 MB slowed
from 270 to under 100 MB/s over three runs, the engine's CPU a MiB going from 3 to 7 ms), while
pages written back and dropped are taken again at once, still warm.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

__all__ = ["KEEP_CACHED", "OutputFile", "OutputFiles", "read_release", "release_range"]

logger = logging.getLogger(__name__)

KEEP_CACHED = 32 * 1024 * 1024
"""Bytes at the end of an output file that stay in the page cache for live readers; what lies
before is written back and dropped, at least this much at a time."""

_WRITE_BACK = ThreadPoolExecutor(max_workers=1, thread_name_prefix="output-write-back")
"""One thread: the write-backs of every file wait on the disk in turn, never on the event loop."""

_NAME = re.compile(r"[A-Za-z0-9_-]{1,100}")
STREAMS = ("stdout", "stderr")


def _checked(name: str) -> str:
    if not _NAME.fullmatch(name):
        raise ValueError(f"not an id fit for a file name: {name!r}")
    return name


def release_range(written: int, released: int, keep: int = KEEP_CACHED) -> tuple[int, int] | None:
    """Which bytes of a file to write back and drop from the page cache now, if any.

    Args:
        written: The end of what has been written.
        released: Where what was released before ends.
        keep: Bytes at the end that stay cached; also the least worth a release.

    Returns:
        ``(start, end)`` to release, or None while less than ``keep`` bytes lie between what
        was released and the last ``keep`` bytes.
    """
    end = written - keep
    if end - released < keep:
        return None
    return released, end


def read_release(offset: int, got: int, size: int, keep: int = KEEP_CACHED) -> tuple[int, int] | None:
    """What of a read of an ended output to drop from the page cache after it, if any.

    Only a long output (more than twice ``keep``), read through (a full result, a download of
    the logs) and dropped behind its writer already: kept, each MiB read back would take fresh
    memory as its writing did. Its last ``keep`` bytes, and every shorter output, stay cached.

    Args:
        offset: Where the read started.
        got: Bytes it read.
        size: The file's size.
        keep: Bytes at the end that stay cached.

    Returns:
        ``(start, length)`` to drop, or None.
    """
    if size <= 2 * keep:
        return None
    end = min(offset + got, size - keep)
    return (offset, end - offset) if end > offset else None


def _write_back(fd: int, start: int, end: int) -> None:
    """Writes a file's dirty pages to disk, then drops ``[start, end)`` from the page cache
    (dirty pages would stay). Runs in the write-back thread, on its own duplicate of the file."""
    try:
        os.fdatasync(fd)
        os.posix_fadvise(fd, start, end - start, os.POSIX_FADV_DONTNEED)
    except OSError as error:  # only the cache is at stake: the bytes are in the file
        logger.warning("could not write back output file: %s", error)
    finally:
        os.close(fd)


class OutputFile:
    """One stream's file, opened on the first write (a command that prints little never makes
    one while it runs) and kept open until :meth:`close`."""

    def __init__(self, path: Path, keep_cached: int = KEEP_CACHED) -> None:
        self.path = path
        self._fd: int | None = None
        self._keep_cached = keep_cached
        self._written = 0
        self.released = 0
        """Bytes from the start handed to the write-back thread to leave the page cache."""
        self._releasing: Future[None] | None = None

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
        self._written = max(self._written, position)
        self._release_behind(fd)

    def _release_behind(self, fd: int) -> None:
        if self._releasing is not None and not self._releasing.done():
            return  # one write-back at a time: the next write asks again
        span = release_range(self._written, self.released, self._keep_cached)
        if span is not None:
            self.released = span[1]
            # A duplicate: this file may be closed (and its number reused) while the thread works.
            self._releasing = _WRITE_BACK.submit(_write_back, os.dup(fd), *span)

    def wait_released(self) -> None:
        """Waits for the write-back in flight, if any (for tests and benchmarks)."""
        if self._releasing is not None:
            self._releasing.result()

    def read(self, offset: int, limit: int) -> bytes:
        """Up to ``limit`` bytes from ``offset`` (fewer at the end of the file)."""
        if self._fd is not None:
            return _pread(self._fd, offset, limit)
        return _read(self.path, offset, limit)

    def truncate(self, length: int) -> None:
        """Cuts the file to ``length`` bytes (made empty when missing)."""
        os.ftruncate(self._open(), length)
        self._written = min(self._written, length)
        self.released = min(self.released, length)

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
        span = read_release(offset, len(data), os.fstat(fd).st_size)
        if span is not None:  # clean pages: dropped at once, taken again by the next read
            os.posix_fadvise(fd, span[0], span[1], os.POSIX_FADV_DONTNEED)
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
