"""Copying folder trees for disk snapshots: cheap copies (reflinks where the file system has them).

Never hard links: a later write in the devbox would change the snapshot through them.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
from pathlib import Path

from ..sandbox.host_commands import dies_with_engine

__all__ = ["CopyError", "chown_tree", "copy_tree", "remove_tree", "tree_size"]

_CP = shutil.which("cp")


class CopyError(Exception):
    """A tree could not be copied; the message says why."""


async def copy_tree(src: Path, dst: Path) -> None:
    """Copies the folder ``src`` to ``dst`` (which must not exist), keeping modes, times, links.

    Uses ``cp -a --reflink=auto`` (copy-on-write clones where the file system supports them,
    plain copies elsewhere); without ``cp``, :func:`shutil.copytree` with ``copy2``. A copy that
    fails may leave part of ``dst``: callers copy into a staging folder and remove it.

    Raises:
        CopyError: The copy failed (the message carries ``cp``'s own).
    """
    if not src.is_dir():
        raise CopyError(f"{src} is not a folder")
    if _CP is None:
        try:
            await asyncio.to_thread(shutil.copytree, src, dst, symlinks=True, copy_function=shutil.copy2)
        except (OSError, shutil.Error) as exc:
            raise CopyError(str(exc)) from None
        return
    process = await asyncio.create_subprocess_exec(
        *dies_with_engine([_CP, "-a", "--reflink=auto", "--", str(src), str(dst)]),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        _, err = await process.communicate()
    finally:
        if process.returncode is None:  # cancelled: the copy must not go on behind our back
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
    if process.returncode != 0:
        message = err.decode("utf-8", "replace").strip().splitlines()
        raise CopyError("; ".join(message[-3:]) or f"cp exited with status {process.returncode}")


def tree_size(root: Path) -> int:
    """Bytes of the files under ``root`` (apparent sizes; links not followed)."""
    total = 0
    for folder, _, files in os.walk(root):
        for name in files:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(folder, name)).st_size
    return total


def remove_tree(path: Path) -> None:
    """Removes a folder tree if it exists (errors ignored: a leftover is swept on the next start)."""
    shutil.rmtree(path, ignore_errors=True)


def chown_tree(root: Path, owner: int) -> None:
    """Gives ``root`` and everything under it to uid and gid ``owner`` (links themselves, not their targets)."""
    os.lchown(root, owner, owner)
    for folder, dirs, files in os.walk(root):
        for name in (*dirs, *files):
            os.lchown(os.path.join(folder, name), owner, owner)
