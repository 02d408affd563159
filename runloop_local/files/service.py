"""Writing devbox files from the host: whole or not at all, owned by the devbox's user."""

from __future__ import annotations

import contextlib
import functools
import os
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


def replace_file(
    target: Path, write: Callable[[IO[bytes]], object], field: str, path: str, owner: int | None = None
) -> None:
    """Writes a file atomically: ``write`` fills a temporary file that then replaces ``target``.

    The file, and the folders made for it, belong to ``owner`` when given.

    Raises:
        ApiError: 400 when the folder cannot be created or the file cannot be written.
    """
    try:
        _make_parents(target.parent, owner)
        if target.is_dir():
            raise bad_request(f"invalid `{field}` {path!r}: it is a directory")
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".rl-upload-")
    except OSError as exc:
        raise bad_request(f"cannot write `{field}` {path!r}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as out:
            write(out)
        os.chmod(tmp, 0o644)
        if owner is not None:
            os.chown(tmp, owner, owner)
        os.replace(tmp, target)
    except OSError as exc:
        raise bad_request(f"cannot write `{field}` {path!r}: {exc.strerror}") from None
    finally:
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
