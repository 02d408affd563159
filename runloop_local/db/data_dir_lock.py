"""The lock that keeps two engines from sharing one data dir."""

from __future__ import annotations

import fcntl
from pathlib import Path
from typing import IO

__all__ = ["DataDirLock"]


class DataDirLock:
    """An exclusive lock on a data dir, so two engines never share one (released on close or exit).

    Raises:
        RuntimeError: Another engine holds the data dir.
    """

    def __init__(self, data_dir: Path) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self._file: IO[str] | None = (data_dir / "engine.lock").open("w")
        try:
            fcntl.flock(self._file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self._file.close()
            self._file = None
            raise RuntimeError(
                f"the data dir {data_dir} is in use by another runloop-local engine; "
                "stop it or choose another --data-dir"
            ) from None

    def release(self) -> None:
        """Releases the lock (idempotent)."""
        if self._file is not None:
            self._file.close()
            self._file = None
