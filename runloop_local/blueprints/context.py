"""The build context: a storage object's archive unpacked into a folder, ``.dockerignore`` applied,
and digests of what COPY takes from it."""

from __future__ import annotations

import glob
import hashlib
import os
import shutil
import stat
import tarfile
from pathlib import Path
from typing import BinaryIO

from .rules import ignore_patterns, ignored

__all__ = ["ContextError", "digest", "sources", "unpack"]


class ContextError(Exception):
    """The build context cannot be used; the message says why."""


def unpack(archive: BinaryIO, folder: Path) -> int:
    """Unpacks a tar archive (plain, gzip, bzip2 or xz) into ``folder``, then removes what its
    ``.dockerignore`` leaves out.

    Returns:
        How many paths were left out.

    Raises:
        ContextError: Not a tar archive, or a member that would land outside the folder.
    """
    folder.mkdir(parents=True, exist_ok=True)
    try:
        with tarfile.open(fileobj=archive, mode="r:*") as tar:
            tar.extractall(folder, filter="data")
    except (tarfile.TarError, OSError) as exc:
        raise ContextError(f"the build context is not a usable tar archive: {exc}") from None
    rules = folder / ".dockerignore"
    if not rules.is_file():
        return 0
    patterns = ignore_patterns(rules.read_text(errors="replace"))
    removed = 0
    for current, dirs, files in os.walk(folder, topdown=True):
        rel_dir = os.path.relpath(current, folder)
        for name in list(dirs) + files:
            rel = name if rel_dir == "." else f"{rel_dir}/{name}"
            if rel in (".dockerignore", "Dockerfile") or not ignored(rel, patterns):
                continue
            path = Path(current) / name
            if name in dirs and not path.is_symlink():
                shutil.rmtree(path)
                dirs.remove(name)
            else:
                path.unlink()
            removed += 1
    return removed


def sources(context: Path | None, patterns: tuple[str, ...]) -> list[Path]:
    """The context paths COPY names (globs expanded), each inside the context.

    Raises:
        ContextError: No context, a path leaving it, or a pattern that matches nothing.
    """
    if context is None:
        raise ContextError("COPY/ADD need a build context: give `build_context` (a storage object)")
    root = context.resolve()
    found: list[Path] = []
    for pattern in patterns:
        relative = pattern.lstrip("/")
        matches = (
            sorted(glob.glob(str(root / relative))) if glob.has_magic(relative) else [str(root / relative)]
        )
        matches = [m for m in matches if os.path.lexists(m)]
        if not matches:
            raise ContextError(f"{pattern!r} is not in the build context")
        for match in matches:
            path = Path(os.path.normpath(match))
            if path != root and root not in path.parents:
                raise ContextError(f"{pattern!r} leads outside the build context")
            found.append(path)
    return found


def digest(paths: list[Path]) -> str:
    """A digest of files and folders as COPY takes them: relative paths, modes, contents and
    symlink targets (not times), so an unchanged context gives the same key."""
    hasher = hashlib.sha256()
    for top in paths:
        walk = [top] if not top.is_dir() or top.is_symlink() else sorted(_tree(top))
        for path in walk:
            info = path.lstat()
            hasher.update(f"{path.relative_to(top.parent)}\0{info.st_mode:o}\0".encode())
            if stat.S_ISLNK(info.st_mode):
                hasher.update(os.readlink(path).encode())
            elif stat.S_ISREG(info.st_mode):
                with path.open("rb") as file:
                    while chunk := file.read(1 << 20):
                        hasher.update(chunk)
            hasher.update(b"\0")
    return hasher.hexdigest()


def _tree(top: Path) -> list[Path]:
    found = [top]
    for current, dirs, files in os.walk(top):
        found += [Path(current) / name for name in dirs + files]
    return found
