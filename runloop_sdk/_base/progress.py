"""Progress of long transfers and builds: a callback of the caller's, or a bar on the terminal.

``progress=`` on uploads, downloads and blueprint builds takes:

- a callable: called with a :class:`Progress` after every chunk (or build log line);
- ``True``: draw a bar with ``rich`` when it is installed (``pip install 'runloop-sdk[progress]'``)
  and standard error is a terminal; otherwise nothing is shown;
- ``None`` (the default): a bar only when the ``RUNLOOP_PROGRESS`` environment variable is
  ``1``/``true``/``yes`` (same conditions), else nothing;
- ``False``: never anything.

A bar is opt-in so scripts, notebooks and CI logs stay as they were.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any, Literal, Protocol, Union

__all__ = [
    "Progress",
    "ProgressArg",
    "ProgressCallback",
    "ProgressReader",
    "Reporter",
    "bar_wanted",
    "open_reporter",
]

ProgressUnit = Literal["bytes", "lines"]


@dataclass(frozen=True)
class Progress:
    """One progress update.

    Attributes:
        task: What is under way (``"upload /home/user/data.bin"``, ``"build bp_..."``).
        done: Bytes moved (or build log lines seen) so far.
        total: Bytes in all, when known (``None`` for builds and unsized downloads).
        unit: ``"bytes"`` or ``"lines"``.
        message: For builds, the log line just written.
        finished: True on the last update of the task.
    """

    task: str
    done: int
    total: int | None
    unit: ProgressUnit
    message: str | None = None
    finished: bool = False


ProgressCallback = Callable[[Progress], None]
ProgressArg = Union[ProgressCallback, bool, None]
"""What ``progress=`` accepts: a callback, ``True``/``False``, or ``None`` (the environment decides)."""

_TRUE = {"1", "true", "yes", "on"}


def bar_wanted(progress: ProgressArg, environ: dict[str, str] | os._Environ[str], is_terminal: bool) -> bool:
    """Whether a terminal bar is to be drawn (pure: the caller passes the environment).

    Args:
        progress: The call's ``progress=`` argument.
        environ: The environment (``RUNLOOP_PROGRESS``).
        is_terminal: Whether standard error is a terminal.
    """
    if callable(progress) or progress is False or not is_terminal:
        return False
    return progress is True or environ.get("RUNLOOP_PROGRESS", "").strip().lower() in _TRUE


class Reporter(Protocol):
    """Receives the updates of one task."""

    active: bool
    """False when nothing is shown or called (work done only for progress can be skipped)."""

    def update(self, done: int, message: str | None = None) -> None:
        """Reports the amount done so far (absolute) and, for builds, the latest line."""

    def close(self) -> None:
        """Reports the end of the task."""


class _CallbackReporter:
    active = True

    def __init__(self, callback: ProgressCallback, task: str, total: int | None, unit: ProgressUnit) -> None:
        self._callback = callback
        self._task = task
        self._total = total
        self._unit = unit
        self._done = 0

    def update(self, done: int, message: str | None = None) -> None:
        self._done = done
        self._callback(Progress(self._task, done, self._total, self._unit, message))

    def close(self) -> None:
        self._callback(Progress(self._task, self._done, self._total, self._unit, finished=True))


class _NullReporter:
    active = False

    def update(self, done: int, message: str | None = None) -> None:
        pass

    def close(self) -> None:
        pass


def open_reporter(progress: ProgressArg, task: str, total: int | None, unit: ProgressUnit) -> Reporter:
    """The reporter ``progress=`` asks for: the caller's callback, a ``rich`` bar, or nothing.

    Args:
        progress: The call's ``progress=`` argument.
        task: What is under way, shown beside the bar.
        total: The amount in all, when known.
        unit: ``"bytes"`` or ``"lines"``.
    """
    if callable(progress):
        return _CallbackReporter(progress, task, total, unit)
    if bar_wanted(progress, os.environ, sys.stderr.isatty()):
        try:
            from ._rich_bar import RichBar
        except ImportError:  # rich is an optional extra: no bar without it
            return _NullReporter()
        return RichBar(task, total, unit)
    return _NullReporter()


class ProgressReader:
    """A binary file object that reports how much of it was read (the upload's progress).

    httpx reads multipart file fields with ``read``; it seeks to the start before a resend,
    which starts the count anew.
    """

    def __init__(self, file: IO[bytes], reporter: Reporter) -> None:
        self._file = file
        self._reporter = reporter
        self._done = 0
        self.name = getattr(file, "name", "upload")

    def read(self, size: int = -1) -> bytes:
        chunk = self._file.read(size)
        self._done += len(chunk)
        self._reporter.update(self._done)
        return chunk

    def seek(self, offset: int, whence: int = 0) -> int:
        position = self._file.seek(offset, whence)
        if whence == 0:
            self._done = position
        return position

    def tell(self) -> int:
        return self._file.tell()

    def fileno(self) -> int:
        return self._file.fileno()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._file, name)
