"""Host-side file work of devbox mounts: archives unpacked, streams written, git run, all owned by the devbox user."""

from __future__ import annotations

import asyncio
import os
import shutil
import tarfile
from pathlib import Path
from typing import BinaryIO

from ..images.tree_copy import chown_tree
from ..sandbox.host_commands import dies_with_engine

__all__ = ["GIT_TIMEOUT", "MountError", "run_git", "unpack", "write"]

GIT_TIMEOUT = 300.0


class MountError(Exception):
    """A mount could not be made; the message names it."""


def unpack(data: BinaryIO, target: Path, owner: int | None) -> None:
    """Unpacks a tar archive (any compression) into ``target``, safely (tarfile's data filter)."""
    target.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=data, mode="r:*") as tar:
        tar.extractall(target, filter="data")
    if owner is not None:
        chown_tree(target, owner)


def write(data: BinaryIO, target: Path, owner: int | None) -> None:
    """Writes a stream to the file ``target``, making its folder."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "wb") as out:
        shutil.copyfileobj(data, out, 1 << 20)
    if owner is not None:
        os.chown(target, owner, owner)


async def run_git(*args: str, secret: str | None) -> None:
    """Runs git on the host (no prompts, no user config); ``secret`` is masked in its errors.

    Raises:
        MountError: It failed or took more than :data:`GIT_TIMEOUT` seconds.
    """
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "GIT_TERMINAL_PROMPT": "0",
        "HOME": "/nonexistent",
    }
    process = await asyncio.create_subprocess_exec(
        *dies_with_engine(["git", *args]),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        env=env,
    )
    try:
        output, _ = await asyncio.wait_for(process.communicate(), GIT_TIMEOUT)
    except asyncio.TimeoutError:
        process.kill()
        await process.wait()
        raise MountError(f"git {args[0]} took more than {GIT_TIMEOUT:.0f} s") from None
    if process.returncode != 0:
        text = output.decode("utf-8", "replace").strip()
        if secret:
            text = text.replace(secret, "***")
        raise MountError(f"git {args[0] if args[0] != '-C' else args[2]} failed: {text[-500:]}")
