"""A devbox's ``mounts``: files, storage objects and git repositories put into it as it boots.

Each lands under ``/home/user`` or ``/tmp`` (as the devbox sees them), owned by the devbox user.
An object whose content type is ``tar`` or ``tgz`` is unpacked at its path; any other is written
there as a file. A code mount clones ``{RUNLOOP_LOCAL_GIT_BASE_URL}/{owner}/{name}`` (GitHub by
default; tests and offline machines point it at a folder of repositories) into
``/home/user/{name}``, checks out ``git_ref``, and runs ``install_command`` in it in the devbox.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tarfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, BinaryIO

from ..files.rules import Folders, resolve_path
from ..files.service import write_file_mounts
from ..http.errors import ApiError
from ..images.tree_copy import chown_tree
from ..objects.service import ObjectService
from ..sandbox.host_commands import dies_with_engine

__all__ = ["GIT_BASE_ENV", "MountError", "apply_mounts", "install_commands"]

GIT_BASE_ENV = "RUNLOOP_LOCAL_GIT_BASE_URL"
GIT_TIMEOUT = 300.0


class MountError(Exception):
    """A mount could not be made; the message names it."""


async def apply_mounts(mounts: list[dict[str, Any]], folders: Folders, objects: ObjectService) -> None:
    """Makes every mount, in order.

    Raises:
        MountError: The first that failed, and why.
    """
    for n, mount in enumerate(mounts):
        where = f"mounts[{n}] ({mount.get('type')})"
        try:
            if mount["type"] == "file_mount":
                write_file_mounts(folders, {str(mount["target"]): str(mount["content"])})
            elif mount["type"] == "object_mount":
                await _object_mount(mount, folders, objects)
            else:
                await _code_mount(mount, folders)
        except ApiError as exc:
            raise MountError(f"{where}: {exc.message}") from None
        except (OSError, tarfile.TarError, MountError) as exc:
            raise MountError(f"{where}: {exc}") from None


def install_commands(mounts: list[dict[str, Any]]) -> list[str]:
    """The commands code mounts ask to run in the devbox once cloned (in their folders)."""
    return [
        f"cd ~/{mount['repo_name']} && {mount['install_command']}"
        for mount in mounts
        if mount.get("type") == "code_mount" and mount.get("install_command")
    ]


async def _object_mount(mount: Mapping[str, Any], folders: Folders, objects: ObjectService) -> None:
    rec, data = objects.open_download(str(mount["object_id"]))
    target = resolve_path(folders, str(mount["object_path"]), field="object_path")
    with data:
        if rec.content_type in ("tar", "tgz"):
            await asyncio.to_thread(_unpack, data, target, folders.owner)
        else:
            await asyncio.to_thread(_write, data, target, folders.owner)


def _unpack(data: BinaryIO, target: Path, owner: int | None) -> None:
    target.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=data, mode="r:*") as tar:
        tar.extractall(target, filter="data")
    if owner is not None:
        chown_tree(target, owner)


def _write(data: BinaryIO, target: Path, owner: int | None) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "wb") as out:
        shutil.copyfileobj(data, out, 1 << 20)
    if owner is not None:
        os.chown(target, owner, owner)


async def _code_mount(mount: Mapping[str, Any], folders: Folders) -> None:
    base = os.environ.get(GIT_BASE_ENV, "https://github.com").rstrip("/")
    owner, name, token = str(mount["repo_owner"]), str(mount["repo_name"]), mount.get("token")
    url = f"{base}/{owner}/{name}"
    if token and base.startswith("https://"):
        url = f"https://x-access-token:{token}@{base.removeprefix('https://')}/{owner}/{name}"
    target = resolve_path(folders, f"/home/user/{name}", field="repo_name")
    if target.exists():
        raise MountError(f"/home/user/{name} exists already")
    await _git("clone", "--quiet", "--", url, str(target), secret=token)
    ref = mount.get("git_ref")
    if ref:
        await _git("-C", str(target), "checkout", "--quiet", str(ref), secret=token)
    if folders.owner is not None:
        await asyncio.to_thread(chown_tree, target, folders.owner)


async def _git(*args: str, secret: str | None) -> None:
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
