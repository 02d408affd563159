"""Keeping long files the engine writes or reads through out of the page cache.

A file written in one stretch (an execution's output, an uploaded file) is written back and
dropped from the page cache behind its writer, all but its last :data:`KEEP_CACHED` bytes, in a
thread of its own. Kept cached, each MiB took a MiB of memory the machine had not touched: on a
virtual machine that costs the host's page faults, 3-5 ms a MiB (``bench/transfers.py``: a stream
of 300 MB slowed from 270 to under 100 MB/s over three runs; 200 MB uploads into a devbox's disk
ran at 90-200 MB/s instead of 550-700), while pages written back and dropped are taken again at
once, still warm.
"""

from __future__ import annotations

import logging
import os
from concurrent.futures import Future, ThreadPoolExecutor

__all__ = ["KEEP_CACHED", "WriteBehind", "drop_read", "read_release", "release_range"]

logger = logging.getLogger(__name__)

KEEP_CACHED = 32 * 1024 * 1024
"""Bytes at the end of a file that stay in the page cache (live readers read them); what lies
before is written back and dropped, at least this much at a time."""

_WRITE_BACK = ThreadPoolExecutor(max_workers=1, thread_name_prefix="write-back")
"""One thread: the write-backs of every file wait on the disk in turn, never on the event loop."""


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
    """What of a read of a file written through to drop from the page cache after it, if any.

    Only a long file (more than twice ``keep``), read through (a full result, a download of
    the logs) and dropped behind its writer already: kept, each MiB read back would take fresh
    memory as its writing did. Its last ``keep`` bytes, and every shorter file, stay cached.

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


def drop_read(fd: int, offset: int, got: int) -> None:
    """Drops what a read of ``fd`` took into the page cache, as :func:`read_release` says (clean
    pages: dropped at once, taken again by the next read)."""
    span = read_release(offset, got, os.fstat(fd).st_size)
    if span is not None:
        os.posix_fadvise(fd, span[0], span[1], os.POSIX_FADV_DONTNEED)


def _write_back(fd: int, start: int, end: int) -> None:
    """Writes a file's dirty pages to disk, then drops ``[start, end)`` from the page cache
    (dirty pages would stay). Runs in the write-back thread, on its own duplicate of the file."""
    try:
        os.fdatasync(fd)
        os.posix_fadvise(fd, start, end - start, os.POSIX_FADV_DONTNEED)
    except OSError as error:  # only the cache is at stake: the bytes are in the file
        logger.warning("could not write back a file: %s", error)
    finally:
        os.close(fd)


class WriteBehind:
    """Writes one growing file back and drops it from the page cache behind its writer.

    Args:
        keep: Bytes at the end of the file that stay cached.
    """

    def __init__(self, keep: int = KEEP_CACHED) -> None:
        self._keep = keep
        self._written = 0
        self.released = 0
        """Bytes from the start handed to the write-back thread to leave the page cache."""
        self._releasing: Future[None] | None = None

    def wrote(self, fd: int, end: int) -> None:
        """Says the file (open as ``fd``) now holds bytes up to ``end``; releases what is due."""
        self._written = max(self._written, end)
        if self._releasing is not None and not self._releasing.done():
            return  # one write-back at a time: the next write asks again
        span = release_range(self._written, self.released, self._keep)
        if span is not None:
            self.released = span[1]
            # A duplicate: the file may be closed (and its number reused) while the thread works.
            self._releasing = _WRITE_BACK.submit(_write_back, os.dup(fd), *span)

    def truncated(self, length: int) -> None:
        """Says the file was cut to ``length`` bytes."""
        self._written = min(self._written, length)
        self.released = min(self.released, length)

    def wait(self) -> None:
        """Waits for the write-back in flight, if any (for tests and benchmarks)."""
        if self._releasing is not None:
            self._releasing.result()
