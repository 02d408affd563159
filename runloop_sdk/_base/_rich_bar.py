"""The terminal progress bar, drawn with ``rich`` (the optional ``progress`` extra)."""

from __future__ import annotations

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TransferSpeedColumn,
)

__all__ = ["RichBar"]


class RichBar:
    """One task's bar on standard error; closed when the task ends."""

    active = True

    def __init__(self, task: str, total: int | None, unit: str) -> None:
        columns: tuple[ProgressColumn, ...]
        if unit == "bytes":
            columns = (
                TextColumn("{task.description}"),
                BarColumn(),
                DownloadColumn(),
                TransferSpeedColumn(),
                TimeElapsedColumn(),
            )
        else:
            columns = (
                SpinnerColumn(),
                TextColumn("{task.description}"),
                MofNCompleteColumn() if total is not None else TaskProgressColumn(),
                TimeElapsedColumn(),
                TextColumn("{task.fields[line]}"),
            )
        self._bar = Progress(*columns, console=Console(stderr=True), transient=False)
        self._task = self._bar.add_task(task, total=total, line="")
        self._bar.start()

    def update(self, done: int, message: str | None = None) -> None:
        if message is None:
            self._bar.update(self._task, completed=done)
        else:
            self._bar.update(self._task, completed=done, line=message[:60])

    def close(self) -> None:
        self._bar.update(self._task, line="done")
        self._bar.stop()
